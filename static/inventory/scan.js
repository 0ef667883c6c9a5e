// Scan-driven entry (donations, stock-takes). A USB barcode scanner "types" the code and presses
// Enter, which submits the scan form; the page answers with the item's line form and htmx swaps it
// in. Here we only make sure the right field has the focus after each swap, so the next scan or
// the quantity can be typed at once without touching the mouse.
(function () {
  function focusEntry(root) {
    var target = (root || document).querySelector("[data-entry] [autofocus]");
    if (target && document.activeElement !== target) {
      target.focus();
      if (target.select) { target.select(); }
    }
  }
  document.addEventListener("htmx:afterSettle", function (event) { focusEntry(document); });
  document.addEventListener("DOMContentLoaded", function () { focusEntry(document); });
})();
