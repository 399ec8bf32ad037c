// The fiche editor: "Add an activity" adds a row at once and "Remove this activity" removes it, before saving.
// Without JavaScript both buttons save the draft and come back with the row added or removed.
document.addEventListener("DOMContentLoaded", function () {
  var rows = document.querySelector("[data-fiche-rows]");
  var template = document.getElementById("fiche-row-template");
  var count = document.querySelector("[data-fiche-count]");
  var add = document.querySelector("[data-fiche-add]");
  if (!rows || !template || !count) return;
  var max = parseInt(rows.dataset.max || "30", 10);
  var number = function () {
    rows.querySelectorAll("[data-fiche-row]").forEach(function (row, k) {
      var legend = row.querySelector("legend[data-label]");
      if (legend) legend.textContent = legend.dataset.label.replace("__n__", String(k + 1));
    });
    if (add) add.hidden = rows.querySelectorAll("[data-fiche-row]").length >= max;
  };
  var wire = function (row) {
    var remove = row.querySelector("[data-fiche-remove]");
    if (!remove) return;
    remove.addEventListener("click", function (event) {
      event.preventDefault();
      var next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      number();
      var target = next ? next.querySelector("select, input") : add;
      if (target) target.focus();
    });
  };
  rows.querySelectorAll("[data-fiche-row]").forEach(wire);
  if (add) {
    add.addEventListener("click", function (event) {
      event.preventDefault();
      if (rows.querySelectorAll("[data-fiche-row]").length >= max) return;
      var index = parseInt(count.value, 10) || 0;  // indexes only grow: a removed row's index is never reused
      rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
      count.value = String(index + 1);
      var row = rows.lastElementChild;
      wire(row);
      number();
      var first = row.querySelector("select, input");
      if (first) first.focus();
    });
  }
});
