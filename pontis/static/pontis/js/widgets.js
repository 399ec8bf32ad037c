// Form widgets, as progressive enhancements: every form works without this file.
// - select[data-picker]: a searchable picker (Tom Select, served from our static files as vendor/tom-select).
// - [data-translated]: a text in several languages shows one input, in the language the author writes in, and
//   "Add a translation" reveals another language's input (without JavaScript every language's input shows).
// - The browser's time zone is told to the server once (cookie pontis_tz), for people who have not chosen one.
(function () {
  "use strict";

  if (window.Intl && document.cookie.split("; ").every(function (c) { return c.indexOf("pontis_tz=") !== 0; })) {
    try {
      var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (zone && /^[A-Za-z0-9_+\-\/]+$/.test(zone)) {
        document.cookie = "pontis_tz=" + zone + "; path=/; max-age=31536000; samesite=lax";
      }
    } catch (e) { /* no zone: the site's zone is used */ }
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function pickers(root) {
    if (typeof window.TomSelect === "undefined") return;
    root.querySelectorAll("select[data-picker]").forEach(function (select) {
      if (select.tomselect) return;
      var multiple = select.multiple;
      var empty = select.dataset.pickerEmpty || "";
      var settings = {
        maxOptions: null,            // every option can be reached by scrolling, not only the first 50
        allowEmptyOption: !multiple, // "Any country" stays a choice in filters
        hidePlaceholder: false,
        closeAfterSelect: !multiple,
        plugins: {},
        render: {
          // Inside the listbox, so an option (disabled) for screen readers; it says that nothing matches.
          no_results: function () {
            return '<div class="no-results" role="option" aria-disabled="true">' + escapeHtml(empty) + "</div>";
          }
        }
      };
      if (multiple) {
        settings.plugins.remove_button = { title: select.dataset.pickerRemove || "" };
      }
      new window.TomSelect(select, settings);
      // The original select stays in the page (it is what the form posts) but the picker's own combobox, which
      // takes over its label, is what people and screen readers use.
      select.setAttribute("aria-hidden", "true");
    });
  }

  function translated(root) {
    root.querySelectorAll("[data-translated]").forEach(function (box) {
      if (box.dataset.ready === "1") return;
      box.dataset.ready = "1";
      var rows = Array.prototype.slice.call(box.querySelectorAll(".lang-input[data-lang]"));
      if (!rows.length) return;
      var input = function (row) { return row.querySelector("input, textarea"); };
      var rowFor = function (code) { return rows.filter(function (r) { return r.dataset.lang === code; })[0]; };
      var filled = rows.filter(function (r) { return input(r).value.trim() !== ""; });
      var written = box.querySelector("[data-translated-written]");
      var writtenSelect = written.querySelector("select");
      var adder = box.querySelector("[data-translated-add]");
      var addSelect = adder.querySelector("select");
      var addButton = adder.querySelector("button");
      var names = {};
      Array.prototype.forEach.call(addSelect.options, function (o) { names[o.value] = o.textContent; });
      var primary = filled.length ? null : (rowFor(box.dataset.activeLang) || rows[0]);
      var shown = filled.length ? filled : [primary];

      function refresh() {
        rows.forEach(function (r) { r.hidden = shown.indexOf(r) === -1; });
        // The new text's own label is the "written in" choice; other inputs keep their language's label.
        if (primary) primary.querySelector("label").classList.toggle("visually-hidden", !written.hidden);
        var missing = rows.filter(function (r) { return shown.indexOf(r) === -1; });
        addSelect.innerHTML = "";
        missing.forEach(function (r) {
          var option = document.createElement("option");
          option.value = r.dataset.lang;
          option.lang = r.dataset.lang;
          option.textContent = names[r.dataset.lang] || r.dataset.lang;
          addSelect.appendChild(option);
        });
        adder.hidden = missing.length === 0;
        Array.prototype.forEach.call(writtenSelect.options, function (o) {
          var row = rowFor(o.value);
          o.disabled = row !== primary && shown.indexOf(row) !== -1;
        });
      }

      if (primary) {
        written.hidden = false;
        writtenSelect.value = primary.dataset.lang;
        writtenSelect.addEventListener("change", function () {
          var target = rowFor(writtenSelect.value);
          if (!target || target === primary) return;
          // The text moves to the chosen language's input: it is stored under the language it is written in.
          input(target).value = input(primary).value;
          input(primary).value = "";
          shown[shown.indexOf(primary)] = target;
          primary.querySelector("label").classList.remove("visually-hidden");
          primary = target;
          refresh();
        });
      }
      addButton.addEventListener("click", function () {
        var row = rowFor(addSelect.value);
        if (!row || shown.indexOf(row) !== -1) return;
        shown.push(row);
        refresh();
        input(row).focus();
      });
      refresh();
    });
  }

  function enhance(root) {
    pickers(root);
    translated(root);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  // A row that "add another" (pontis.js) copies from a <template> is enhanced once it is on the page.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("button[data-formset-add]")) {
      setTimeout(function () { enhance(document); }, 0);
    }
  });
  // Fragments that htmx swaps in (the fiche editor's rows, filters) are enhanced too.
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
