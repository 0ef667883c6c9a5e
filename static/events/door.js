/* The event door: after each answer of the scan station, refresh the list and figures at once
   (they also refresh every 10 s for check-ins at other doors). */
(function () {
  "use strict";
  function watch() {
    const result = document.querySelector("[data-scan-result]");
    const list = document.getElementById("door-list");
    if (!result || !list || !window.htmx) return;
    new MutationObserver(() => window.htmx.trigger(list, "refresh")).observe(result, { childList: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", watch);
  else watch();
})();
