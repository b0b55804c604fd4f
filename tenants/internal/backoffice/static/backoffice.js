// Progressive enhancement only: every page works without this file.
// "Thêm dòng" buttons clone the last row of a table of officials.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button[data-add-row]").forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var body = document.getElementById(btn.getAttribute("data-add-row"));
      if (!body || !body.lastElementChild) { return; }
      var row = body.lastElementChild.cloneNode(true);
      var n = body.children.length;
      row.querySelectorAll("input").forEach(function (input) {
        input.value = "";
        input.name = input.name.replace(/\d+$/, String(n));
        input.id = input.id.replace(/\d+$/, String(n));
      });
      row.querySelectorAll("label").forEach(function (label) {
        label.htmlFor = label.htmlFor.replace(/\d+$/, String(n));
      });
      body.appendChild(row);
      var first = row.querySelector("input");
      if (first) { first.focus(); }
    });
  });
});
