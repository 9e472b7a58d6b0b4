// What every page's frame does in the browser (loaded by base.html; no inline script, CSP-safe).
//
// On a narrow screen a data table that does not fit scrolls sideways within itself (portal.css).
// Such a table takes keyboard focus, so that it can be scrolled without a mouse (WCAG 2.1.1); it is
// announced by its caption. A table that fits is no tab stop.
(function () {
  "use strict";

  function markScrollingTables() {
    for (const table of document.querySelectorAll("main table")) {
      const scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        table.dataset.scrollFocus = "true";
      } else if (!scrolls && table.dataset.scrollFocus) {
        table.removeAttribute("tabindex");
        delete table.dataset.scrollFocus;
      }
    }
  }

  let pending = null;
  function later() {
    if (pending === null) {
      pending = window.requestAnimationFrame(function () {
        pending = null;
        markScrollingTables();
      });
    }
  }

  document.addEventListener("DOMContentLoaded", markScrollingTables);
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", later);
})();
