// The question's character counter (feedback.html): the textarea's
// maxlength and the server's check work without it; this shows how many
// characters are left as the visitor types.
(function () {
  var boxes = document.querySelectorAll("textarea[data-counter]");
  Array.prototype.forEach.call(boxes, function (box) {
    var out = document.getElementById(box.getAttribute("data-counter"));
    var text = box.getAttribute("data-counter-text") || "%d";
    var max = parseInt(box.getAttribute("maxlength"), 10);
    if (!out || !max) { return; }
    var timer;
    function update() {
      var used = Array.from(box.value.replace(/\r\n/g, "\n")).length;
      out.textContent = text.replace("%d", String(Math.max(0, max - used)));
    }
    box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(update, 300); });
    update();
  });
})();
