/*
 * Kypseli: the page behaviour that used to sit in inline handlers, so the Content-Security-Policy
 * can forbid inline script (script-src 'self'). Plain event delegation, no build step:
 *   <button type="button" data-print>   prints the page
 *   <a href="/" data-back>              goes back one page (the link's own address without JavaScript)
 * and where the focus goes: a form that comes back with errors (a page, or an htmx fragment that held the focus)
 * puts it on the first field in error, or on the error message when no field is marked; an htmx swap that
 * removed the control that had the focus puts it at the start of the new content, not back at the page's top.
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
    // The skip link moves the focus to the content without leaving #main in the address (a form without an
    // action would carry it on, and the page it answers with would put the focus back on the content).
    const skip = target.closest("a.skip-link[href='#main']");
    if (skip && document.getElementById("main")) {
      event.preventDefault();
      document.getElementById("main").focus();
      return;
    }
    if (target.closest("[data-back]") && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });

  function focusable(el) {
    if (!el.matches("a[href], button, input, select, textarea, summary, [tabindex]")) el.setAttribute("tabindex", "-1");
    el.focus();
    return true;
  }

  function focusFirstError(root) {
    const field = root.querySelector('[aria-invalid="true"]:not([type="hidden"])');
    if (field) return focusable(field);
    const message = root.querySelector("form .errorlist, form [role=alert]");
    return message ? focusable(message) : false;
  }

  const main = document.getElementById("main");
  const lost = () => !document.activeElement || document.activeElement === document.body;
  // A field the page focuses itself (autofocus: the sign-in form, scan stations) keeps the focus. Again once
  // loaded: an address ending in #main moves the focus to the content after this runs.
  const onLoad = () => {
    if (main && !document.querySelector("[autofocus]") && (lost() || document.activeElement === main)) {
      focusFirstError(main);
    }
  };
  onLoad();
  window.addEventListener("load", () => setTimeout(onLoad, 0));

  let hadFocus = false;
  document.addEventListener("htmx:beforeSwap", function (event) {
    const target = event.detail.target;
    hadFocus = Boolean(target && target.contains(document.activeElement) && document.activeElement !== target);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    const target = event.detail.target;
    if (!hadFocus || !target || !target.isConnected) return;
    hadFocus = false;
    if (focusFirstError(target) || !lost()) return;
    focusable(target.querySelector("h1, h2, h3, legend") || target);
  });
})();
