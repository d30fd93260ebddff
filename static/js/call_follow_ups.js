// Follow-ups: acknowledge, complete, or (supervisors) take or hand on; updates live.
import { onEvent } from "./live.js";
import { api, showErrors } from "./call_common.js";

const errors = document.getElementById("follow-up-errors");

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
  window.location.reload();
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (button) act(button);
});

let pending = null;
onEvent(() => {
  clearTimeout(pending);
  pending = setTimeout(() => window.location.reload(), 500);
}, "contact.follow_up");
