// The DIVERT tag list: filters, sorting and paging are links and a GET form; new diverts
// and decisions arrive live and the current page is re-rendered in place.
import { onEvent } from "./live.js";
import { refreshFragment, rowKeys, say, typing } from "./screen.js";

const container = document.getElementById("divert-rows");
const status = document.getElementById("tags-live-status");

function shownIds() {
  return new Set([...container.querySelectorAll("tr[data-divert]")].map((row) => row.dataset.divert));
}

async function refresh(note) {
  const before = shownIds();
  try {
    await refreshFragment(container);
  } catch (error) {
    say(status, "Could not refresh the list; it will try again on the next event.");
    return;
  }
  for (const row of container.querySelectorAll("tr[data-divert]")) {
    if (!before.has(row.dataset.divert)) row.classList.add("report-new");
  }
  if (note) say(status, note);
}

onEvent((frame) => {
  const data = frame.data || {};
  const time = new Date(frame.at).toLocaleTimeString("en-GB");
  if (frame.kind === "unit.diverted") {
    refresh(`${time}: new divert #${data.divert}, ${data.callsign} from ${data.from_reference} to ${data.to_reference}.`);
  } else if (frame.kind.startsWith("divert.")) {
    refresh(`${time}: divert #${data.divert} updated (${frame.kind.replace("divert.", "").replace(/_/g, " ")}).`);
  }
});

rowKeys(container);

document.addEventListener("keydown", (event) => {
  if (typing(event) || event.altKey || event.ctrlKey || event.metaKey) return;
  if (event.key === "/") {
    document.getElementById("f-from")?.focus();
    event.preventDefault();
  } else if (event.key === "n") {
    document.getElementById("next-page")?.click();
  } else if (event.key === "p") {
    document.getElementById("prev-page")?.click();
  }
});
