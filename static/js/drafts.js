// Local drafts: what is typed into a form marked data-draft-key="..." is kept in this browser until the
// server has it, so a dropped connection or a reload loses nothing.
//   data-draft-key       where the draft is kept (one per form, e.g. "progress:12:3:45")
//   data-draft-base      what the server holds now (e.g. the entry's version); a draft made on another
//                        base is stale, because a save reached the server since, and is dropped
//   data-draft-restored  the notice shown when a draft is put back into the form
//   data-draft-dropped   the notice shown when some of a draft cannot be put back (too long for the field now,
//                        a choice no longer offered): that part is left out, never shown as restored
// Hidden fields (the CSRF token, the version), passwords and files are never kept.
(function () {
  "use strict";

  var PREFIX = "rkt-draft:";
  var SELECTOR = "form[data-draft-key]";

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null; // storage disabled: the form still works, only without drafts
    }
  }

  function keyOf(form) {
    return PREFIX + form.getAttribute("data-draft-key");
  }

  var SKIPPED = ["hidden", "file", "submit", "button", "reset", "password"];

  function kept(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && !field.disabled && SKIPPED.indexOf(field.type) === -1;
    });
  }

  // A box is kept as ticked or not under its name and value; other fields as their text.
  function isBox(field) {
    return field.type === "checkbox" || field.type === "radio";
  }

  function slot(field) {
    return isBox(field) ? field.name + "=" + field.value : field.name;
  }

  function valueOf(field) {
    return isBox(field) ? field.checked : field.value;
  }

  // Whether the field can hold the value as it is: a text longer than the field's maxlength (kept from a page
  // that allowed more), a choice the list no longer offers or a value the input type would clean away is not.
  function fits(field, value) {
    if (isBox(field)) {
      return typeof value === "boolean";
    }
    if (typeof value !== "string") {
      return false;
    }
    var limit = field.getAttribute("maxlength");
    if (limit !== null && limit !== "" && value.length > Number(limit)) {
      return false;
    }
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (option) {
        return option.value === value && !option.disabled;
      });
    }
    return true;
  }

  // Puts the value back and says whether the field now holds it; if it does not, the field keeps what it had.
  function put(field, value) {
    if (isBox(field)) {
      field.checked = value;
      return true;
    }
    var before = field.value;
    field.value = value;
    if (field.value === value) {
      return true;
    }
    field.value = before;
    return false;
  }

  function notify(form, className, text) {
    if (!text) {
      return;
    }
    var old = form.querySelector(":scope > ." + className);
    if (old) {
      old.remove();
    }
    var note = document.createElement("p");
    note.className = className + " small text-warning-emphasis fw-semibold mb-2";
    note.setAttribute("role", "status");
    note.textContent = text;
    form.insertBefore(note, form.firstChild);
  }

  function read(form) {
    var store = storage();
    if (!store) {
      return null;
    }
    try {
      return JSON.parse(store.getItem(keyOf(form)) || "null");
    } catch (error) {
      return null;
    }
  }

  function forget(form) {
    var store = storage();
    if (store) {
      store.removeItem(keyOf(form));
    }
  }

  function write(form, draft) {
    var store = storage();
    if (!store) {
      return;
    }
    try {
      store.setItem(keyOf(form), JSON.stringify(draft));
    } catch (error) {
      // Storage full: nothing more to do; the typed text is still on the screen.
    }
  }

  function save(form) {
    var values = {};
    kept(form).forEach(function (field) {
      values[slot(field)] = valueOf(field);
    });
    write(form, { base: form.getAttribute("data-draft-base") || "", lang: pageLanguage(), values: values });
  }

  function pageLanguage() {
    return document.documentElement.getAttribute("lang") || "";
  }

  // "1.500" means 1500 on an Indonesian page and 1.5 on an English one: a number typed on a page in another
  // language is not put back (the server reads a number in the language its form was shown in).
  function isNumber(field) {
    var mode = field.getAttribute("inputmode");
    return mode === "decimal" || mode === "numeric";
  }

  function restore(form) {
    var draft = read(form);
    if (!draft) {
      return;
    }
    if (draft.base !== (form.getAttribute("data-draft-base") || "")) {
      forget(form);
      return;
    }
    var otherLanguage = (draft.lang || "") !== pageLanguage();
    var values = draft.values || {};
    var changed = false;
    var dropped = false;
    kept(form).forEach(function (field) {
      if (otherLanguage && isNumber(field)) {
        return;
      }
      var name = slot(field);
      if (!Object.prototype.hasOwnProperty.call(values, name) || valueOf(field) === values[name]) {
        return;
      }
      if (fits(field, values[name]) && put(field, values[name])) {
        changed = true;
      } else {
        delete values[name];
        dropped = true;
      }
    });
    if (dropped) {
      // Said once: the draft is kept without what could not be put back.
      write(form, draft);
      notify(form, "draft-dropped", form.getAttribute("data-draft-dropped"));
    }
    if (!changed) {
      return;
    }
    notify(form, "draft-note", form.getAttribute("data-draft-restored"));
    // Other scripts (progress.js) then mark the form as holding unsaved changes.
    form.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function restoreWithin(root) {
    if (root.matches && root.matches(SELECTOR)) {
      restore(root);
    }
    Array.prototype.forEach.call(root.querySelectorAll ? root.querySelectorAll(SELECTOR) : [], restore);
  }

  function onEdit(event) {
    var form = event.target.form;
    if (form && form.matches(SELECTOR) && event.isTrusted) {
      save(form);
    }
  }

  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);
  // A save the server accepted makes the draft obsolete; a failed one (no connection, 4xx) keeps it.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest(SELECTOR) : null;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    // Not detail.successful: progress.js lets htmx swap 403/409/422 cards, which htmx then counts as success.
    if (form && status >= 200 && status < 300) {
      forget(form);
    }
  });
  // Content swapped in by htmx (a card after a save, conflict or error) gets the same treatment.
  document.addEventListener("htmx:load", function (event) {
    restoreWithin(event.detail.elt);
  });
  restoreWithin(document);
})();
