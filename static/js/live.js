// The live connection every screen shares: one websocket, replay from the last id
// seen, reconnect with backoff, heartbeat, server-time correction and countdowns.
//
//   import { onEvent, serverNow, showAlert } from "/static/js/live.js";
//   onEvent((frame) => { ... });          // every frame, in id order, exactly once
//   onEvent((frame) => { ... }, "unit."); // frames whose kind starts with "unit."
//
// Pages render current state with the latest event id in <body data-last-event-id>;
// the connection resumes from that id, so nothing between render and connect is lost.

const HEARTBEAT_MS = 5000;
const MAX_BACKOFF_MS = 10000;

const listeners = [];
let socket = null;
let lastId = Number(document.body?.dataset.lastEventId || 0) || null;
let skewMs = 0; // server clock minus this browser's clock
let backoffMs = 500;
let heartbeat = null;
let everConnected = false;

export function onEvent(callback, kindPrefix = "") {
  listeners.push({ callback, kindPrefix });
}

export function lastEventId() {
  return lastId;
}

export function serverNow() {
  return new Date(Date.now() + skewMs);
}

function setStatus(state, text) {
  const badge = document.getElementById("live-status");
  if (badge) {
    badge.dataset.state = state;
    badge.textContent = text;
  }
  document.body.dataset.live = state;
}

function noteServerTime(iso) {
  if (iso) skewMs = new Date(iso).getTime() - Date.now();
}

function deliver(frame) {
  if (lastId !== null && frame.id <= lastId) return; // already delivered
  lastId = frame.id;
  for (const { callback, kindPrefix } of listeners) {
    if (frame.kind.startsWith(kindPrefix)) {
      try {
        callback(frame);
      } catch (error) {
        console.error("live listener failed", error);
      }
    }
  }
  document.dispatchEvent(new CustomEvent("cad:event", { detail: frame }));
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const since = lastId === null ? "" : `?since=${lastId}`;
  setStatus(everConnected ? "reconnecting" : "connecting", everConnected ? "reconnecting…" : "connecting…");
  socket = new WebSocket(`${scheme}://${location.host}/ws/screens/${since}`);
  socket.addEventListener("open", () => {
    everConnected = true;
    backoffMs = 500;
    setStatus("live", "live");
    heartbeat = setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "ping" }));
    }, HEARTBEAT_MS);
  });
  socket.addEventListener("message", (message) => {
    const frame = JSON.parse(message.data);
    noteServerTime(frame.server_time);
    if (typeof frame.id === "number") deliver(frame);
  });
  socket.addEventListener("close", (closing) => {
    clearInterval(heartbeat);
    if (closing.code === 4401 || closing.code === 4403) {
      setStatus("offline", "signed out: reload to log in");
      return;
    }
    setStatus("reconnecting", "connection lost: reconnecting…");
    const delay = backoffMs + Math.random() * 250;
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    setTimeout(connect, delay);
  });
}

// --- alerts -----------------------------------------------------------------------------

let audio = null;

function beep() {
  try {
    audio = audio || new AudioContext();
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.value = 0.15;
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.25);
  } catch {
    // No audio device (headless) – the visual alert still stands.
  }
}

// An alert stays until someone dismisses it: alerts are never lost silently.
export function showAlert(text, { level = "warning", sound = false, key = null } = {}) {
  const box = document.getElementById("alerts");
  if (!box) return null;
  if (key && box.querySelector(`[data-key="${CSS.escape(key)}"]`)) return null;
  const item = document.createElement("div");
  item.className = `alert alert-${level}`;
  if (key) item.dataset.key = key;
  const words = document.createElement("span");
  words.textContent = text;
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "link";
  dismiss.textContent = "Dismiss";
  dismiss.addEventListener("click", () => item.remove());
  item.append(words, dismiss);
  box.prepend(item);
  if (sound) beep();
  return item;
}

// --- countdowns ------------------------------------------------------------------------
// Any element with data-due="ISO time" (and optionally data-warn-at) shows the time left,
// computed from the server's clock; data-stopped="1" freezes it.

export function formatRemaining(ms) {
  const sign = ms < 0 ? "-" : "";
  const total = Math.floor(Math.abs(ms) / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  return hours
    ? `${sign}${hours}:${String(minutes).padStart(2, "0")}:${seconds}`
    : `${sign}${minutes}:${seconds}`;
}

function tickCountdowns() {
  const now = serverNow().getTime();
  // data-since="ISO time": how long something has been so ("12:30" in a status).
  for (const element of document.querySelectorAll("[data-since]")) {
    const since = new Date(element.dataset.since).getTime();
    if (!Number.isNaN(since)) element.textContent = formatRemaining(Math.max(0, now - since));
  }
  for (const element of document.querySelectorAll("[data-due]")) {
    if (!element.dataset.due || element.dataset.stopped === "1") continue;
    const due = new Date(element.dataset.due).getTime();
    const warnAt = element.dataset.warnAt ? new Date(element.dataset.warnAt).getTime() : null;
    const left = due - now;
    // Said in words: "12:30 left", "3:05 overdue" (a lone "1:50" reads as a time of day).
    element.textContent = left > 0 ? `${formatRemaining(left)} left` : `${formatRemaining(-left)} overdue`;
    element.dataset.clock = left <= 0 ? "breached" : warnAt !== null && now >= warnAt ? "warning" : "running";
  }
}

setInterval(tickCountdowns, 250);
document.addEventListener("DOMContentLoaded", tickCountdowns);

connect();

// --- navigation menus ---------------------------------------------------------------------
// One menu open at a time; Escape closes it and gives the focus back to its name.
document.addEventListener(
  "toggle",
  (event) => {
    const menu = event.target;
    if (!(menu instanceof HTMLDetailsElement) || !menu.classList.contains("nav-menu") || !menu.open) return;
    for (const other of document.querySelectorAll("details.nav-menu[open]")) if (other !== menu) other.open = false;
  },
  true,
);
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const open = document.querySelector("details.nav-menu[open]");
  if (!open) return;
  open.open = false;
  open.querySelector("summary").focus();
});
