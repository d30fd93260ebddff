// Shared by the DIVERT tag list, the divert timeline and the urgent-review queue:
// swap in a server-rendered fragment when an event arrives, and move through a list
// of rows with the keyboard.

export function typing(event) {
  const target = event.target;
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
  );
}

// Fetch the container's data-fragment-url and replace its contents; resolves to the
// container. Concurrent calls collapse into one request plus one follow-up.
const pending = new WeakMap();

export function refreshFragment(container) {
  const state = pending.get(container) || { running: null, again: false };
  pending.set(container, state);
  if (state.running) {
    state.again = true;
    return state.running;
  }
  state.running = (async () => {
    do {
      state.again = false;
      const response = await fetch(container.dataset.fragmentUrl, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      });
      if (!response.ok) throw new Error(`fragment answered ${response.status}`);
      const html = await response.text();
      const selected = container.querySelector("tr.selected")?.dataset.divert;
      container.innerHTML = html;
      if (selected) {
        container.querySelector(`tr[data-divert="${CSS.escape(selected)}"]`)?.classList.add("selected");
      }
    } while (state.again);
    return container;
  })().finally(() => {
    state.running = null;
  });
  return state.running;
}

// J/K (or arrow keys) move the selection, Enter opens the selected row's data-href.
export function rowKeys(container) {
  const rows = () => [...container.querySelectorAll("tbody tr[data-href]")];
  const select = (row) => {
    for (const other of rows()) other.classList.remove("selected");
    if (!row) return;
    row.classList.add("selected");
    row.scrollIntoView({ block: "nearest" });
    row.querySelector("a")?.focus({ preventScroll: true });
  };
  document.addEventListener("keydown", (event) => {
    if (typing(event) || event.altKey || event.ctrlKey || event.metaKey) return;
    const list = rows();
    if (!list.length) return;
    const index = list.findIndex((row) => row.classList.contains("selected"));
    if (event.key === "j" || event.key === "ArrowDown") {
      select(list[Math.min(index + 1, list.length - 1)]);
      event.preventDefault();
    } else if (event.key === "k" || event.key === "ArrowUp") {
      select(list[Math.max(index - 1, 0)]);
      event.preventDefault();
    } else if (event.key === "Enter" && index >= 0 && document.activeElement?.tagName !== "A") {
      location.href = list[index].dataset.href;
    }
  });
  container.addEventListener("click", (event) => {
    const row = event.target.closest("tr[data-href]");
    if (row && !event.target.closest("a")) location.href = row.dataset.href;
  });
}

export function say(element, text) {
  if (element) element.textContent = text;
}
