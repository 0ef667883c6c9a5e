/* Scan station page: the fallback search records a collection with the card number, after the
 * volunteer checked an ID (and, for an authorised collector, who collects). It reuses the shared
 * widget (static/js/scan-station.js) so the answer, sound and retries are the same as a scan. */
(function () {
  "use strict";
  document.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-record]");
    if (!button) return;
    const root = document.querySelector("[data-scan-station]");
    const station = root && root.scanStation;
    if (!station) return;
    const saved = station.extra;
    station.extra = Object.assign({}, saved, { id_checked: true },
      button.dataset.collector ? { collector: Number(button.dataset.collector) } : {});
    try {
      await station.scan(button.dataset.code);
    } finally {
      station.extra = saved;
    }
    const results = document.getElementById("station-results");
    if (results) results.replaceChildren();
    const search = document.getElementById("station-search-q");
    if (search) search.value = "";
    station.focus();
  });
})();
