// The supervisor's overdue board: live, most urgent first, with a sound on every new breach.
import { showAlert, onEvent } from "./live.js";
import { liveFragment } from "./screen.js";

const region = document.getElementById("overdue-live");

liveFragment(region, { kinds: ["incident.", "unit.", "assignment.", "divert.", "contact.", "scheme.", "intelligence."] });

onEvent((frame) => {
  const data = frame.data || {};
  switch (frame.kind) {
    case "incident.clock.breached":
      showAlert(`BREACH: ${data.reference} (${data.grade}) missed its response target.`, {
        level: "danger",
        sound: true,
        key: `breach-${data.incident}-${data.response_due_at}`,
      });
      break;
    case "incident.breach_predicted":
      showAlert(`PREDICTED BREACH: ${data.summary}`, {
        level: "danger",
        sound: true,
        key: `predicted-${data.incident}-${data.response_due_at}`,
      });
      break;
    case "incident.clock.warning":
      // At once from the frame: the row follows when the board has re-rendered.
      showAlert(`WARNING: ${data.reference} (${data.grade}) has used 75 % of its response time.`, {
        level: "warning",
        key: `warning-${data.incident}-${data.response_due_at}`,
      });
      break;
    case "incident.clock.reescalated":
      showAlert(`STILL NOT ATTENDED: ${data.reference} (${data.grade}), ${data.cycle * 15} min past target.`, {
        level: "danger",
        sound: true,
        key: `reescalated-${data.incident}-${data.cycle}`,
      });
      break;
    case "incident.unresourced":
      showAlert(`NO UNIT: ${data.reference} (${data.grade}).`, {
        level: "danger",
        sound: true,
        key: `unresourced-${data.incident}-${data.unresourced_since}`,
      });
      break;
    case "divert.review_overdue":
      showAlert(`Divert review overdue: ${data.callsign} left ${data.from_reference}.`, {
        level: "warning",
        key: `review-overdue-${data.divert}`,
      });
      break;
    case "incident.victim_callback_overdue":
      showAlert(data.summary, { level: "danger", sound: true, key: `callback-overdue-${data.callback}` });
      break;
    case "unit.unable_to_attend":
      showAlert(data.summary, { level: "danger", sound: true, key: `unit-said-${frame.id}` });
      break;
    case "divert.replacement_overdue":
      showAlert(`No replacement yet for ${data.from_reference} (its unit was diverted).`, {
        level: "danger",
        sound: true,
        key: `replace-overdue-${data.divert}`,
      });
      break;
    default:
  }
});
