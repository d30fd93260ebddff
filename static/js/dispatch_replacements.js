// The ops-room inspector's queue: approved diverts whose incident still needs a unit.
import { showAlert, onEvent } from "./live.js";
import { apiPost, errorText, liveFragment, markSelected, moveSelection, say, typing } from "./screen.js";

const region = document.getElementById("replacement-live");
let selected = null;
const cards = () => region.querySelectorAll("article[data-divert-id]");

region.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.matches("[data-replacement-form]")) return;
  event.preventDefault();
  const output = form.querySelector(".form-result");
  const unit = form.elements.unit.value;
  if (!unit) {
    say(output, "Choose an available unit.", "error");
    return;
  }
  const response = await apiPost(`/api/v1/diverts/${form.dataset.divertId}/replacement/`, { unit });
  if (response.ok) say(output, `${unit} assigned.`);
  else say(output, errorText(response), "error");
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
  } else if (event.key === "u") {
    const card = selected && region.querySelector(`article[data-divert-id="${selected}"]`);
    const target = (card || cards()[0])?.querySelector("select");
    if (target) {
      event.preventDefault();
      target.focus();
    }
  }
});

liveFragment(region, { kinds: ["divert.", "unit.", "incident.clock.", "position."] });

onEvent((frame) => {
  const data = frame.data || {};
  if (frame.kind === "divert.reviewed" && data.decision === "approve") {
    showAlert(`${data.from_reference} lost ${data.callsign} to a divert: assign another unit.`, {
      level: "danger",
      sound: true,
      key: `replace-${data.divert}`,
    });
  } else if (frame.kind === "divert.replacement_overdue") {
    showAlert(`${data.from_reference} still has no replacement unit (supervisor alerted).`, {
      level: "danger",
      key: `replace-overdue-${data.divert}`,
    });
  }
});
