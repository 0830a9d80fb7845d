// The plan page: after an activity is added through htmx, bring it into view and give it focus.
// Everything works without this file; it only saves the companion a scroll on a small screen.
(function () {
  "use strict";
  function showAdded() {
    var added = document.querySelector("[data-just-added]");
    if (added) {
      added.scrollIntoView({ block: "center" });
      added.focus({ preventScroll: true });
    }
  }
  document.addEventListener("htmx:afterSettle", showAdded);
})();
