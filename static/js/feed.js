// Home page: a plain list of the live events this user may see.
import { onEvent } from "./live.js";

const feed = document.querySelector("[data-live-feed]");

onEvent((frame) => {
  if (!feed) return;
  const item = document.createElement("li");
  item.dataset.eventId = frame.id;
  item.dataset.kind = frame.kind;
  const time = new Date(frame.at).toLocaleTimeString("en-GB");
  const summary = frame.data.summary || frame.data.reference || "";
  item.textContent = `${time}  ${frame.kind}  ${summary}`;
  feed.prepend(item);
});
