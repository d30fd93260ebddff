// Open incidents: a new or changed incident reloads the list (it is short and server-rendered).
import { onEvent } from "./live.js";

let pending = null;
onEvent(() => {
  clearTimeout(pending);
  pending = setTimeout(() => window.location.reload(), 500);
}, "incident.");
