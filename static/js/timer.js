// Session and mock timers. The server keeps the clock (start, pauses, end) and renders the
// elapsed seconds into the page; this script only counts on from there, highlights the step
// the user should be on, and says when a part's time is up and when the round's is, on the
// page and to screen readers.
(function () {
  function format(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var rest = seconds % 60;
    return Math.floor(seconds / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function currentStep(steps, elapsed) {
    var at = 0;
    for (var i = 0; i < steps.length; i++) {
      at += steps[i].seconds;
      if (elapsed < at) return i;
    }
    return steps.length - 1;
  }

  function start(timer) {
    if (timer.dataset.timerBound) return;
    timer.dataset.timerBound = "1";
    if (timer.dataset.state !== "running") return;
    var steps = JSON.parse(timer.dataset.steps || "[]");
    var base = Number(timer.dataset.elapsed) || 0;
    var loadedAt = Date.now();
    var clock = timer.querySelector("[data-clock-elapsed]");
    var announce = timer.querySelector("[data-clock-announce]");
    var items = timer.querySelectorAll("[data-step]");
    var over = timer.querySelector("[data-clock-over]");
    var total = steps.reduce(function (sum, step) { return sum + step.seconds; }, 0);
    var shown = -1;
    var overAnnounced = timer.classList.contains("overtime");

    function tick() {
      if (!document.body.contains(timer)) return clearInterval(interval);
      var elapsed = base + (Date.now() - loadedAt) / 1000;
      clock.textContent = format(elapsed);
      var index = currentStep(steps, elapsed);
      if (index !== shown) {
        items.forEach(function (item, i) {
          item.classList.toggle("current", i === index);
          if (i === index) item.setAttribute("aria-current", "step");
          else item.removeAttribute("aria-current");
        });
        if (shown !== -1 && steps[index] && steps[shown]) {
          announce.textContent = "Time is up for " + steps[shown].label + ". Now: " +
            steps[index].label + ".";
        }
        shown = index;
      }
      if (total && elapsed >= total) {
        timer.classList.add("overtime");
        over.textContent = "Time is up: " + format(elapsed - total) + " over.";
        if (!overAnnounced) {
          announce.textContent = timer.dataset.overMessage || "Time is up for the whole round.";
          overAnnounced = true;
        }
      }
    }
    var interval = setInterval(tick, 1000);
    tick();
  }

  function init(root) {
    root.querySelectorAll("[data-timer]").forEach(start);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target.parentNode || document); });
})();
