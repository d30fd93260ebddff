// A divert's timeline: stays live while events about the divert or either incident
// arrive, and records QART findings through the API (the form also works without it).
import { onEvent } from "./live.js";
import { api, refreshFragment, showErrors } from "./screen.js";

const container = document.getElementById("timeline-live");
const watch = JSON.parse(document.getElementById("timeline-watch").textContent);
const form = document.getElementById("qart-form");

function concerns(data) {
  if (!data) return false;
  if (data.divert === watch.divert) return true;
  return [data.incident, data.from_incident, data.to_incident].some(
    (id) => id !== undefined && id !== null && watch.incidents.includes(id),
  );
}

onEvent((frame) => {
  if (concerns(frame.data)) refreshFragment(container).catch(() => {});
});

async function submit() {
  const button = form.querySelector("button[type=submit]");
  const finding = form.querySelector("input[name=finding]:checked")?.value || "";
  const body = { finding, notes: form.elements.notes.value };
  button.disabled = true;
  try {
    const { status, data } = await api("POST", form.dataset.apiUrl, body);
    if (status === 201) {
      form.reset();
      document.getElementById("qart-errors").replaceChildren();
      await refreshFragment(container);
      document.getElementById("findings-title")?.scrollIntoView({ block: "start" });
    } else {
      showErrors(document.getElementById("qart-errors"), status, data, { form });
    }
  } catch {
    showErrors(document.getElementById("qart-errors"), "nothing (connection lost)", null);
  } finally {
    button.disabled = false;
  }
}

if (form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  form.elements.notes.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
    }
  });
}
