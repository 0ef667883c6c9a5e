/*
 * Kypseli: the page behaviour that used to sit in inline handlers, so the Content-Security-Policy
 * can forbid inline script (script-src 'self'). Plain event delegation, no build step:
 *   <button type="button" data-print>   prints the page
 *   <a href="/" data-back>              goes back one page (the link's own address without JavaScript)
 */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    if (target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
      return;
    }
    if (target.closest("[data-back]") && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
