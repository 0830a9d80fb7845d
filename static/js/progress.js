// Monthly progress: saved/unsaved state per activity card, and htmx answers that carry a card.
// Progressive enhancement only: without JS each card is a plain form that posts and redirects back.
(function () {
  "use strict";

  var UNSAVED_SELECTOR = ".progress-card.dirty, .progress-card.state-invalid, .progress-card.state-conflict";

  function cardOf(element) {
    return element && element.closest ? element.closest(".progress-card") : null;
  }

  function markDirty(event) {
    var form = event.target.closest && event.target.closest(".progress-form");
    var card = cardOf(form);
    if (!card || card.classList.contains("dirty")) {
      return;
    }
    card.classList.add("dirty");
    var state = form.querySelector(".save-state");
    if (state) {
      var note = document.createElement("span");
      note.className = "text-warning-emphasis fw-semibold";
      note.textContent = "● " + state.getAttribute("data-unsaved");
      state.replaceChildren(note);
    }
  }

  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);

  // Leaving the page with typed but unsaved text asks first.
  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector(UNSAVED_SELECTOR)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // A plain (non-htmx) submit leaves the page on purpose.
  document.addEventListener("submit", function (event) {
    var card = cardOf(event.target);
    if (card && !window.htmx) {
      card.classList.remove("dirty", "state-invalid", "state-conflict");
    }
  });

  // The server answers a refused, conflicting or invalid save with the card and 403/409/422;
  // htmx does not swap 4xx answers unless told to.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ((status === 403 || status === 409 || status === 422) && cardOf(event.detail.target)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // A network failure keeps the card as it is and says so.
  document.addEventListener("htmx:sendError", function (event) {
    var card = cardOf(event.detail.elt);
    var state = card && card.querySelector(".save-state");
    if (state) {
      var note = document.createElement("span");
      note.className = "text-danger fw-semibold";
      note.textContent = "● " + state.getAttribute("data-offline");
      state.replaceChildren(note);
    }
  });
})();
