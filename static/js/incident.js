// The incident page: whole narrative, flags, clock and history, updated live. The server
// renders every part; on each event about this incident the parts are re-rendered in place.
// Alt+E add to the narrative, Alt+G grade.
import { api, refreshFragment, showErrors } from "./screen.js";
import { onEvent } from "./live.js";

const config = JSON.parse(document.getElementById("incident-config").textContent);
const id = config.incident;
const $ = (selector) => document.querySelector(selector);
const parts = ["#incident-head-live", "#incident-flags-live", "#narrative-live", "#incident-side-live"].map($);

// The domestic abuse question stays open in the grade form until it is answered.
function syncPrompt() {
  const prompt = $("#da-prompt");
  if (prompt) prompt.hidden = $("#incident-da")?.dataset.promptOpen !== "1";
}

let timer = null;
function refreshSoon() {
  clearTimeout(timer);
  timer = setTimeout(async () => {
    await Promise.all(parts.map((part) => refreshFragment(part).catch((error) => console.warn("refresh failed", error))));
    syncPrompt();
  }, 30);
}

onEvent((frame) => {
  if (frame.data?.incident === id) refreshSoon();
});

// --- actions --------------------------------------------------------------------------------

async function act(url, body, errorsBox) {
  const result = await api("POST", url, body);
  if (!result.ok) {
    showErrors(errorsBox, result.status, result.data);
    return null;
  }
  errorsBox.replaceChildren();
  refreshSoon();
  return result.data;
}

$("#entry-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("#entry-text");
  if (await act(`/api/v1/incidents/${id}/entries/`, { text: text.value }, $("#entry-errors"))) text.value = "";
});

function syncAppointment() {
  const row = $("#appointment-row");
  if (row) row.hidden = document.querySelector("input[name=grade]:checked")?.value !== "SCHEDULED";
}
for (const radio of document.querySelectorAll("input[name=grade]")) radio.addEventListener("change", syncAppointment);
syncAppointment();

const gradeForm = $("#grade-form");
gradeForm?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const payload = {
    grade: document.querySelector("input[name=grade]:checked")?.value || "",
    rationale: $("#rationale").value.trim(),
  };
  const answer = document.querySelector("input[name=da_answer]:checked")?.value;
  if (answer === "yes") payload.domestic_abuse = true;
  if (answer === "no") {
    payload.domestic_abuse = false;
    payload.da_rationale = $("#da_rationale").value.trim();
  }
  const thrive = {};
  for (const input of document.querySelectorAll("[data-thrive]")) if (input.value.trim()) thrive[input.dataset.thrive] = input.value.trim();
  if (Object.keys(thrive).length) payload.thrive = thrive;
  const appointment = $("#appointment_at")?.value;
  if (payload.grade === "SCHEDULED" && appointment) payload.appointment_at = new Date(appointment).toISOString();
  await act(`/api/v1/incidents/${id}/grade/`, payload, $("#grade-errors"));
});

$("#close-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = { closing_code: $("#closing_code").value, summary: $("#closing_summary").value };
  if (await act(`/api/v1/incidents/${id}/close/`, body, $("#close-errors"))) window.location.reload();
});

// The button is part of the head, which is re-rendered: listen on the document.
document.addEventListener("click", async (event) => {
  if (!event.target.closest("#review-downgrade")) return;
  const { ok } = await api("POST", `/api/v1/incidents/${id}/downgrade-review/`);
  if (ok) refreshSoon();
});

document.addEventListener("keydown", (event) => {
  if (!event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.code === "KeyE" && $("#entry-text")) {
    event.preventDefault();
    $("#entry-text").focus();
  }
  if (event.code === "KeyG" && gradeForm) {
    event.preventDefault();
    gradeForm.requestSubmit();
  }
});
