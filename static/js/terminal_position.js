// The unit terminal shares the device's position with control, only when the officer turns
// it on (remembered on this device), every few seconds while the terminal is open: the
// browser's Geolocation API, posted to the unit's own position endpoint.
import { apiPost, errorText, say } from "./screen.js";

const panel = document.getElementById("position-share");
const toggle = document.getElementById("position-share-toggle");
const state = document.getElementById("position-share-state");
const STORE = "cad.share-position";

let watch = null;
let latest = null; // the newest fix not yet sent
let timer = null;

async function send() {
  if (!latest) return;
  const fix = latest;
  latest = null;
  const body = { lat: fix.coords.latitude, lon: fix.coords.longitude, at: new Date(fix.timestamp).toISOString() };
  if (Number.isFinite(fix.coords.speed) && fix.coords.speed >= 0) body.speed = fix.coords.speed;
  if (Number.isFinite(fix.coords.heading) && fix.coords.heading >= 0 && fix.coords.heading <= 360) body.heading = fix.coords.heading;
  const response = await apiPost(`/api/v1/units/${encodeURIComponent(panel.dataset.callsign)}/position/`, body);
  if (response.ok) say(state, `Shared: last sent at ${new Date(body.at).toLocaleTimeString("en-GB", { hour12: false })}.`);
  else say(state, `Not sent: ${errorText(response)}`, "error");
}

function start() {
  if (!("geolocation" in navigator)) {
    say(state, "This device cannot tell its position.", "error");
    toggle.checked = false;
    return;
  }
  say(state, "Waiting for the device's position…");
  watch = navigator.geolocation.watchPosition(
    (fix) => {
      latest = fix;
    },
    (error) => {
      say(state, error.code === error.PERMISSION_DENIED ? "Position refused by this device: allow it in the browser to share." : `No position: ${error.message}`, "error");
    },
    { enableHighAccuracy: true, maximumAge: 5000, timeout: 20000 },
  );
  const every = Number(panel.dataset.intervalMs) || 5000;
  timer = setInterval(send, every);
  // The first fix goes at once, not one interval later.
  setTimeout(send, 1000);
}

function stop() {
  if (watch !== null) navigator.geolocation.clearWatch(watch);
  clearInterval(timer);
  watch = null;
  timer = null;
  latest = null;
  say(state, "Not shared.");
}

if (panel && toggle) {
  toggle.addEventListener("change", () => {
    localStorage.setItem(STORE, toggle.checked ? "1" : "0");
    if (toggle.checked) start();
    else stop();
  });
  if (localStorage.getItem(STORE) === "1") {
    toggle.checked = true;
    start();
  }
}
