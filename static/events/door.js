/* The event door: after each answer of the scan station, refresh the list and figures at once
   (they also refresh every 10 s for check-ins at other doors). htmx arrives after the station is
   ready to scan (core/scan_assets.html), so it is looked up when an answer comes, not at start. */
(function () {
  "use strict";
  function watch() {
    const result = document.querySelector("[data-scan-result]");
    const list = document.getElementById("door-list");
    if (!result || !list) return;
    new MutationObserver(() => {
      if (window.htmx && result.dataset.level && result.dataset.level !== "pending") window.htmx.trigger(list, "refresh");
    }).observe(result, { childList: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
