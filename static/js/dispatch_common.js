// Shared by the dispatch screens: API calls with the page's CSRF token, live regions that
// re-render from the server when a frame says something changed, and list navigation.
import { onEvent } from "./live.js";

export function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

export async function apiPost(path, body = {}) {
  const response = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: {
      "Content-Type": "application/json",
      Accept: "application/json",
      "X-CSRFToken": csrfToken(),
    },
    body: JSON.stringify(body),
  });
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { ok: response.ok, status: response.status, data };
}

export function errorText(result) {
  if (!result.data) return `Refused (${result.status}).`;
  if (typeof result.data.detail === "string") return result.data.detail;
  return Object.entries(result.data)
    .map(([field, messages]) => `${field}: ${[].concat(messages).join(" ")}`)
    .join(" · ");
}

export function say(element, text, state = "ok") {
  if (!element) return;
  element.textContent = text;
  element.dataset.state = state;
}

// Swap a region's HTML, keeping what the user typed ([data-keep]) and where the focus was.
function swap(region, html) {
  const kept = {};
  for (const field of region.querySelectorAll("[data-keep]")) kept[field.dataset.keep] = field.value;
  const active = document.activeElement;
  const focusKeep = active && region.contains(active) ? active.dataset.keep : null;
  const template = document.createElement("template");
  template.innerHTML = html;
  region.replaceChildren(template.content);
  for (const field of region.querySelectorAll("[data-keep]")) {
    if (field.dataset.keep in kept) field.value = kept[field.dataset.keep];
  }
  if (focusKeep) region.querySelector(`[data-keep="${CSS.escape(focusKeep)}"]`)?.focus();
  region.dispatchEvent(new CustomEvent("cad:refreshed", { bubbles: true }));
}

// Re-render `region` from its data-partial-url whenever a frame of one of `kinds` arrives.
export function liveRegion(region, kinds, { backstopMs = 30000 } = {}) {
  const url = region.dataset.partialUrl;
  let timer = null;
  let running = false;
  let again = false;

  async function refresh() {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok) swap(region, await response.text());
    } catch (error) {
      console.warn("refresh failed", error);
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 30); // collapses the frames of one commit, no more
  }

  onEvent((frame) => {
    if (kinds.some((kind) => frame.kind.startsWith(kind))) schedule();
  });
  // A backstop for anything that changes without an event of these kinds.
  setInterval(schedule, backstopMs);
  return { refresh: schedule };
}

export function typing(event) {
  const target = event.target;
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
  );
}

// Move the selection within `items` (a NodeList getter) by `step`; returns the selected item.
export function moveSelection(getItems, keyAttr, current, step) {
  const items = Array.from(getItems());
  if (!items.length) return null;
  let index = items.findIndex((item) => item.getAttribute(keyAttr) === current);
  index = index < 0 ? (step > 0 ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, index + step));
  return items[index];
}

export function markSelected(items, keyAttr, value) {
  for (const item of items) {
    const selected = value !== null && item.getAttribute(keyAttr) === value;
    item.setAttribute("aria-selected", selected ? "true" : "false");
  }
}
