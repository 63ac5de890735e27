// Preselect the browser's time zone in a time zone menu that still says UTC, so a new
// candidate's day starts at their midnight without hunting through 600 names. Without
// JavaScript the menu simply stays as it is.
document.addEventListener("DOMContentLoaded", () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const select of document.querySelectorAll("select[data-detect-time-zone]")) {
    if (select.value !== "UTC" || !zone) continue;
    const option = Array.from(select.options).find((o) => o.value === zone);
    if (option) select.value = zone;
  }
});
