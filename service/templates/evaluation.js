// Keyboard shortcuts for rating blind pairs: j/k move the selection, a/b choose an answer, t a tie, m focuses
// the comment and e the corrected answer. Nothing fires while typing in a field; Esc leaves the field.
(function () {
  "use strict";
  var pairs = Array.prototype.slice.call(document.querySelectorAll("article.pair"));
  if (!pairs.length) { return; }
  var current = -1;

  function select(index, scroll) {
    if (index < 0 || index >= pairs.length) { return; }
    if (current >= 0) {
      pairs[current].classList.remove("selected");
      pairs[current].setAttribute("aria-selected", "false");
    }
    current = index;
    pairs[current].classList.add("selected");
    pairs[current].setAttribute("aria-selected", "true");
    if (scroll) { pairs[current].scrollIntoView({block: "nearest"}); }
  }

  function initial() {
    if (window.location.hash) {
      for (var i = 0; i < pairs.length; i++) {
        if ("#" + pairs[i].id === window.location.hash) { return i; }
      }
    }
    for (var j = 0; j < pairs.length; j++) {
      if (!pairs[j].getAttribute("data-choice")) { return j; }
    }
    return 0;
  }

  function typing(el) {
    if (!el || !el.tagName) { return false; }
    var tag = el.tagName.toUpperCase();
    return el.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function submit(choice) {
    var button = pairs[current].querySelector('button[name="choice"][value="' + choice + '"]');
    if (!button) { return false; }
    if (button.form.requestSubmit) { button.form.requestSubmit(button); } else { button.click(); }
    return true;
  }

  function focus(selector) {
    var field = pairs[current].querySelector(selector);
    if (!field) { return false; }
    field.focus();
    return true;
  }

  pairs.forEach(function (pair, index) {
    pair.addEventListener("click", function () { select(index, false); });
  });
  select(initial(), true);

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
    var handled = true;
    switch (event.key) {
      case "j": select(current + 1, true); break;
      case "k": select(current - 1, true); break;
      case "a": handled = submit("A"); break;
      case "b": handled = submit("B"); break;
      case "t": handled = submit("tie"); break;
      case "m": handled = focus('input[name="comment"]'); break;
      case "e": handled = focus('textarea[name="correction"]'); break;
      default: handled = false;
    }
    if (handled) { event.preventDefault(); }
  });
})();
