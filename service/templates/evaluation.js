// Keyboard shortcuts for rating blind pairs (on keyboard_list.js): j/k move the selection, a/b choose an answer,
// t a tie, m focuses the comment and e the corrected answer.
(function () {
  "use strict";
  var list = window.gdprepKeyboardList;
  list(Array.prototype.slice.call(document.querySelectorAll("article.pair")), "data-choice", function (key, pair) {
    switch (key) {
      case "a": return list.submit(pair, "choice", "A");
      case "b": return list.submit(pair, "choice", "B");
      case "t": return list.submit(pair, "choice", "tie");
      case "m": return list.focus(pair, 'input[name="comment"]');
      case "e": return list.focus(pair, 'textarea[name="correction"]');
      default: return false;
    }
  });
})();
