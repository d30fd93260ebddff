// Scheme lists and the scheme page: re-render the server's live part when a scheme event
// arrives, alert on reviews and escalations, and move through rows with J/K.
import { onEvent, showAlert } from "./live.js";
import { liveFragment, refreshFragment, rowKeys } from "./screen.js";

const ALERT_LEVELS = {
  "scheme.review_due": "warning",
  "scheme.victim_not_informed": "warning",
  "scheme.escalated": "danger",
};
const regions = [...document.querySelectorAll("[data-live-region][data-fragment-url]")];

export function refreshAll() {
  return Promise.all(regions.map((region) => refreshFragment(region).catch(() => region)));
}

for (const region of regions) {
  liveFragment(region, {
    kinds: ["scheme."],
    // The scheme page follows its own scheme; the lists follow every one.
    when: (frame) => !region.dataset.schemeId || String(frame.data?.scheme ?? "") === region.dataset.schemeId,
    delayMs: 150,
    backstopMs: 0,
  });
  if (!region.dataset.schemeId) rowKeys(region);
}

onEvent((frame) => {
  const level = ALERT_LEVELS[frame.kind];
  if (level && frame.data && frame.data.summary) {
    showAlert(frame.data.summary, { level, sound: level === "danger", key: `scheme-${frame.id}` });
  }
}, "scheme.");
