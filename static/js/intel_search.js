// Search page: "/" jumps to the first field; results are reachable by keyboard.
const first = document.getElementById("q-phone");

document.addEventListener("keydown", (event) => {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement?.tagName);
  if (event.key === "/" && !typing) {
    event.preventDefault();
    first.focus();
    first.select();
  }
});
