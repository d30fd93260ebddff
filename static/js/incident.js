// The incident page: whole narrative, flags, clock and history, updated live.
// Alt+E add to the narrative, Alt+G grade.
import { onEvent } from "./live.js";
import { api, el, localTime, renderPrevious, renderReasons, showErrors } from "./call_common.js";

const config = JSON.parse(document.getElementById("incident-config").textContent);
const id = config.incident;
const $ = (selector) => document.querySelector(selector);

renderPrevious($("#previous-contacts"), JSON.parse(document.getElementById("incident-previous").textContent));

function renderNarrative(entries) {
  const list = $("#narrative");
  const seen = new Set([...list.querySelectorAll("[data-entry-id]")].map((item) => Number(item.dataset.entryId)));
  for (const entry of entries) {
    if (seen.has(entry.id)) continue;
    const item = el("li");
    item.dataset.entryId = entry.id;
    const meta = el("span", undefined, "meta");
    const time = el("time", new Date(entry.at).toLocaleTimeString("en-GB"));
    time.dateTime = entry.at;
    meta.append(time, ` ${entry.author}`);
    item.append(meta, entry.text);
    list.append(item);
  }
}

function renderGradeHistory(changes) {
  const body = $("#grade-history tbody");
  if (!changes.length) return;
  body.replaceChildren(
    ...changes.map((change) => {
      const row = el("tr");
      const advised = el("td", `${change.recommended_grade || ""}${change.grade_floor ? ` (floor ${change.grade_floor})` : ""}`);
      if (change.below_recommendation) advised.append(" ", el("span", "below", "tag tag-warn"));
      const time = el("time", new Date(change.at).toLocaleTimeString("en-GB"));
      time.dateTime = change.at;
      const when = el("td");
      when.append(time);
      row.append(
        when,
        el("td", change.actor),
        el("td", `${change.before || "—"} → ${change.after}`),
        advised,
        el("td", `${change.rationale}${change.da_rationale ? ` DA: ${change.da_rationale}` : ""}`),
      );
      return row;
    }),
  );
}

function render(data) {
  const status = $("#incident-status");
  status.dataset.status = data.status;
  status.textContent = data.status.toUpperCase();
  status.className = data.status === "closed" ? "tag tag-history" : "tag";
  const grade = $("#incident-grade");
  grade.dataset.grade = data.grade || "";
  grade.textContent = data.grade || "not graded";
  $("#incident-recommended").textContent = data.recommended_grade || "—";
  const floor = $("#incident-floor");
  floor.hidden = !data.grade_floor;
  floor.textContent = data.grade_floor ? `floor ${data.grade_floor}` : "";
  const da = $("#incident-da");
  da.replaceChildren();
  if (data.domestic_abuse) da.append(el("span", "DOMESTIC ABUSE", "tag tag-risk"));
  else if (data.da_prompt && data.domestic_abuse === null && !data.da_rationale) da.append(el("span", "DA PROMPT UNANSWERED", "tag tag-risk"));
  const prompt = $("#da-prompt");
  if (prompt) prompt.hidden = !(data.da_prompt && !data.domestic_abuse && !data.da_rationale);
  const clock = $("#incident-clock");
  clock.dataset.clockState = data.clock_state;
  if (data.response_due_at) {
    clock.dataset.due = data.response_due_at;
    if (data.warning_at) clock.dataset.warnAt = data.warning_at;
    else delete clock.dataset.warnAt;
  } else {
    delete clock.dataset.due;
    clock.textContent = "no clock";
  }
  const due = $("#incident-due");
  due.textContent = data.response_due_at ? `attend by ${localTime(data.response_due_at)}` : "";
  if (data.response_due_at) due.dateTime = data.response_due_at;
  renderGradeHistory(data.grade_history || []);
  if (data.clock_state === "stopped" || data.status === "closed") clock.dataset.stopped = "1";
  else delete clock.dataset.stopped;
  const resourced = $("#incident-resourced");
  resourced.textContent = data.resourced ? "resourced" : "unresourced";
  resourced.className = `tag ${data.resourced ? "tag-history" : "tag-warn"}`;
  $("#incident-tags").replaceChildren(
    ...data.tags.map((tag) => {
      const node = el("span", tag, "tag tag-risk");
      node.dataset.tag = tag;
      return node;
    }),
  );
  renderReasons($("#risk-reasons"), data.risk_reasons || []);
  renderNarrative(data.narrative);
  const units = $("#assignments");
  units.replaceChildren(
    ...(data.assignments.length
      ? data.assignments.map((a) => {
          const item = el("li", `${a.unit} — ${a.status}${a.acknowledged_at ? " (acknowledged)" : ""}`);
          item.dataset.assignmentId = a.id;
          return item;
        })
      : [el("li", "No unit assigned.", "muted")]),
  );
}

async function refresh() {
  const { ok, data } = await api("GET", `/api/v1/incidents/${id}/`);
  if (ok) render(data);
}

onEvent((frame) => {
  if (frame.data?.incident !== id) return;
  const history = $("#history");
  if (!history.querySelector(`[data-event-id="${frame.id}"]`)) {
    const item = el("li", ` ${frame.kind} ${frame.data.summary || ""}`);
    item.dataset.eventId = frame.id;
    const time = el("time", new Date(frame.at).toLocaleTimeString("en-GB"));
    time.dateTime = frame.at;
    item.prepend(time);
    history.append(item);
  }
  refresh();
});

// --- actions --------------------------------------------------------------------------------

const entryForm = $("#entry-form");
entryForm?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("#entry-text");
  const { ok, status, data } = await api("POST", `/api/v1/incidents/${id}/entries/`, { text: text.value });
  if (!ok) {
    showErrors($("#entry-errors"), status, data);
    return;
  }
  $("#entry-errors").replaceChildren();
  text.value = "";
  renderNarrative([data]);
  refresh();
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
  const { ok, status, data } = await api("POST", `/api/v1/incidents/${id}/grade/`, payload);
  if (!ok) {
    showErrors($("#grade-errors"), status, data);
    return;
  }
  $("#grade-errors").replaceChildren();
  render(data);
});

$("#close-form")?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const { ok, status, data } = await api("POST", `/api/v1/incidents/${id}/close/`, {
    closing_code: $("#closing_code").value,
    summary: $("#closing_summary").value,
  });
  if (!ok) {
    showErrors($("#close-errors"), status, data);
    return;
  }
  window.location.reload();
});

$("#review-downgrade")?.addEventListener("click", async () => {
  const { ok } = await api("POST", `/api/v1/incidents/${id}/downgrade-review/`);
  if (ok) window.location.reload();
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
