// The support desk's queue of check requests: claim, answer, live updates, keyboard first.
import { onEvent, showAlert } from "./live.js";
import { api as callApi, errorText, moveSelection, refreshFragment } from "./screen.js";

const table = document.getElementById("request-queue");
const body = document.getElementById("request-rows");
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

const answered = document.getElementById("answered-rows");

// Both tables are the server's own rows, re-rendered in place; the focused row keeps the focus.
async function refresh() {
  try {
    await Promise.all([refreshFragment(body), refreshFragment(answered)]);
  } catch (error) {
    console.warn("refresh failed", error);
    return;
  }
  document.getElementById("queue-count").textContent =
    `${body.querySelectorAll("tr[data-request-id]").length} waiting`;
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
  if (event.key === "j" || event.key === "k") {
    const key = current?.getAttribute("data-request-id") ?? null;
    moveSelection(() => rows, "data-request-id", key, event.key === "j" ? 1 : -1).focus();
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
