// When an htmx request fails with anything but a 400 (which carries its own message and is
// swapped in), say so in the page's alert region instead of failing silently.
(function () {
  function report(text) {
    var region = document.getElementById("htmx-errors");
    if (!region) return;
    var message = document.createElement("p");
    message.className = "message message-error";
    message.textContent = text;
    region.replaceChildren(message);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (status === 400) return;
    report(
      status === 403
        ? "Your session changed in another tab. Reload the page and try again; nothing was saved."
        : "Something went wrong (error " + status + "). Nothing was saved; reload the page and try again."
    );
  });
  document.addEventListener("htmx:sendError", function () {
    report("Could not reach the server. Check your connection; nothing was saved.");
  });
})();
