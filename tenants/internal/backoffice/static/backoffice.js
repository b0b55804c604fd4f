// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // "Thêm dòng" buttons add a blank row to a table (officials, relations,
  // schedule entries) by copying its last row, numbered next; without the
  // script, the "more rows" submit button, hidden here, does it.
  document.querySelectorAll("button[data-add-row]").forEach(function (btn) {
    var table = btn.getAttribute("data-add-row");
    var body = document.getElementById(table);
    if (!body || !body.lastElementChild) { return; }
    btn.hidden = false;
    document.querySelectorAll('button[data-rows-submit="' + table + '"]').forEach(function (b) { b.hidden = true; });
    btn.addEventListener("click", function () {
      var row = body.lastElementChild.cloneNode(true);
      var n = String(body.children.length);
      var renumber = function (s) { return s.replace(/_\d+_/, "_" + n + "_"); };
      row.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
      row.querySelectorAll(".has-error").forEach(function (td) { td.classList.remove("has-error"); });
      row.querySelectorAll("input, select, textarea").forEach(function (input) {
        if (input.tagName === "SELECT") { input.selectedIndex = 0; } else { input.value = ""; }
        input.name = renumber(input.name);
        input.id = renumber(input.id);
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      });
      row.querySelectorAll("label").forEach(function (label) {
        label.htmlFor = renumber(label.htmlFor);
        label.textContent = label.textContent.replace(/\d+(?!.*\d)/, String(body.children.length + 1));
      });
      body.appendChild(row);
      var first = row.querySelector("input, select");
      if (first) { first.focus(); }
    });
  });

  // Files over the limit are named before the form is sent, not after a
  // long upload the server refuses (it checks again in any case).
  var fileInputs = document.querySelectorAll("input[type=file][data-max-bytes]");
  function checkFile(input) {
    var max = Number(input.getAttribute("data-max-bytes"));
    var big = [];
    Array.prototype.forEach.call(input.files || [], function (f) {
      if (max > 0 && f.size > max) { big.push(f.name); }
    });
    var out = document.getElementById(input.id + "-size-error");
    if (!out) {
      out = document.createElement("p");
      out.id = input.id + "-size-error";
      out.className = "field-error";
      out.setAttribute("aria-live", "polite");
      out.hidden = true;
      input.parentNode.insertBefore(out, input);
    }
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
      return id && id !== out.id;
    });
    if (big.length > 0) {
      out.textContent = (input.getAttribute("data-too-large") || "").replace("%s", big.join(", "));
      out.hidden = false;
      described.unshift(out.id);
      input.setAttribute("aria-invalid", "true");
    } else {
      out.textContent = "";
      out.hidden = true;
      if (input.getAttribute("data-size-invalid")) { input.removeAttribute("aria-invalid"); }
    }
    input.setAttribute("aria-describedby", described.join(" "));
    if (big.length > 0) { input.setAttribute("data-size-invalid", "1"); } else { input.removeAttribute("data-size-invalid"); }
    return big.length === 0;
  }
  function checkForm(form) {
    var ok = true, total = 0, maxTotal = 0, last = null;
    Array.prototype.forEach.call(form.querySelectorAll("input[type=file][data-max-bytes]"), function (input) {
      if (!checkFile(input) && ok) { ok = false; input.focus(); }
      Array.prototype.forEach.call(input.files || [], function (f) { total += f.size; });
      maxTotal = Number(input.getAttribute("data-max-total")) || maxTotal;
      last = input;
    });
    if (ok && last && maxTotal > 0 && total > maxTotal) {
      var out = document.getElementById(last.id + "-size-error");
      out.textContent = last.getAttribute("data-total-too-large") || "";
      out.hidden = false;
      last.focus();
      ok = false;
    }
    return ok;
  }
  fileInputs.forEach(function (input) {
    input.addEventListener("change", function () { checkFile(input); });
  });
  var forms = [];
  fileInputs.forEach(function (input) {
    if (input.form && forms.indexOf(input.form) < 0) { forms.push(input.form); }
  });
  forms.forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!checkForm(form)) { e.preventDefault(); }
    });
  });
});
