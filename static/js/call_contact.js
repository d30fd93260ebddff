// A contact's page (rendered by the server): the possible domestic abuse prompt, which must be answered here when no incident follows.
import { api, refreshFragment, showErrors } from "./screen.js";

const form = document.getElementById("contact-da-form");
if (form) {
  const rationale = document.getElementById("contact-da-rationale");
  rationale.addEventListener("input", () => {
    if (rationale.value.trim()) document.getElementById("contact-da-no").checked = true;
  });
  document.getElementById("contact-da-yes").focus();
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answer = form.querySelector("input[name=da_answer]:checked")?.value;
    const errors = document.getElementById("contact-da-errors");
    if (!answer) {
      showErrors(errors, 400, { domestic_abuse: ["Choose: domestic abuse, or not and why."] });
      return;
    }
    const payload = { domestic_abuse: answer === "yes", da_rationale: rationale.value.trim() };
    const { ok, status, data } = await api("POST", `/api/v1/contacts/${form.dataset.contactId}/domestic-abuse/`, payload);
    if (!ok) {
      showErrors(errors, status, data);
      return;
    }
    await refreshFragment(document.getElementById("contact-da-live"));
    document.getElementById("contact-da-answer")?.focus();
  });
  // Alt+S records the answer from anywhere on the page, as on the call screen.
  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.code !== "KeyS") return;
    if (!form.isConnected) return;
    event.preventDefault();
    form.requestSubmit();
  });
}
