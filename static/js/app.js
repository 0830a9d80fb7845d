// RKT Pendampingan: progressive enhancement only; every page works without it.
(function () {
  "use strict";
  // Confirm dangerous actions declared with data-confirm (no inline handlers: CSP-friendly).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // The plan page: after htmx adds an activity, bring the new card into view (it has data-just-added).
  document.addEventListener("htmx:afterSettle", function () {
    var added = document.querySelector("[data-just-added]");
    if (added) {
      added.scrollIntoView({ block: "center" });
      added.focus({ preventScroll: true });
    }
  });
})();
