// Keyboard shortcuts for the review queue: j/k move the selection, c confirms and r rejects the selected
// finding, m focuses its comment box and v its reason-to-reveal box. Nothing fires while typing in a field; Esc leaves the field.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.review-item"));
  if (!rows.length) { return; }
  var current = -1;

  function select(index, scroll) {
    if (index < 0 || index >= rows.length) { return; }
    if (current >= 0) {
      rows[current].classList.remove("selected");
      rows[current].setAttribute("aria-selected", "false");
    }
    current = index;
    rows[current].classList.add("selected");
    rows[current].setAttribute("aria-selected", "true");
    if (scroll) { rows[current].scrollIntoView({block: "nearest"}); }
  }

  function initial() {
    if (window.location.hash) {
      for (var i = 0; i < rows.length; i++) {
        if ("#" + rows[i].id === window.location.hash) { return i; }
      }
    }
    for (var j = 0; j < rows.length; j++) {
      if (!rows[j].getAttribute("data-decision")) { return j; }
    }
    return 0;
  }

  function typing(el) {
    if (!el || !el.tagName) { return false; }
    var tag = el.tagName.toUpperCase();
    return el.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function submit(decision) {
    var button = rows[current].querySelector('button[name="decision"][value="' + decision + '"]');
    if (!button) { return false; }  // read-only roles have no buttons
    if (button.form.requestSubmit) { button.form.requestSubmit(button); } else { button.click(); }
    return true;
  }

  rows.forEach(function (row, index) {
    row.addEventListener("click", function () { select(index, false); });
  });
  select(initial(), true);

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    var handled = true;
    switch (event.key) {
      case "j": select(current + 1, true); break;
      case "k": select(current - 1, true); break;
      case "c": handled = submit("confirm"); break;
      case "r": handled = submit("reject"); break;
      case "m":
      case "v":
        var box = rows[current].querySelector(event.key === "m" ? 'input[name="comment"]' : 'input[name="reason"]');
        if (box) { box.focus(); } else { handled = false; }
        break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  });
})();
