// Ask before a destructive plain form post (`data-confirm="Delete …?"`). Confirmed, the form is
// sent with confirmed=yes; without JavaScript the server shows a confirmation page instead.
// htmx forms use hx-confirm and hx-vals for the same.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
  if (!window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  if (!form.querySelector('input[name="confirmed"]')) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = "confirmed";
    input.value = "yes";
    form.append(input);
  }
});
