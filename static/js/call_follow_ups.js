// Follow-ups: acknowledge, complete, or (supervisors) take or hand on; updated in place, live.
import { onEvent, showAlert } from "./live.js";
import { api, liveFragment, refreshFragment, showErrors } from "./screen.js";
import { recordCallbacks } from "./victim_callbacks.js";

const errors = document.getElementById("follow-up-errors");
const region = document.getElementById("follow-ups-live");

async function act(button) {
  const contact = button.dataset.contact;
  const action = button.dataset.action;
  let body = {};
  if (action === "complete") body = { outcome: document.querySelector(`[data-outcome-for="${contact}"]`).value };
  if (action === "reassign") {
    const due = document.querySelector(`[data-due-for="${contact}"]`).value;
    body = {
      owner: document.querySelector(`[data-owner-for="${contact}"]`).value.trim(),
      due_at: due ? new Date(due).toISOString() : null,
    };
  }
  const { ok, status, data } = await api("POST", `/api/v1/contacts/${contact}/${action}/`, body);
  if (!ok) {
    showErrors(errors, status, data);
    return;
  }
  errors.replaceChildren();
  await refreshFragment(region);
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (button) act(button);
});

// Re-rendered in place when a follow-up or a call back changes: what someone is typing stays.
liveFragment(region, { kinds: ["contact.follow_up", "incident.victim_callback"], delayMs: 200 });
recordCallbacks(region);

onEvent((frame) => {
  if (frame.kind === "incident.victim_callback" || frame.kind === "incident.victim_callback_overdue") {
    showAlert(frame.data.summary, { level: "danger", sound: true, key: `callback-${frame.id}` });
  }
}, "incident.victim_callback");
