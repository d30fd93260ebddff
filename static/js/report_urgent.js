// The urgent-review queue: re-rendered live when QART opens or concludes a review.
import { onEvent } from "./live.js";
import { refreshFragment, rowKeys, say } from "./screen.js";

const container = document.getElementById("urgent-rows");
const status = document.getElementById("urgent-live-status");

onEvent((frame) => {
  if (!frame.kind.startsWith("divert.")) return;
  const time = new Date(frame.at).toLocaleTimeString("en-GB");
  refreshFragment(container)
    .then(() => {
      if (frame.kind === "divert.urgent_review_opened") {
        say(status, `${time}: urgent review opened on divert #${frame.data.divert}.`);
      } else if (frame.kind === "divert.urgent_review_closed") {
        say(status, `${time}: urgent review of divert #${frame.data.divert} concluded.`);
      }
    })
    .catch(() => say(status, "Could not refresh the queue; it will try again on the next event."));
});

rowKeys(container);
