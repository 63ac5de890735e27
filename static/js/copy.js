// Copy buttons: <button data-copy="#input-id" hidden>. The button stays hidden without
// JavaScript, where the read-only field beside it can still be selected and copied by hand.
(function () {
  function reveal(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function announce(button, text) {
    var status = document.getElementById(button.getAttribute("aria-describedby") || "");
    button.textContent = text;
    if (status) status.textContent = text;
  }

  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.querySelector(button.dataset.copy);
    if (!field) return;
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { announce(button, "Copied"); },
        function () { announce(button, "Press Ctrl+C to copy"); }
      );
    } else {
      announce(button, document.execCommand("copy") ? "Copied" : "Press Ctrl+C to copy");
    }
  });
})();
