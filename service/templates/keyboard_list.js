// Keyboard selection shared by the review queue and the evaluation page. gdprepKeyboardList(items, pendingAttr,
// onKey): j/k move the selection among `items`, a click selects one, and the item the URL's #hash names (else the
// first without `pendingAttr`) starts selected; any other key goes to onKey(key, selected item), which returns
// false when it did nothing. Nothing fires while typing in a field; Esc leaves the field.
window.gdprepKeyboardList = (function () {
  "use strict";

  function typing(el) {
    if (!el || !el.tagName) { return false; }
    var tag = el.tagName.toUpperCase();
    return el.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  function list(items, pendingAttr, onKey) {
    if (!items.length) { return; }
    var current = -1;

    function select(index, scroll) {
      if (index < 0 || index >= items.length) { return; }
      if (current >= 0) {
        items[current].classList.remove("selected");
        items[current].setAttribute("aria-selected", "false");
      }
      current = index;
      items[current].classList.add("selected");
      items[current].setAttribute("aria-selected", "true");
      if (scroll) { items[current].scrollIntoView({block: "nearest"}); }
    }

    function initial() {
      if (window.location.hash) {
        for (var i = 0; i < items.length; i++) {
          if ("#" + items[i].id === window.location.hash) { return i; }
        }
      }
      for (var j = 0; j < items.length; j++) {
        if (!items[j].getAttribute(pendingAttr)) { return j; }
      }
      return 0;
    }

    items.forEach(function (item, index) {
      item.addEventListener("click", function () { select(index, false); });
    });
    select(initial(), true);

    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && typing(event.target)) { event.target.blur(); return; }
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) { return; }
      var handled = true;
      switch (event.key) {
        case "j": select(current + 1, true); break;
        case "k": select(current - 1, true); break;
        default: handled = onKey(event.key, items[current]) !== false;
      }
      if (handled) { event.preventDefault(); }
    });
  }

  // press the item's submit button named `name` with `value` (false when it has none: read-only roles)
  list.submit = function (item, name, value) {
    var button = item.querySelector('button[name="' + name + '"][value="' + value + '"]');
    if (!button) { return false; }
    if (button.form.requestSubmit) { button.form.requestSubmit(button); } else { button.click(); }
    return true;
  };

  // focus the item's field matching `selector` (false when it has none)
  list.focus = function (item, selector) {
    var field = item.querySelector(selector);
    if (!field) { return false; }
    field.focus();
    return true;
  };

  return list;
})();
