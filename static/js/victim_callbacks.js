// Victims to call back (templates/dispatch/_victim_callbacks.html): record what she was told
// and how she is; the region is re-rendered by the server afterwards.
import { apiPost, errorText, refreshFragment, say } from "./screen.js";

export function recordCallbacks(region) {
  region.addEventListener("submit", async (event) => {
    const form = event.target.closest("[data-callback-form]");
    if (!form) return;
    event.preventDefault();
    const output = form.querySelector(".form-result");
    const response = await apiPost(`/api/v1/victim-callbacks/${form.dataset.callbackForm}/`, {
      outcome: form.elements.outcome.value,
    });
    if (response.ok) {
      form.elements.outcome.value = "";
      say(output, `Recorded for ${response.data.reference}.`);
      refreshFragment(region).catch(() => {});
    } else {
      say(output, errorText(response), "error");
    }
  });
}
