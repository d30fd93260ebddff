// A contact's page: previous contacts and incidents for the same phone or address, and the
// possible domestic abuse prompt, which must be answered here when no incident follows.
import { api, el, renderPrevious, showErrors } from "./call_common.js";

renderPrevious(
  document.getElementById("previous-contacts"),
  JSON.parse(document.getElementById("contact-previous").textContent),
);

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
    const done = el("p", data.domestic_abuse ? "Recorded as domestic abuse" : `Not domestic abuse: ${data.da_rationale}`);
    done.id = "contact-da-answer";
    done.append(` — ${data.da_answered_by}`);
    document.getElementById("contact-da").dataset.answered = "1";
    document.getElementById("contact-da-title").lastChild.textContent = " answered";
    form.replaceWith(done);
  });
  // Alt+S records the answer from anywhere on the page, as on the call screen.
  document.addEventListener("keydown", (event) => {
    if (!event.altKey || event.ctrlKey || event.metaKey || event.code !== "KeyS") return;
    if (!form.isConnected) return;
    event.preventDefault();
    form.requestSubmit();
  });
}
