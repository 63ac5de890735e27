// A list page's filter form (`form[data-list-filters]`), kept in step with the address bar.
// htmx pushes each filtered URL into the history; on Back and Forward it puts back a snapshot of
// the page whose controls show what the page first loaded with, not what was picked since. So
// after every restore the controls are set again from the restored URL's query.
// Without JavaScript the form is a plain GET form and the server renders the controls.
(() => {
  const FORM = "form[data-list-filters]";
  // What Django's BooleanField reads as unticked.
  const UNTICKED = ["", "0", "false"];

  function syncControls() {
    const form = document.querySelector(FORM);
    if (!form) return;
    const query = new URLSearchParams(window.location.search);
    for (const control of form.elements) {
      if (!control.name) continue;
      const value = query.get(control.name) ?? "";
      if (control.type === "checkbox") {
        control.checked = !UNTICKED.includes(value.toLowerCase());
      } else if (control instanceof HTMLSelectElement) {
        const known = Array.from(control.options).some((option) => option.value === value);
        control.value = known ? value : "";
      } else if (control instanceof HTMLInputElement) {
        control.value = value;
      }
    }
  }

  // Leave empty filters out of the request, so the URL pushed into the history (and shared)
  // names only the filters in use: ?difficulty=hard, not ?q=&status=&difficulty=hard&...
  document.addEventListener("htmx:configRequest", (event) => {
    if (!event.detail.elt.matches(FORM)) return;
    const parameters = event.detail.parameters;
    const empty = [];
    for (const [name, value] of parameters) {
      if (value === "") empty.push(name);
    }
    for (const name of empty) delete parameters[name];
  });

  document.addEventListener("htmx:historyRestore", syncControls);
  // A restore from htmx's cache happens inside its own popstate handler; wait for it.
  window.addEventListener("popstate", () => window.setTimeout(syncControls, 0));
  // Back to a page the browser kept whole, or reloaded with the controls it remembered.
  window.addEventListener("pageshow", syncControls);
})();
