// The support desk's queue of check requests: claim, answer, live updates, keyboard first.
import { onEvent, showAlert } from "./live.js";
import { api as callApi, errorText } from "./screen.js";

const table = document.getElementById("request-queue");
const body = table.querySelector("tbody");
const api = table.dataset.api;
const panel = document.getElementById("answer-panel");
const form = document.getElementById("answer-form");
const text = document.getElementById("answer-text");
const errorBox = document.getElementById("answer-error");
let answering = null;

async function call(url, payload) {
  const result = await callApi("POST", url, payload);
  if (!result.ok) throw new Error(errorText(result));
  return result.data;
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function row(request) {
  const tr = document.createElement("tr");
  tr.id = `request-${request.id}`;
  tr.dataset.requestId = request.id;
  tr.tabIndex = 0;
  const due = document.createElement("td");
  const clock = document.createElement("span");
  clock.dataset.clock = "";
  clock.dataset.due = request.due_at;
  clock.textContent = new Date(request.due_at).toLocaleTimeString("en-GB");
  due.append(clock);
  if (request.escalated_at) {
    const tag = document.createElement("span");
    tag.className = "tag tag-risk";
    tag.textContent = "escalated";
    due.append(" ", tag);
  }
  const status = request.claimed_by ? `${request.status} (${request.claimed_by})` : request.status;
  const actions = document.createElement("td");
  for (const [action, label] of [["claim", "Claim"], ["answer", "Answer"]]) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.action = action;
    button.textContent = label;
    actions.append(button, " ");
  }
  tr.append(due, cell(request.subject), cell(request.question), cell(request.requested_by), cell(status), actions);
  return tr;
}

async function refresh() {
  const filter = table.dataset.filter || "";
  const response = await fetch(`${api}?status=unanswered${filter}`, { credentials: "same-origin" });
  if (!response.ok) return;
  const requests = await response.json();
  const focusedId = document.activeElement?.closest("tr")?.dataset.requestId;
  body.replaceChildren(...requests.map(row));
  if (!requests.length) {
    const tr = document.createElement("tr");
    tr.className = "empty";
    const td = cell("No requests waiting.");
    td.colSpan = 6;
    td.className = "muted";
    tr.append(td);
    body.append(tr);
  }
  document.getElementById("queue-count").textContent = `${requests.length} waiting`;
  if (focusedId) document.getElementById(`request-${focusedId}`)?.focus();
  await refreshAnswered();
}

async function refreshAnswered() {
  const response = await fetch(`${api}?status=answered`, { credentials: "same-origin" });
  if (!response.ok) return;
  const rows = (await response.json()).slice(0, 20).map((request) => {
    const tr = document.createElement("tr");
    const when = new Date(request.answered_at).toLocaleString("en-GB");
    tr.append(cell(when), cell(request.subject), cell(request.question), cell(request.answer), cell(request.answered_by));
    return tr;
  });
  if (rows.length) document.querySelector("#answered-requests tbody").replaceChildren(...rows);
}

async function claim(tr) {
  try {
    await call(`${api}${tr.dataset.requestId}/claim/`);
    await refresh();
  } catch (error) {
    showAlert(`Could not claim: ${error.message}`, { level: "warning" });
  }
}

function openAnswer(tr) {
  answering = tr.dataset.requestId;
  document.getElementById("answer-subject").textContent = tr.children[1].textContent;
  errorBox.textContent = "";
  panel.hidden = false;
  text.focus();
}

function closeAnswer() {
  panel.hidden = true;
  text.value = "";
  const tr = answering && document.getElementById(`request-${answering}`);
  answering = null;
  tr?.focus();
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await call(`${api}${answering}/answer/`, { answer: text.value });
    closeAnswer();
    await refresh();
  } catch (error) {
    errorBox.textContent = error.message;
  }
});
text.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.ctrlKey) form.requestSubmit();
});
document.getElementById("answer-cancel").addEventListener("click", closeAnswer);

body.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const tr = button.closest("tr");
  if (button.dataset.action === "claim") claim(tr);
  else openAnswer(tr);
});

document.addEventListener("keydown", (event) => {
  if (event.key === "m" && !["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName)) {
    document.querySelector("a[accesskey=m]")?.click();
    return;
  }
  if (event.key === "Escape" && !panel.hidden) {
    closeAnswer();
    return;
  }
  if (["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName)) return;
  const rows = [...body.querySelectorAll("tr[data-request-id]")];
  if (!rows.length) return;
  const current = document.activeElement?.closest("tr[data-request-id]");
  const index = rows.indexOf(current);
  if (event.key === "j" || event.key === "k") {
    const next = event.key === "j" ? Math.min(index + 1, rows.length - 1) : Math.max(index - 1, 0);
    rows[next === -1 ? 0 : next].focus();
    event.preventDefault();
  } else if (event.key === "c" && current) {
    claim(current);
  } else if (event.key === "a" && current) {
    event.preventDefault();
    openAnswer(current);
  }
});

onEvent((frame) => {
  if (frame.kind === "intelligence.request_created") {
    showAlert("New intelligence check request", { level: "info", sound: true, key: `request-${frame.data.request}` });
  }
  refresh();
}, "intelligence.request_");
