// Scheme lists and the scheme page: re-fetch the server-rendered live part when a
// scheme event arrives, alert on reviews and escalations, and move through rows with J/K.
import { onEvent, showAlert } from "./live.js";

const ALERT_LEVELS = {
  "scheme.review_due": "warning",
  "scheme.victim_not_informed": "warning",
  "scheme.escalated": "danger",
};
const pending = new Map();

export async function refreshRegion(region) {
  const response = await fetch(region.dataset.fragmentUrl, {
    credentials: "same-origin",
    headers: { Accept: "text/html" },
  });
  if (!response.ok) return;
  // Server-rendered, auto-escaped HTML from this site; it carries no scripts.
  region.innerHTML = await response.text();
  region.dispatchEvent(new CustomEvent("scheme:refreshed", { bubbles: true }));
}

function schedule(region) {
  clearTimeout(pending.get(region));
  pending.set(
    region,
    setTimeout(() => refreshRegion(region), 150),
  );
}

export function refreshAll() {
  for (const region of document.querySelectorAll("[data-live-region]")) schedule(region);
}

onEvent((frame) => {
  const schemeId = frame.data ? String(frame.data.scheme ?? "") : "";
  for (const region of document.querySelectorAll("[data-live-region]")) {
    if (region.dataset.schemeId && region.dataset.schemeId !== schemeId) continue;
    schedule(region);
  }
  const level = ALERT_LEVELS[frame.kind];
  if (level && frame.data && frame.data.summary) {
    showAlert(frame.data.summary, { level, sound: level === "danger", key: `scheme-${frame.id}` });
  }
}, "scheme.");

function typing(target) {
  return target.closest("input, textarea, select, [contenteditable]") !== null;
}

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
  if (event.key !== "j" && event.key !== "k") return;
  const links = [...document.querySelectorAll("[data-live-region] tr[data-scheme-id] a")];
  if (!links.length) return;
  const current = links.indexOf(document.activeElement);
  const step = event.key === "j" ? 1 : -1;
  const next = current === -1 ? 0 : Math.min(links.length - 1, Math.max(0, current + step));
  links[next].focus();
  event.preventDefault();
});
