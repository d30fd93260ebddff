// The scheme request form: the gazetteer's addresses as the address is typed; the chosen
// UPRN goes with the form (a hidden field), so the marker sits on the address point itself.
import { addressCandidates } from "./address_candidates.js";

const uprn = document.getElementById("uprn");
addressCandidates({
  address: document.getElementById("address"),
  postcode: document.getElementById("postcode"),
  list: document.getElementById("address-candidates"),
  place: document.getElementById("address-place"),
  initial: uprn.value ? { uprn: uprn.value } : null,
  onChoose: (point) => {
    uprn.value = point ? String(point.uprn) : "";
  },
});
