// The dispatcher's board: live incidents and units; keyboard selection, assign and divert.
import { showAlert, onEvent } from "./live.js";
import { recordCallbacks } from "./victim_callbacks.js";
import { api, apiPost, errorText, liveFragment, markSelected, moveSelection, refreshFragment, say, typing } from "./screen.js";
import { liveMap } from "./live_map.js";

const region = document.getElementById("board-live");
const form = document.getElementById("dispatch-command");
const unitInput = document.getElementById("cmd-unit");
const incidentInput = document.getElementById("cmd-incident");
const reasonInput = document.getElementById("cmd-reason");
const result = document.getElementById("cmd-result");

let selectedIncident = null; // reference
let selectedUnit = null; // callsign

const incidentRows = () => region.querySelectorAll("tr[data-reference]");
const unitRows = () => region.querySelectorAll("tr[data-callsign]");

function paintSelection() {
  markSelected(incidentRows(), "data-reference", selectedIncident);
  markSelected(unitRows(), "data-callsign", selectedUnit);
}

function selectIncident(row) {
  if (!row) return;
  selectedIncident = row.dataset.reference;
  if (incidentInput) incidentInput.value = selectedIncident;
  paintSelection();
  row.scrollIntoView({ block: "nearest" });
  if (map) map.centreOn(selectedIncident);
  loadRecommendations();
}

// --- the map and the nearest available units ----------------------------------------------

const recommendationsFor = document.getElementById("recommendations-for");
const recommendationRows = document.getElementById("recommendations-rows");
let nearest = [];

const map = liveMap(document.getElementById("live-map"), {
  // A marker clicked selects its incident on the board, as j/k would.
  onSelectIncident: (reference) => {
    const row = [...incidentRows()].find((candidate) => candidate.dataset.reference === reference);
    if (row) selectIncident(row);
  },
});

function distanceWords(metres) {
  return metres < 1000 ? `${metres} m` : `${(metres / 1000).toFixed(1)} km`;
}

function etaWords(seconds) {
  return seconds < 60 ? "under 1 min" : `about ${Math.round(seconds / 60)} min`;
}

function ageWords(iso) {
  if (!iso) return "no position";
  const seconds = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
  return seconds < 90 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
}

function cell(text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

async function loadRecommendations() {
  if (!recommendationRows || !selectedIncident) return;
  const reference = selectedIncident;
  const incident = incidentIdFor(reference);
  if (!incident) return;
  const response = await api("GET", `/api/v1/incidents/${incident}/recommendations/?limit=8`);
  if (reference !== selectedIncident) return; // the selection moved on meanwhile
  const table = recommendationRows.closest("table");
  if (!response.ok) {
    say(recommendationsFor, errorText(response), "error");
    table.hidden = true;
    return;
  }
  nearest = response.data;
  recommendationRows.replaceChildren();
  for (const row of nearest) {
    const tr = document.createElement("tr");
    tr.dataset.unit = row.unit;
    tr.dataset.stale = row.stale ? "1" : "0";
    tr.tabIndex = -1;
    tr.append(
      cell(row.unit),
      cell(row.distance_m === null ? "unknown" : distanceWords(row.distance_m), "num"),
      cell(row.eta_s === null ? "unknown" : etaWords(row.eta_s), "num"),
      cell(row.position_at ? `${ageWords(row.position_at)}${row.stale ? " (stale)" : ""}` : "no position"),
    );
    recommendationRows.append(tr);
  }
  table.hidden = nearest.length === 0;
  const first = nearest[0];
  say(
    recommendationsFor,
    !nearest.length
      ? `No unit is available for ${reference}.`
      : first.distance_m === null
        ? `${reference}: no place or no unit position known; available units by callsign.`
        : `Nearest to ${reference}: ${first.unit}, ${distanceWords(first.distance_m)} (straight line), ${etaWords(first.eta_s)} (estimate).`,
  );
}

const reloadRecommendations = (() => {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(loadRecommendations, 200);
  };
})();

if (recommendationRows) {
  recommendationRows.addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-unit]");
    if (row && unitInput) {
      unitInput.value = row.dataset.unit;
      selectedUnit = row.dataset.unit;
      paintSelection();
    }
  });
}

// The nearest available unit for the selected incident into the unit field (r).
function takeNearest() {
  if (!nearest.length || !unitInput) return;
  unitInput.value = nearest[0].unit;
  selectedUnit = nearest[0].unit;
  paintSelection();
  say(result, `${nearest[0].unit} is the nearest available unit: press a to assign.`);
}

onEvent((frame) => {
  if (frame.kind === "position.sampled" || frame.kind.startsWith("unit.") || frame.kind.startsWith("assignment.")) {
    reloadRecommendations();
  }
});

function selectUnit(row) {
  if (!row) return;
  selectedUnit = row.dataset.callsign;
  if (unitInput) unitInput.value = selectedUnit;
  paintSelection();
  row.scrollIntoView({ block: "nearest" });
}

function incidentIdFor(reference) {
  const wanted = (reference || "").trim().toUpperCase();
  for (const row of incidentRows()) {
    if (row.dataset.reference.toUpperCase() === wanted || row.dataset.incidentId === wanted) {
      return Number(row.dataset.incidentId);
    }
  }
  return null;
}

async function assign() {
  const callsign = unitInput.value.trim().toUpperCase();
  const incident = incidentIdFor(incidentInput.value);
  if (!callsign || !incident) {
    say(result, "Choose a unit and an open incident.", "error");
    return;
  }
  const response = await apiPost(`/api/v1/incidents/${incident}/assign/`, { unit: callsign });
  if (response.ok) {
    say(result, `${callsign} assigned to ${incidentInput.value.trim()}.`);
  } else {
    say(result, errorText(response), "error");
  }
}

async function divert() {
  const callsign = unitInput.value.trim().toUpperCase();
  const incident = incidentIdFor(incidentInput.value);
  const reason = reasonInput.value.trim();
  if (!callsign || !incident) {
    say(result, "Choose the unit to divert and the incident it goes to.", "error");
    return;
  }
  if (!reason) {
    say(result, "Give the reason for the divert, then press Enter.", "error");
    reasonInput.dataset.pending = "divert";
    reasonInput.focus();
    return;
  }
  const response = await apiPost(`/api/v1/units/${encodeURIComponent(callsign)}/divert/`, {
    to_incident: incident,
    reason,
  });
  if (response.ok) {
    reasonInput.value = "";
    delete reasonInput.dataset.pending;
    say(
      result,
      `${callsign} diverted from ${response.data.from_reference} to ${response.data.to_reference}: ` +
        `${response.data.from_reference} is tagged DIVERT and waits for the controller's review.`,
    );
    showNearestReplacement(response.data);
  } else {
    say(result, errorText(response), "error");
  }
}

// A divert leaves an incident: the nearest available unit for it, said at once.
async function showNearestReplacement(divert) {
  const found = await api("GET", `/api/v1/incidents/${divert.from_incident}/recommendations/?limit=1`);
  const first = found.ok && found.data.length ? found.data[0] : null;
  const words = !first
    ? `No unit is available for ${divert.from_reference}.`
    : first.distance_m === null
      ? `Available for ${divert.from_reference}: ${first.unit} (distance unknown).`
      : `Nearest replacement for ${divert.from_reference}: ${first.unit}, ${distanceWords(first.distance_m)} (straight line), ${etaWords(first.eta_s)} (estimate).`;
  result.dataset.nearest = first ? first.unit : "";
  result.textContent = `${result.textContent} ${words}`;
}

if (form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const submitter = event.submitter;
    if (reasonInput.dataset.pending === "divert" || submitter?.dataset.action === "divert") divert();
    else assign();
  });
  form.querySelector("[data-action=divert]").addEventListener("click", () => divert());
  reasonInput.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      divert();
    }
  });
}

recordCallbacks(region);

region.addEventListener("click", (event) => {
  const row = event.target.closest("tr");
  if (!row || event.target.closest("a")) return;
  if (row.dataset.reference) selectIncident(row);
  if (row.dataset.callsign) selectUnit(row);
});

region.addEventListener("cad:refreshed", paintSelection);

// --- filter and the list of shortcuts ----------------------------------------------------

const filterInput = document.getElementById("board-filter");
const filterCount = document.getElementById("board-filter-count");
const keysDialog = document.getElementById("board-keys");

// Rows whose text holds every word typed stay; the rest are hidden until the filter is
// cleared. Applied again after each live refresh.
function applyFilter() {
  const words = filterInput.value.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  let total = 0;
  for (const row of region.querySelectorAll("tr[data-reference], tr[data-callsign]")) {
    total += 1;
    const text = row.textContent.toLowerCase();
    row.hidden = !words.every((word) => text.includes(word));
    if (!row.hidden) shown += 1;
  }
  filterCount.textContent = words.length ? `${shown} of ${total} shown` : "";
}

filterInput.addEventListener("input", applyFilter);
region.addEventListener("cad:refreshed", applyFilter);

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    if (typing(event)) event.target.blur();
    return;
  }
  if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "/") {
    event.preventDefault();
    filterInput.focus();
    return;
  }
  if (event.key === "?") {
    event.preventDefault();
    if (keysDialog.open) keysDialog.close();
    else keysDialog.showModal();
    return;
  }
  // The rows the filter leaves in view, in the order shown.
  const shown = (rows) => () => [...rows()].filter((row) => !row.hidden);
  const keys = {
    j: () => selectIncident(moveSelection(shown(incidentRows), "data-reference", selectedIncident, 1)),
    k: () => selectIncident(moveSelection(shown(incidentRows), "data-reference", selectedIncident, -1)),
    n: () => selectUnit(moveSelection(shown(unitRows), "data-callsign", selectedUnit, 1)),
    p: () => selectUnit(moveSelection(shown(unitRows), "data-callsign", selectedUnit, -1)),
    a: () => form && assign(),
    r: () => takeNearest(),
    d: () => form && divert(),
  };
  const action = keys[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
});

liveFragment(region, { kinds: ["incident.", "unit.", "assignment.", "divert."] });

onEvent((frame) => {
  const data = frame.data || {};
  if (frame.kind === "incident.clock.breached") {
    showAlert(`${data.reference} (${data.grade}) has breached its response target.`, {
      level: "danger",
      key: `breach-${data.incident}-${data.response_due_at}`,
    });
  } else if (frame.kind === "incident.breach_predicted") {
    // No available unit can get there in time: said now, not when the clock runs out.
    showAlert(`PREDICTED BREACH: ${data.summary}`, {
      level: "danger",
      sound: true,
      key: `predicted-${data.incident}-${data.response_due_at}`,
    });
  } else if (frame.kind === "incident.clock.warning") {
    // The countdown's colour is the browser's own; this is the server's escalation.
    showAlert(`${data.reference} (${data.grade}): 75 % of its response time gone, no unit at scene.`, {
      level: "warning",
      key: `warning-${data.incident}-${data.response_due_at}`,
    });
  } else if (frame.kind === "assignment.unacknowledged") {
    showAlert(`${data.callsign} has not acknowledged ${data.reference}.`, {
      level: "warning",
      key: `unack-${data.assignment}`,
    });
  } else if (frame.kind === "incident.unresourced") {
    showAlert(`${data.reference} (${data.grade}) has no unit.`, {
      level: "danger",
      key: `unresourced-${data.incident}-${data.unresourced_since}`,
    });
  } else if (frame.kind === "incident.victim_callback" || frame.kind === "incident.victim_callback_overdue") {
    showAlert(data.summary, { level: "danger", sound: true, key: `callback-${frame.id}` });
  } else if (frame.kind === "unit.unable_to_attend" || frame.kind === "unit.message") {
    // The terminal said no, or spoke: it stays on screen until someone dismisses it.
    showAlert(data.summary, {
      level: frame.kind === "unit.unable_to_attend" ? "danger" : "warning",
      sound: frame.kind === "unit.unable_to_attend",
      key: `unit-said-${frame.id}`,
    });
  } else if (frame.kind === "divert.replacement_overdue" || frame.kind === "divert.reviewed") {
    if (frame.kind === "divert.reviewed" && data.decision !== "approve") return;
    showAlert(`${data.from_reference} needs another unit (its unit ${data.callsign} was diverted).`, {
      level: "warning",
      key: `replace-${data.divert}`,
    });
  }
});
