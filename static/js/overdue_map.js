// The supervisor's overdue board map: a marker clicked brings its row into view.
import { liveMap } from "./live_map.js";

const region = document.getElementById("overdue-live");

liveMap(document.getElementById("live-map"), {
  onSelectIncident: (reference) => {
    for (const link of region.querySelectorAll("tr[data-incident-id] a")) {
      if (link.textContent.trim() === reference) {
        link.closest("tr").scrollIntoView({ block: "nearest" });
        link.focus();
        return;
      }
    }
  },
});
