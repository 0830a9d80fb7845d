// RKT Pendampingan: progressive enhancement only; every page works without it.
(function () {
  "use strict";
  // htmx only enhances forms that work without it, so it is fetched after the page has loaded: on a slow
  // connection its 16 KB no longer compete with the stylesheet for the first paint.
  function loadHtmx() {
    var script = document.createElement("script");
    script.src = document.body.getAttribute("data-htmx-src");
    document.head.appendChild(script);
  }
  if (document.readyState === "complete") {
    loadHtmx();
  } else {
    window.addEventListener("load", loadHtmx);
  }
  // Confirm dangerous actions declared with data-confirm (no inline handlers: CSP-friendly).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  // The phone menu: the only Bootstrap behaviour the app needs, so Bootstrap's 80 KB script is not loaded.
  document.addEventListener("click", function (event) {
    var toggler = event.target.closest("[data-nav-toggle]");
    if (!toggler) {
      return;
    }
    var menu = document.getElementById(toggler.getAttribute("aria-controls"));
    var open = menu.classList.toggle("show");
    toggler.setAttribute("aria-expanded", open ? "true" : "false");
  });
  // An invalid form comes back with 422 and its messages, the server naming where it goes (HX-Retarget):
  // htmx does not swap 4xx answers unless told to.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status === 422 && xhr.getResponseHeader("HX-Retarget")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
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
