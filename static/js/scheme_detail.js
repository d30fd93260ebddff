// The scheme page: record contacts and decisions through the API, show refusals where
// the officer is looking (a withdrawal names the missing step), and stay live.
import { refreshAll } from "./scheme_live.js";
import { api, showErrors, typing } from "./screen.js";

const LABELS = {
  ends_at: "New planned end",
  rationale: "Rationale",
  method: "Method",
  purpose: "Purpose",
  outcome: "Outcome",
  notes: "Notes",
  oic: "New OIC",
};

function formBody(form) {
  const body = {};
  for (const field of form.elements) {
    if (!field.name) continue;
    body[field.name] = field.type === "checkbox" ? field.checked : field.value;
  }
  return body;
}

function applyState() {
  const state = document.getElementById("scheme-state");
  const ended = state && state.dataset.inForce === "0";
  for (const section of document.querySelectorAll("[data-in-force-only]")) {
    section.hidden = ended;
  }
}

async function submit(form) {
  const button = form.querySelector("button[type=submit]");
  const status = document.getElementById("form-status");
  button.disabled = true;
  try {
    const { ok, status: code, data } = await api("POST", form.dataset.apiUrl, formBody(form));
    if (!ok) {
      showErrors(form.querySelector("[data-form-errors]"), code, data, { labels: LABELS, form });
      status.textContent = "Not saved: see the message in the form.";
      return;
    }
    form.reset();
    form.querySelector("[data-form-errors]").replaceChildren();
    status.textContent = `Saved. Scheme status: ${data.status}${data.ending ? ` (${data.ending})` : ""}.`;
    refreshAll();
  } finally {
    button.disabled = false;
  }
}

for (const form of document.querySelectorAll("form[data-api-form]")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(form);
  });
}

document.addEventListener("cad:refreshed", applyState);
applyState();

document.addEventListener("keydown", (event) => {
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (typing(event)) return;
  const form = document.querySelector(`form[data-shortcut="${event.key.toLowerCase()}"]`);
  if (!form || form.closest("[hidden]")) return;
  const first = form.querySelector("input, select, textarea");
  if (first) {
    first.focus();
    event.preventDefault();
  }
});
