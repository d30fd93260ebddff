// What every screen shares, in one place: the CSRF token and JSON calls to the API, live
// fragments re-rendered by the server that keep what a person is typing, and moving through
// a list with the keyboard.
//
//   liveFragment(region, { kinds: ["unit."] })   // region[data-fragment-url], live
//   await refreshFragment(region)                // once, now
//   rowKeys(container)                           // J/K or arrows, Enter opens data-href
import { onEvent } from "./live.js";

// --- the API ---------------------------------------------------------------------------

export function csrfToken() {
  const field = document.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

// {ok, status, data}: data is the JSON answer, or null when there is none.
export async function api(method, url, body) {
  const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
  if (method !== "GET") {
    options.headers["Content-Type"] = "application/json";
    options.headers["X-CSRFToken"] = csrfToken();
    options.body = JSON.stringify(body || {});
  }
  const response = await fetch(url, options);
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  return { ok: response.ok, status: response.status, data };
}

export function apiPost(url, body = {}) {
  return api("POST", url, body);
}

// One line for a refusal: {"detail": "..."} or {"field": ["message", ...]}.
export function errorText(result) {
  if (!result.data) return `Refused (${result.status}).`;
  if (typeof result.data.detail === "string") return result.data.detail;
  return Object.entries(result.data)
    .map(([field, messages]) => `${field}: ${[].concat(messages).join(" ")}`)
    .join(" · ");
}

// Nested refusals ({"persons": {"0": {"role": ["..."]}}}) as readable lines: "item 1, role: ...".
function flattenMessages(value, path = "") {
  if (value === null || value === undefined) return [];
  if (typeof value !== "object") return [`${path}${value}`];
  if (Array.isArray(value)) return value.flatMap((item) => flattenMessages(item, path));
  return Object.entries(value).flatMap(([key, inner]) => {
    const name = /^\d+$/.test(key) ? `item ${Number(key) + 1}` : key.replaceAll("_", " ");
    return flattenMessages(inner, `${path}${name}: `);
  });
}

// A refusal as a list in its box, one line per field ({"detail": "..."} or {"field":
// ["message", ...]}), each line marked with its field; `labels` names fields for people and
// `form` moves the focus to the first field refused.
export function showErrors(box, status, data, { labels = {}, form = null } = {}) {
  box.replaceChildren();
  const list = document.createElement("ul");
  const add = (text, field) => {
    const item = document.createElement("li");
    item.textContent = text;
    if (field) item.dataset.field = field;
    list.append(item);
  };
  if (!data) {
    add(`The server answered ${status}.`);
  } else if (typeof data.detail === "string") {
    add(data.detail);
  } else {
    for (const [field, messages] of Object.entries(data)) {
      add(`${labels[field] || field.replaceAll("_", " ")}: ${flattenMessages(messages).join(" ")}`, field);
    }
  }
  box.append(list);
  if (!form) return;
  const fieldsNamed = (name) => [...form.querySelectorAll(`[name="${CSS.escape(name)}"], #${CSS.escape(name)}`)];
  const first = data && typeof data.detail !== "string" ? fieldsNamed(Object.keys(data)[0])[0] : null;
  if (first) first.focus();
  // A refusal stays only while it is true: typing in a refused field takes its line away.
  const clear = (event) => {
    for (const item of list.querySelectorAll("li[data-field]")) {
      if (fieldsNamed(item.dataset.field).some((field) => field === event.target || field.contains(event.target))) item.remove();
    }
    if (!list.children.length) {
      box.replaceChildren();
      delete box.dataset.refused;
      form.removeEventListener("input", clear);
      form.removeEventListener("change", clear);
    }
  };
  form.addEventListener("input", clear);
  form.addEventListener("change", clear);
}

// --- small helpers ------------------------------------------------------------------------

export function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// The one way times are shown, as the server's pages show them: "06 Dec 14:52", 24-hour.
export function localTime(iso) {
  if (!iso) return "";
  const at = new Date(iso);
  return `${at.toLocaleDateString("en-GB", { day: "2-digit", month: "short" })} ${at.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false })}`;
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

export function say(element, text, state = "ok") {
  if (!element) return;
  element.textContent = text;
  element.dataset.state = state;
}

// Whether a key press belongs to a field someone is typing in (keyboard shortcuts stand back).
export function typing(eventOrElement) {
  const target = eventOrElement?.target ?? eventOrElement;
  return target instanceof Element && target.closest("input, textarea, select, [contenteditable]") !== null;
}

// --- live fragments ----------------------------------------------------------------------

function fieldKey(field) {
  if (field.dataset.keep) return `keep:${field.dataset.keep}`;
  if (field.id) return `id:${field.id}`;
  return null;
}

function fieldFor(region, key) {
  const [kind, name] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
  const selector = kind === "keep" ? `[data-keep="${CSS.escape(name)}"]` : `#${CSS.escape(name)}`;
  return region.querySelector(selector);
}

// Replace a region's HTML with the server's, keeping what is being typed: fields marked
// data-keep, and the field with the focus (by id), with its caret; and the selected row.
// A status output marked data-keep keeps what it said: "Sent to control" written just before
// the event it caused re-renders the region stays on screen.
export function swapKeeping(region, html) {
  // A choice (radio, checkbox) keeps whether it is ticked; any other field its text; an
  // output its words and their state.
  const state = (field) => {
    if (field.type === "radio" || field.type === "checkbox") return { checked: field.checked };
    if ("value" in field) return { value: field.value };
    return field.dataset.state ? { textContent: field.textContent, dataset: { state: field.dataset.state } } : {};
  };
  const kept = new Map();
  for (const field of region.querySelectorAll("[data-keep]")) kept.set(fieldKey(field), state(field));
  const active = document.activeElement;
  const focusKey = active && region.contains(active) ? fieldKey(active) : null;
  if (focusKey && "value" in active) kept.set(focusKey, state(active));
  const caret = focusKey && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;
  const template = document.createElement("template");
  template.innerHTML = html; // server-rendered, auto-escaped HTML of this site; no scripts
  region.replaceChildren(template.content);
  for (const [key, value] of kept) {
    const field = fieldFor(region, key);
    if (!field) continue;
    const { dataset, ...properties } = value;
    Object.assign(field, properties);
    if (dataset) Object.assign(field.dataset, dataset);
  }
  if (focusKey) {
    const field = fieldFor(region, focusKey);
    field?.focus();
    if (field && caret) {
      try {
        field.setSelectionRange(...caret);
      } catch {
        // Not a text field: the focus is enough.
      }
    }
  }
  const selected = region.dataset.selectedHref;
  if (selected) region.querySelector(`[data-href="${CSS.escape(selected)}"]`)?.classList.add("selected");
  region.dispatchEvent(new CustomEvent("cad:refreshed", { bubbles: true }));
}

const refreshing = new WeakMap();

// Fetch region[data-fragment-url] and swap it in; resolves to the region. Calls made while
// one runs collapse into one more fetch after it.
export function refreshFragment(region) {
  let state = refreshing.get(region);
  if (!state) {
    state = { running: null, again: false };
    refreshing.set(region, state);
  }
  if (state.running) {
    state.again = true;
    return state.running;
  }
  state.running = (async () => {
    do {
      state.again = false;
      const response = await fetch(region.dataset.fragmentUrl, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (!response.ok) throw new Error(`fragment answered ${response.status}`);
      swapKeeping(region, await response.text());
    } while (state.again);
    return region;
  })().finally(() => {
    state.running = null;
  });
  return state.running;
}

// Re-render `region` whenever a frame of one of `kinds` arrives (and `when(frame)` holds),
// a moment later so one commit's frames cost one fetch; and every `backstopMs` anyway.
export function liveFragment(region, { kinds = [""], when = () => true, delayMs = 30, backstopMs = 30000 } = {}) {
  let timer = null;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      refreshFragment(region).catch((error) => console.warn("refresh failed", error));
    }, delayMs);
  }
  onEvent((frame) => {
    if (kinds.some((kind) => frame.kind.startsWith(kind)) && when(frame)) schedule();
  });
  if (backstopMs) setInterval(schedule, backstopMs);
  return { refresh: schedule };
}

// --- lists by keyboard --------------------------------------------------------------------

// The item `step` away from the one whose `keyAttr` is `current` (the first or last if none).
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

// J/K (or arrow keys) move through the container's rows[data-href]; Enter or a click opens one.
export function rowKeys(container, rowSelector = "tbody tr[data-href]") {
  const rows = () => [...container.querySelectorAll(rowSelector)];
  const select = (row) => {
    for (const other of rows()) other.classList.remove("selected");
    if (!row) return;
    row.classList.add("selected");
    container.dataset.selectedHref = row.dataset.href;
    row.scrollIntoView({ block: "nearest" });
    row.querySelector("a")?.focus({ preventScroll: true });
  };
  document.addEventListener("keydown", (event) => {
    if (typing(event) || event.altKey || event.ctrlKey || event.metaKey) return;
    const list = rows();
    if (!list.length) return;
    const index = list.findIndex((row) => row.classList.contains("selected"));
    if (event.key === "j" || event.key === "ArrowDown") {
      select(list[Math.min(index + 1, list.length - 1)]);
      event.preventDefault();
    } else if (event.key === "k" || event.key === "ArrowUp") {
      select(list[Math.max(index - 1, 0)]);
      event.preventDefault();
    } else if (event.key === "Enter" && index >= 0 && document.activeElement?.tagName !== "A") {
      location.href = list[index].dataset.href;
    }
  });
  container.addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-href]");
    if (row && !event.target.closest("a")) location.href = row.dataset.href;
  });
}
