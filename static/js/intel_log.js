// Log page: the reason prompt submits with Ctrl+Enter; "r" returns to it.
const form = document.getElementById("reason-form");
const reason = document.getElementById("reason");

if (form && reason) {
  reason.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.ctrlKey) form.requestSubmit();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "r" && document.activeElement !== reason) {
      event.preventDefault();
      reason.focus();
    }
  });
}
