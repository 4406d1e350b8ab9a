// Keyboard shortcuts for the review queue (on keyboard_list.js): j/k move the selection, c confirms and r rejects
// the selected finding, m focuses its comment box and v its reason-to-reveal box.
(function () {
  "use strict";
  var list = window.gdprepKeyboardList;
  list(Array.prototype.slice.call(document.querySelectorAll("tr.review-item")), "data-decision", function (key, row) {
    switch (key) {
      case "c": return list.submit(row, "decision", "confirm");
      case "r": return list.submit(row, "decision", "reject");
      case "m": return list.focus(row, 'input[name="comment"]');
      case "v": return list.focus(row, 'input[name="reason"]');
      default: return false;
    }
  });
})();
