// A light, dark or system theme the candidate picks in the header, kept in this browser.
// Loaded in <head> without defer so the chosen theme applies before the first paint; without
// JavaScript the menu stays hidden and the system's theme applies.
(function () {
  var KEY = "mle-prep-theme";
  function saved() {
    try { return localStorage.getItem(KEY) || "system"; } catch (e) { return "system"; }
  }
  function apply(theme) {
    if (theme === "light" || theme === "dark") document.documentElement.dataset.theme = theme;
    else delete document.documentElement.dataset.theme;
  }
  apply(saved());
  document.addEventListener("DOMContentLoaded", function () {
    var choice = document.querySelector("[data-theme-choice]");
    var select = document.querySelector("[data-theme-select]");
    if (!choice || !select) return;
    select.value = saved();
    choice.hidden = false;
    select.addEventListener("change", function () {
      try { localStorage.setItem(KEY, select.value); } catch (e) { /* private mode: this page only */ }
      apply(select.value);
    });
  });
})();
