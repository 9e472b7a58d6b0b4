// "Add a row" on the pages that edit a list of rows (templates/portal/_rows.html): the formset's
// empty row is copied into the page, so any number of rows are saved with one "Save". Without
// JavaScript the same button posts the form and the server shows it again with one more row
// (portal.editing.bind_rows).
(function () {
  "use strict";
  if (window.portalFormsetRows) {
    return;
  }
  window.portalFormsetRows = true;

  function addRow(container) {
    var prefix = container.getAttribute("data-formset");
    var total = container.querySelector('input[name="' + prefix + '-TOTAL_FORMS"]');
    var template = container.querySelector("template[data-formset-empty]");
    var rows = container.querySelector("[data-formset-rows]");
    if (!total || !template || !rows) {
      return false;
    }
    var index = parseInt(total.value, 10) || 0;
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
    total.value = String(index + 1);
    var field = rows.lastElementChild.querySelector("input:not([type=hidden]), select, textarea");
    if (field) {
      field.focus();
    }
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-formset-add]");
    if (!button) {
      return;
    }
    var container = document.querySelector('[data-formset="' + CSS.escape(button.value) + '"]');
    if (container && addRow(container)) {
      event.preventDefault();
    }
  });
})();
