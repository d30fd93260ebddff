// The call handler's screen: lookups while typing, save the incident, then grade it.
// Keyboard first: Alt+S save, Alt+C contact only, Alt+G grade, Alt+N next call.
import { addressCandidates } from "./address_candidates.js";
import { onEvent, showAlert } from "./live.js";
import { api, debounce, el, localTime, refreshFragment, showErrors } from "./screen.js";

const config = JSON.parse(document.getElementById("call-config").textContent);
const callForm = document.getElementById("call-form");
const gradeForm = document.getElementById("grade-form");
const gradingPanel = document.getElementById("grading-panel");
const field = (id) => document.getElementById(id);
let incident = null;

// --- persons ------------------------------------------------------------------------------

const ROLES = ["victim", "suspect", "caller", "other"];

function addPerson() {
  const row = el("tr");
  const name = el("input");
  name.setAttribute("aria-label", "Person's name");
  name.dataset.person = "name";
  const dob = el("input");
  dob.type = "date";
  dob.setAttribute("aria-label", "Date of birth");
  dob.dataset.person = "dob";
  const role = el("select");
  role.setAttribute("aria-label", "Role");
  role.dataset.person = "role";
  // No default: a person's part in the call is always chosen (a suspect is never a "victim").
  role.append(new Option("— role —", ""));
  for (const value of ROLES) role.append(new Option(value, value));
  role.required = true;
  const remove = el("button", "Remove");
  remove.type = "button";
  remove.addEventListener("click", () => row.remove());
  for (const control of [name, dob, role]) {
    const cell = el("td");
    cell.append(control);
    row.append(cell);
  }
  const last = el("td");
  last.append(remove);
  row.append(last);
  document.querySelector("#persons tbody").append(row);
  name.focus();
  name.addEventListener("input", lookupSoon);
}

function persons() {
  return [...document.querySelectorAll("#persons tbody tr")]
    .map((row) => ({
      name: row.querySelector("[data-person=name]").value.trim(),
      dob: row.querySelector("[data-person=dob]").value || null,
      role: row.querySelector("[data-person=role]").value,
    }))
    .filter((person) => person.name);
}

field("add-person").addEventListener("click", addPerson);

// --- lookups while typing -----------------------------------------------------------------

const lookupState = field("lookup-state");
const panels = field("lookup-panels");
const panelsUrl = panels.dataset.fragmentUrl;

// Show the server's panels for `query`; the latest query wins (refreshFragment re-reads the
// region's URL after a fetch in flight).
async function showPanels(query) {
  panels.dataset.fragmentUrl = `${panelsUrl}?${query}`;
  lookupState.dataset.state = "checking";
  lookupState.textContent = "checking…";
  try {
    await refreshFragment(panels);
    lookupState.dataset.state = "done";
    lookupState.textContent = `updated ${new Date().toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" })}`;
  } catch (error) {
    lookupState.dataset.state = "failed";
    lookupState.textContent = `lookup failed (${error.message})`;
  }
}

function lookup() {
  // Once saved, the panels are the incident's: a look-up typed just before the save must
  // not list the new incident as its own previous contact.
  if (incident) return;
  const params = new URLSearchParams();
  for (const [key, id] of [["phone", "caller_phone"], ["address", "address"], ["postcode", "postcode"], ["name", "caller_name"]]) {
    const value = field(id).value.trim();
    if (value) params.set(key, value);
  }
  if (gazetteer.uprn()) params.set("uprn", gazetteer.uprn());
  if ([...params.keys()].length) showPanels(params);
}

const lookupSoon = debounce(lookup, 250);
for (const input of document.querySelectorAll("[data-lookup]")) input.addEventListener("input", lookupSoon);

// The gazetteer: choosing a candidate fills the address and postcode and keeps its UPRN, so
// the panels (and the saved incident and contact) match on the address point itself.
const gazetteer = addressCandidates({
  address: field("address"),
  postcode: field("postcode"),
  list: field("address-candidates"),
  place: field("address-place"),
  onChoose: () => lookupSoon(),
});

// --- save the incident ----------------------------------------------------------------------

function callPayload() {
  return {
    channel: field("channel").value,
    caller_phone: field("caller_phone").value.trim(),
    caller_name: field("caller_name").value.trim(),
    address: field("address").value.trim(),
    postcode: field("postcode").value.trim(),
    area: field("area").value,
    narrative: field("narrative").value.trim(),
    opening_code: field("opening_code").value,
    persons: persons(),
    uprn: gazetteer.uprn(),
  };
}

function lockCallForm() {
  gazetteer.lock();
  for (const control of callForm.querySelectorAll("input, select, textarea, button")) {
    if (control.name === "csrfmiddlewaretoken") continue;
    control.disabled = true;
  }
}

async function saveIncident() {
  if (incident) return;
  const errors = field("call-errors");
  const { ok, status, data } = await api("POST", "/api/v1/incidents/", callPayload());
  if (!ok) {
    showErrors(errors, status, data, { form: callForm });
    return;
  }
  errors.replaceChildren();
  incident = data;
  lockCallForm();
  await showGrading(data);
}

callForm.addEventListener("submit", (event) => {
  event.preventDefault();
  saveIncident();
});

// --- contact only ---------------------------------------------------------------------------

const usernames = field("usernames");
for (const name of config.usernames) usernames.append(new Option(name));

async function saveContact() {
  const details = field("contact-only");
  if (!details.open) {
    details.open = true;
    field("follow_up_owner").focus();
    return;
  }
  const owner = field("follow_up_owner").value.trim();
  const due = field("follow_up_due").value;
  const payload = {
    channel: field("channel").value,
    caller_phone: field("caller_phone").value.trim(),
    caller_name: field("caller_name").value.trim(),
    address: field("address").value.trim(),
    postcode: field("postcode").value.trim(),
    summary: field("narrative").value.trim(),
    uprn: gazetteer.uprn(),
  };
  if (owner || due) payload.follow_up = { owner, due_at: due ? new Date(due).toISOString() : null };
  const { ok, status, data } = await api("POST", "/api/v1/contacts/", payload);
  const result = field("contact-result");
  if (!ok) {
    showErrors(field("call-errors"), status, data, { form: callForm });
    return;
  }
  field("call-errors").replaceChildren();
  lockCallForm();
  const link = el("a", data.reference);
  link.href = `/contacts/${data.id}/`;
  result.replaceChildren("Contact recorded: ", link, data.follow_up ? ` — follow-up with ${data.follow_up.owner}, due ${localTime(data.follow_up.due_at)}` : "");
  if (data.da_prompt) {
    // Possible domestic abuse on a contact: answered on the contact's page, opened next.
    const prompt = el("a", "Possible domestic abuse: answer it now", "tag tag-risk");
    prompt.href = link.href;
    prompt.id = "contact-da-link";
    result.append(" ", prompt);
    prompt.focus();
    return;
  }
  link.focus();
}

field("save-contact").addEventListener("click", saveContact);

// --- grading --------------------------------------------------------------------------------

const assessment = field("assessment-live");

// The recommendation and its reasons, rendered by the server for the saved incident.
async function showAssessment() {
  assessment.dataset.fragmentUrl = `${panelsUrl}?incident=${incident.id}&part=assessment`;
  await refreshFragment(assessment);
  field("da-prompt").hidden = field("assessment")?.dataset.daPrompt !== "1";
}

async function showGrading(data) {
  field("incident-ref").textContent = data.reference;
  field("incident-link").href = data.url;
  try {
    await Promise.all([showAssessment(), showPanels(`incident=${data.id}`)]);
  } catch (error) {
    // Saved, but the recommendation did not load: say so, and grading stays possible.
    field("grade-result").textContent = `Saved as ${data.reference}; the recommendation did not load (${error.message}). Grade here or open the incident page.`;
  }
  // Shown once the recommendation is in: the panel never opens without its reasons.
  gradingPanel.hidden = false;
  const recommended = field(`grade-${field("assessment")?.dataset.recommended}`);
  if (recommended && !document.querySelector("input[name=grade]:checked")) recommended.checked = true;
  syncAppointment();
  (field("da-prompt").hidden ? recommended || field("grade-submit") : field("da-yes")).focus();
}

function syncAppointment() {
  const scheduled = document.querySelector("input[name=grade]:checked")?.value === "SCHEDULED";
  field("appointment-row").hidden = !scheduled;
}

for (const radio of document.querySelectorAll("input[name=grade]")) radio.addEventListener("change", syncAppointment);

function gradePayload() {
  const payload = {
    grade: document.querySelector("input[name=grade]:checked")?.value || "",
    rationale: field("rationale").value.trim(),
  };
  const answer = document.querySelector("input[name=da_answer]:checked")?.value;
  if (answer === "yes") payload.domestic_abuse = true;
  if (answer === "no") {
    payload.domestic_abuse = false;
    payload.da_rationale = field("da_rationale").value.trim();
  }
  const thrive = {};
  for (const input of document.querySelectorAll("[data-thrive]")) {
    if (input.value.trim()) thrive[input.dataset.thrive] = input.value.trim();
  }
  if (Object.keys(thrive).length) payload.thrive = thrive;
  const appointment = field("appointment_at").value;
  if (payload.grade === "SCHEDULED" && appointment) payload.appointment_at = new Date(appointment).toISOString();
  return payload;
}

async function grade() {
  if (!incident) return;
  const errors = field("grade-errors");
  const result = field("grade-result");
  const payload = gradePayload();
  if (!payload.grade) {
    showErrors(errors, 400, { grade: ["Choose a grade."] }, { form: gradeForm });
    return;
  }
  const { ok, status, data } = await api("POST", `/api/v1/incidents/${incident.id}/grade/`, payload);
  if (!ok) {
    result.replaceChildren();
    showErrors(errors, status, data, { form: gradeForm });
    errors.dataset.refused = "1";
    return;
  }
  errors.replaceChildren();
  delete errors.dataset.refused;
  incident = data;
  const summary = el("span", `Graded ${data.grade}${data.domestic_abuse ? ", recorded as domestic abuse" : ""}. `);
  const parts = [summary];
  if (data.response_due_at) {
    const clock = el("span", "", "clock");
    clock.dataset.due = data.response_due_at;
    if (data.warning_at) clock.dataset.warnAt = data.warning_at;
    parts.push("Attend by ", el("strong", localTime(data.response_due_at)), " ", clock, " ");
  }
  const link = el("a", `Open ${data.reference}`);
  link.href = data.url;
  parts.push(link);
  result.replaceChildren(...parts);
  result.dataset.graded = data.grade;
  link.focus();
}

gradeForm.addEventListener("submit", (event) => {
  event.preventDefault();
  grade();
});

// --- keyboard -------------------------------------------------------------------------------

document.addEventListener("keydown", (event) => {
  if (!event.altKey || event.ctrlKey || event.metaKey) return;
  const actions = {
    KeyS: () => saveIncident(),
    KeyC: () => saveContact(),
    KeyG: () => (incident ? grade() : null),
    KeyN: () => window.location.assign(window.location.pathname),
  };
  const action = actions[event.code];
  if (!action) return;
  event.preventDefault();
  action();
});

// --- live: a narrative entry elsewhere can change the recommendation -------------------------

onEvent((frame) => {
  if (!incident || frame.data.incident !== incident.id) return;
  if (["incident.entry_added", "incident.graded"].includes(frame.kind)) showAssessment();
}, "incident.");

// A victim to call back (her incident has no unit at scene): every call handler is told at
// once, and records it on the follow-ups page.
onEvent((frame) => {
  if (frame.kind === "incident.victim_callback") {
    showAlert(`${frame.data.summary} Record it on Follow-ups.`, { level: "danger", sound: true, key: `callback-${frame.id}` });
  }
}, "incident.victim_callback");
