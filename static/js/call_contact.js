// A contact's page: previous contacts and incidents for the same phone or address.
import { renderPrevious } from "./call_common.js";

renderPrevious(
  document.getElementById("previous-contacts"),
  JSON.parse(document.getElementById("contact-previous").textContent),
);
