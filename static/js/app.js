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
  // Tables wider than the screen (the completeness grid, the heat-map, the tables per area): the line
  // above a table shows while it overflows, and a shade marks each side with more to see.
  function markScroll(frame) {
    var scroller = frame.querySelector(".table-scroll");
    var cue = frame.previousElementSibling;
    var overflow = scroller.scrollWidth - scroller.clientWidth;
    var sticky = scroller.querySelector("tbody tr > :first-child");
    frame.style.setProperty("--scroll-fixed", sticky ? sticky.offsetWidth + "px" : "0px");
    frame.classList.toggle("more-left", overflow > 1 && scroller.scrollLeft > 1);
    frame.classList.toggle("more-right", overflow > 1 && scroller.scrollLeft < overflow - 1);
    if (cue && cue.classList.contains("scroll-cue")) {
      cue.hidden = overflow <= 1;
    }
  }
  var frames = Array.prototype.slice.call(document.querySelectorAll(".scroll-frame"));
  frames.forEach(function (frame) {
    markScroll(frame);
    frame.querySelector(".table-scroll").addEventListener("scroll", function () {
      markScroll(frame);
    }, { passive: true });
  });
  window.addEventListener("resize", function () {
    frames.forEach(markScroll);
  });
})();
