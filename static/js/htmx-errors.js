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
    var text = "Something went wrong (error " + status + "). Nothing was saved; reload the page and try again.";
    if (status === 403) {
      text = "Your session changed in another tab. Reload the page and try again; nothing was saved.";
    } else if (status === 503) {
      text = "MLE Prep is briefly unavailable, so nothing was saved. Try again in a minute.";
    } else if (status === 429) {
      text = "Too many requests in a short time, so nothing was saved. Wait a little and try again.";
    }
    report(text);
  });
  document.addEventListener("htmx:sendError", function () {
    report("Could not reach the server. Check your connection; nothing was saved.");
  });
})();
