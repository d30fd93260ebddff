// The live map of the dispatcher's and the supervisor's boards (Leaflet, from the project's
// own static files). Incidents by grade and clock state, units by status and staleness,
// each labelled; a scale; a basemap only when the force configures one, so it works
// offline. It follows the live events: the kept positions (one event a second) move their
// markers at once, anything else about incidents and units reloads the map's data.
//
//   const map = liveMap(element, { onSelectIncident: (reference) => ... });
//   map.centreOn(reference);   // the board's selection centres the map
//
// Leaflet positions its layers through the CSSOM (allowed by the strict CSP); markers are
// SVG paths coloured by classes in css/map.css, and labels are text nodes, never HTML.
import { onEvent } from "./live.js";
import { api, debounce, el } from "./screen.js";

const L = window.L;

const label = (text) => el("span", text);

function incidentClass(incident) {
  const grade = (incident.grade || "ungraded").toLowerCase();
  const unit = incident.resourced ? "resourced" : "no-unit";
  return `map-incident grade-${grade} clock-${incident.clock_state} ${unit}`;
}

function unitClass(unit) {
  return `map-unit status-${unit.status}${unit.stale ? " stale" : ""}`;
}

export function liveMap(element, { onSelectIncident = null } = {}) {
  if (!element || !L) return null;
  const map = L.map(element, { zoomControl: true, attributionControl: false, keyboard: true });
  const centre = JSON.parse(element.dataset.centre || "[51.5010, -0.1416]");
  map.setView(centre, 12);
  L.control.scale({ imperial: false, metric: true }).addTo(map);
  const incidents = new Map(); // reference -> marker
  const units = new Map(); // callsign -> marker
  const incidentLayer = L.layerGroup().addTo(map);
  const unitLayer = L.layerGroup().addTo(map);
  let selected = null;
  let fitted = false;
  let basemap = false;

  function setBasemap(config) {
    if (basemap || !config.tile_url) return;
    basemap = true;
    L.tileLayer(config.tile_url, { maxZoom: 19 }).addTo(map);
    if (config.attribution) {
      L.control.attribution({ prefix: false }).addAttribution(config.attribution).addTo(map);
    }
  }

  function placeIncident(incident) {
    let marker = incidents.get(incident.reference);
    const where = [incident.lat, incident.lon];
    if (!marker) {
      marker = L.circleMarker(where, { radius: 9, weight: 3, className: incidentClass(incident) });
      marker.bindTooltip(label(incident.reference), { permanent: true, direction: "right", className: "map-label" });
      marker.on("click", () => onSelectIncident && onSelectIncident(incident.reference));
      marker.addTo(incidentLayer);
      incidents.set(incident.reference, marker);
    } else {
      marker.setLatLng(where);
    }
    marker.incident = incident;
    const path = marker.getElement();
    if (path) {
      path.setAttribute("class", `${incidentClass(incident)} leaflet-interactive${selected === incident.reference ? " selected" : ""}`);
      path.dataset.reference = incident.reference;
      path.dataset.clockState = incident.clock_state;
    }
  }

  function placeUnit(unit) {
    let marker = units.get(unit.callsign);
    const where = [unit.lat, unit.lon];
    if (!marker) {
      marker = L.circleMarker(where, { radius: 6, weight: 2, className: unitClass(unit) });
      marker.bindTooltip(label(unit.callsign), { permanent: true, direction: "left", className: "map-label map-unit-label" });
      marker.addTo(unitLayer);
      units.set(unit.callsign, marker);
    } else {
      marker.setLatLng(where);
    }
    marker.unit = { ...(marker.unit || {}), ...unit };
    const path = marker.getElement();
    if (path) {
      path.setAttribute("class", `${unitClass(marker.unit)} leaflet-interactive`);
      path.dataset.callsign = unit.callsign;
      path.dataset.lat = String(unit.lat);
      path.dataset.lon = String(unit.lon);
      path.dataset.status = marker.unit.status;
    }
  }

  const schemeLayer = L.layerGroup().addTo(map);

  function drawSchemes(schemes) {
    schemeLayer.clearLayers();
    if (!schemes) return; // not for this role
    for (const scheme of schemes) {
      const marker = L.circleMarker([scheme.lat, scheme.lon], { radius: 12, weight: 2, className: "map-scheme", interactive: false });
      marker.bindTooltip(label("SCHEME"), { permanent: true, direction: "top", className: "map-label map-scheme-label" });
      marker.addTo(schemeLayer);
    }
    element.dataset.schemes = String(schemes.length);
  }

  function draw(state) {
    setBasemap(state.config || {});
    drawSchemes(state.schemes);
    const seenIncidents = new Set();
    for (const incident of state.incidents) {
      seenIncidents.add(incident.reference);
      placeIncident(incident);
    }
    for (const [reference, marker] of incidents) {
      if (!seenIncidents.has(reference)) {
        incidentLayer.removeLayer(marker);
        incidents.delete(reference);
      }
    }
    const seenUnits = new Set();
    for (const unit of state.units) {
      seenUnits.add(unit.callsign);
      placeUnit(unit);
    }
    for (const [callsign, marker] of units) {
      if (!seenUnits.has(callsign)) {
        unitLayer.removeLayer(marker);
        units.delete(callsign);
      }
    }
    if (!fitted) {
      const points = [...incidents.values(), ...units.values()].map((marker) => marker.getLatLng());
      if (points.length) {
        map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 15 });
        fitted = true;
      }
    }
    element.dataset.incidents = String(incidents.size);
    element.dataset.units = String(units.size);
    element.dataset.loaded = "1";
  }

  async function load() {
    const result = await api("GET", element.dataset.mapUrl);
    if (result.ok) draw(result.data);
  }

  const reload = debounce(load, 300);

  onEvent((frame) => {
    const data = frame.data || {};
    if (frame.kind === "position.sampled") {
      // The kept positions themselves: the markers move now, no round trip.
      for (const unit of data.units || []) {
        placeUnit({ callsign: unit.callsign, status: unit.status, lat: unit.lat, lon: unit.lon, stale: false });
      }
    } else if (frame.kind.startsWith("incident.") || frame.kind.startsWith("unit.") || frame.kind.startsWith("assignment.")) {
      reload();
    }
  });
  // Staleness and clock states change with time alone: redraw every half minute.
  setInterval(load, 30000);
  load();

  return {
    map,
    reload: load,
    centreOn(reference) {
      const previous = selected && incidents.get(selected);
      selected = reference;
      if (previous) placeIncident(previous.incident);
      const marker = incidents.get(reference);
      if (!marker) return false;
      placeIncident(marker.incident);
      map.panTo(marker.getLatLng());
      element.dataset.centredOn = reference;
      return true;
    },
  };
}
