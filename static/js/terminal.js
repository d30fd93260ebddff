// The unit's terminal: the whole incident, acknowledge and status buttons, live.
import { showAlert, onEvent } from "./live.js";
import { apiPost, errorText, liveFragment, say, typing } from "./screen.js";

const region = document.getElementById("terminal-live");

function head() {
  return region.querySelector("[data-unit]");
}

function localTimes() {
  for (const element of region.querySelectorAll("[data-narrative] time[datetime]")) {
    const when = new Date(element.getAttribute("datetime"));
    if (!Number.isNaN(when.getTime())) element.textContent = when.toLocaleTimeString("en-GB");
  }
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

region.addEventListener("click", (event) => {
  const ack = event.target.closest("[data-acknowledge]");
  if (ack) acknowledge(ack.dataset.acknowledge);
  const status = event.target.closest("[data-set-status]");
  if (status) setStatus(status.dataset.setStatus);
});

document.addEventListener("keydown", (event) => {
  if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
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

region.addEventListener("cad:refreshed", localTimes);
localTimes();

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
