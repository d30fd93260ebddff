// The controller's divert-review queue: live, with approve/override and challenge referral.
import { showAlert, onEvent } from "./live.js";
import { apiPost, errorText, liveFragment, markSelected, moveSelection, say, typing } from "./screen.js";

const region = document.getElementById("review-live");
let selected = null;
const cards = () => region.querySelectorAll("article[data-divert-id][data-status=awaiting_review]");

region.addEventListener("submit", async (event) => {
  const form = event.target;
  event.preventDefault();
  const output = form.querySelector(".form-result");
  const id = form.dataset.divertId;
  if (form.matches("[data-review-form]")) {
    const decision = event.submitter?.dataset.decision;
    const rationale = form.querySelector("textarea[name=rationale]").value.trim();
    const response = await apiPost(`/api/v1/diverts/${id}/review/`, { decision, rationale });
    if (response.ok) {
      say(output, decision === "override" ? "Overridden: the unit is sent back." : "Approved: sent to the inspector.");
      form.querySelector("textarea").value = "";
    } else {
      say(output, errorText(response), "error");
    }
  } else if (form.matches("[data-challenge-form]")) {
    const response = await apiPost(`/api/v1/diverts/${id}/challenge/`, {
      challenge: form.elements.challenge.value.trim(),
      referred_to: form.elements.referred_to.value.trim(),
    });
    if (response.ok) {
      say(output, "Referral recorded.");
    } else {
      say(output, errorText(response), "error");
    }
  }
});

function select(card) {
  if (!card) return;
  selected = card.dataset.divertId;
  markSelected(cards(), "data-divert-id", selected);
  card.scrollIntoView({ block: "nearest" });
}

region.addEventListener("cad:refreshed", () => markSelected(cards(), "data-divert-id", selected));

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && typing(event)) {
    event.target.blur();
    return;
  }
  if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "j" || event.key === "k") {
    event.preventDefault();
    select(moveSelection(cards, "data-divert-id", selected, event.key === "j" ? 1 : -1));
  } else if (event.key === "r") {
    const card = selected && region.querySelector(`article[data-divert-id="${selected}"]`);
    const target = (card || cards()[0])?.querySelector("textarea");
    if (target) {
      event.preventDefault();
      target.focus();
    }
  }
});

liveFragment(region, { kinds: ["unit.diverted", "divert.", "incident.clock.", "incident.graded"] });

onEvent((frame) => {
  const data = frame.data || {};
  if (frame.kind === "unit.diverted") {
    showAlert(`${data.callsign} diverted from ${data.from_reference} to ${data.to_reference}: review needed.`, {
      level: "warning",
      sound: true,
      key: `divert-${data.divert}`,
    });
  } else if (frame.kind === "divert.review_overdue") {
    showAlert(`Review of the ${data.callsign} divert is overdue (now on the supervisor board).`, {
      level: "danger",
      key: `review-overdue-${data.divert}`,
    });
  }
});
