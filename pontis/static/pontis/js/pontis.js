// Small progressive enhancements; every page works without JavaScript.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  // Error summary: focused on load so a screen reader reads it first; its links move focus to the field.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var input = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!input) return;
      event.preventDefault();
      var label = document.querySelector("label[for='" + input.id + "']") || input.closest("fieldset");
      (label || input).scrollIntoView();
      input.focus({ preventScroll: true });
    });
  }
  var toggle = document.querySelector(".menu-toggle");
  var nav = document.getElementById("main-nav");
  if (toggle && nav) {
    toggle.hidden = false;
    nav.classList.add("is-collapsed");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", String(!open));
      nav.classList.toggle("is-collapsed", open);
    });
  }
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    var button = select.form.querySelector("button[type=submit]");
    if (button) button.classList.add("visually-hidden");
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Formsets: "add another" clones the empty row (Django's empty_form) and counts it in TOTAL_FORMS.
  document.querySelectorAll("button[data-formset-add]").forEach(function (button) {
    var prefix = button.dataset.formsetAdd;
    var rows = document.querySelector("[data-formset-rows='" + prefix + "']");
    var template = document.getElementById(prefix + "-empty-row");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    if (!rows || !template || !total) return;
    var limit = max ? parseInt(max.value, 10) : 1000;
    var refresh = function () { button.hidden = parseInt(total.value, 10) >= limit; };
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (index >= limit) return;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var added = rows.lastElementChild && rows.lastElementChild.querySelector("select, input");
      if (added) added.focus();
      refresh();
    });
    refresh();
  });
  // A form submits once: a second click while the first is in flight does nothing.
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitting === "1") { event.preventDefault(); return; }
      form.dataset.submitting = "1";
      setTimeout(function () { form.dataset.submitting = "0"; }, 4000);
    });
  });
});
