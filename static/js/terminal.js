// The unit's terminal: the whole incident, acknowledge and status buttons, live.
import { showAlert, onEvent } from "./live.js";
import { apiPost, errorText, liveFragment, localTime, say, typing } from "./screen.js";

const region = document.getElementById("terminal-live");

function head() {
  return region.querySelector("[data-unit]");
}

async function acknowledge(id) {
  const output = region.querySelector(".terminal-actions .form-result");
  const response = await apiPost(`/api/v1/assignments/${id}/acknowledge/`);
  if (response.ok) {
    say(output, "Acknowledged.");
    live.refresh();
  } else {
    say(output, errorText(response), "error");
  }
}

async function setStatus(status) {
  const unit = head();
  if (!unit) return;
  const output = region.querySelector(".terminal-actions .form-result");
  const response = await apiPost(`/api/v1/units/${encodeURIComponent(unit.dataset.unit)}/status/`, { status });
  if (response.ok) {
    say(output, `Status: ${status.replace("_", " ")}.`);
    live.refresh();
  } else {
    say(output, errorText(response), "error");
  }
}

// "Unable to attend" or "message control", with why: control is alerted at once.
async function sendMessage(form) {
  const unit = head();
  const output = form.querySelector("[data-message-result]");
  const kind = form.querySelector("input[name=kind]:checked")?.value || "";
  const text = form.elements.text.value;
  const response = await apiPost(`/api/v1/units/${encodeURIComponent(unit.dataset.unit)}/messages/`, { kind, text });
  if (response.ok) {
    form.elements.text.value = "";
    say(output, `Sent to control at ${localTime(response.data.at)}: ${response.data.summary}`);
  } else {
    say(output, errorText(response), "error");
  }
}

function openMessage(kind) {
  const form = region.querySelector("[data-unit-message]");
  const choice = form?.querySelector(`input[name=kind][value="${kind}"]`);
  if (!choice) return false;
  choice.checked = true;
  form.elements.text.focus();
  return true;
}

region.addEventListener("submit", (event) => {
  const form = event.target.closest("[data-unit-message]");
  if (!form) return;
  event.preventDefault();
  sendMessage(form);
});

region.addEventListener("click", (event) => {
  const ack = event.target.closest("[data-acknowledge]");
  if (ack) acknowledge(ack.dataset.acknowledge);
  const status = event.target.closest("[data-set-status]");
  if (status) setStatus(status.dataset.setStatus);
});

document.addEventListener("keydown", (event) => {
  if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
  if ((event.key === "u" && openMessage("unable_to_attend")) || (event.key === "m" && openMessage("message"))) {
    event.preventDefault();
    return;
  }
  if (event.key === "k") {
    const ack = region.querySelector("[data-acknowledge]");
    if (ack) {
      event.preventDefault();
      acknowledge(ack.dataset.acknowledge);
    }
    return;
  }
  const button = region.querySelector(`[data-set-status][data-key="${CSS.escape(event.key)}"]`);
  if (button && !button.disabled) {
    event.preventDefault();
    setStatus(button.dataset.setStatus);
  }
});


// Every frame this terminal receives concerns its unit or its incident: re-render. Narrative
// added by others is picked up by the short backstop as well.
const live = liveFragment(region, { kinds: [""], backstopMs: 10000 });

onEvent((frame) => {
  const data = frame.data || {};
  const callsign = head()?.dataset.unit;
  if (frame.kind === "unit.assigned" && data.callsign === callsign) {
    const text =
      data.reason === "override"
        ? `Divert overridden: return to ${data.reference} (${data.grade}).`
        : `New assignment: ${data.reference} (${data.grade}). Read it all and acknowledge.`;
    showAlert(text, { level: data.reason === "override" ? "danger" : "warning", sound: true, key: `assigned-${data.assignment}` });
  } else if (frame.kind.startsWith("incident.clock.") && frame.kind !== "incident.clock.stopped") {
    showAlert(`${data.reference}: response ${data.clock_state}.`, { level: "danger", key: `${frame.kind}-${data.incident}-${data.cycle}` });
  }
});
