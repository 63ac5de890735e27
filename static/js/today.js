// After a tick or a rating re-renders Today's panels, the control that was clicked is gone:
// put keyboard focus on the heading of today's plan instead of losing it to the page.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.target.id !== "today-panels") return;
  const heading = document.getElementById("plan-today-title");
  if (heading) heading.focus({ preventScroll: true });
});
