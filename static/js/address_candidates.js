// The gazetteer as the handler types: candidates under the address field (an ARIA combobox).
// Down/Up move through them, Enter chooses, Escape closes; choosing fills the address and
// postcode and keeps the UPRN, which is sent with the incident or contact. Typing in the
// address again forgets the UPRN (it belonged to the address chosen, not the one typed).
import { api, debounce, el } from "./screen.js";

const MIN_CHARS = 3;

// onChoose(point) when a candidate is chosen, onChoose(null) when typing forgets it.
// `initial`: a point already chosen (a form shown again after a refusal), {uprn} at least.
export function addressCandidates({ address, postcode, list, place, onChoose = () => {}, initial = null }) {
  let candidates = [];
  let active = -1;
  let chosen = initial;
  let asked = 0; // the latest query wins: answers to older ones are dropped

  function close() {
    list.hidden = true;
    address.setAttribute("aria-expanded", "false");
    address.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    active = index;
    list.querySelectorAll("[role=option]").forEach((option, position) => {
      option.setAttribute("aria-selected", position === index ? "true" : "false");
    });
    if (index >= 0) {
      address.setAttribute("aria-activedescendant", `address-candidate-${index}`);
      list.children[index].scrollIntoView({ block: "nearest" });
    } else {
      address.removeAttribute("aria-activedescendant");
    }
  }

  function render(found) {
    candidates = found;
    list.replaceChildren(
      ...found.map((point, index) => {
        const option = el("li", "", "candidate");
        option.id = `address-candidate-${index}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.uprn = String(point.uprn);
        option.append(el("span", point.address), " ", el("span", point.postcode, "muted"));
        // mousedown, not click: the field must not lose focus (and close the list) first.
        option.addEventListener("mousedown", (event) => {
          event.preventDefault();
          choose(index);
        });
        return option;
      }),
    );
    list.hidden = !found.length;
    address.setAttribute("aria-expanded", found.length ? "true" : "false");
    highlight(-1);
  }

  function showPlace() {
    if (!chosen) {
      place.textContent = "";
      delete place.dataset.uprn;
      return;
    }
    place.textContent = `Gazetteer: UPRN ${chosen.uprn}`;
    place.dataset.uprn = String(chosen.uprn);
  }

  function choose(index) {
    const point = candidates[index];
    if (!point) return;
    chosen = point;
    // The gazetteer's address without its postcode, which has a field of its own.
    address.value = point.postcode ? point.address.replace(new RegExp(`,?\\s*${point.postcode}$`), "") : point.address;
    if (point.postcode) postcode.value = point.postcode;
    close();
    showPlace();
    onChoose(point);
  }

  async function ask() {
    const q = address.value.trim();
    const code = postcode.value.trim();
    if (q.length < MIN_CHARS && code.length < MIN_CHARS) {
      close();
      return;
    }
    const mine = ++asked;
    const params = new URLSearchParams({ q, postcode: code });
    const { ok, data } = await api("GET", `/api/v1/geocode/?${params}`);
    if (mine !== asked || document.activeElement !== address) return;
    render(ok && Array.isArray(data) ? data : []);
  }

  const askSoon = debounce(ask, 200);
  showPlace();

  address.addEventListener("input", () => {
    if (chosen) {
      chosen = null;
      showPlace();
      onChoose(null);
    }
    askSoon();
  });
  address.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "ArrowDown" && candidates.length) {
      if (list.hidden) render(candidates);
      highlight(Math.min(active + 1, candidates.length - 1));
      event.preventDefault();
    } else if (event.key === "ArrowUp" && !list.hidden) {
      highlight(Math.max(active - 1, 0));
      event.preventDefault();
    } else if (event.key === "Enter" && !list.hidden && active >= 0) {
      // Enter chooses the candidate; it does not save the call.
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape" && !list.hidden) {
      event.preventDefault();
      close();
    }
  });
  address.addEventListener("blur", close);

  return {
    uprn: () => (chosen ? chosen.uprn : null),
    lock: () => close(),
  };
}
