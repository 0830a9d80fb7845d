// Offline use: the service worker that keeps pages on the phone, month entries saved without a connection (kept in
// the outbox, outbox-core.js, photos and all) and sent when it returns, the count in the top bar, and logging out.
// Progressive enhancement: without it (or without IndexedDB) the pages work online as before.
(function () {
  "use strict";

  var body = document.body;
  var user = body.getAttribute("data-user") || "";
  var strip = document.getElementById("outbox");
  var banner = document.getElementById("offline-note");
  var words = document.getElementById("offline-words"); // the month page's texts for its cards
  var Outbox = window.RKTOutbox;
  var usable = Boolean(window.indexedDB && Outbox);

  function format(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? values[key] : whole;
    });
  }

  function word(name, values) {
    var source = words && words.hasAttribute("data-" + name) ? words : strip;
    return format(source ? source.getAttribute("data-" + name) : "", values || {});
  }

  function sizeText(bytes) {
    var number = new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 1 });
    return number.format(bytes / (1024 * 1024)) + "\u00a0MB";
  }

  function csrfToken() {
    var name = body.getAttribute("data-csrf-cookie") || "csrftoken";
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + name + "=([^;]+)"));
    if (match) {
      return decodeURIComponent(match[1]);
    }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  // ---- The worker: registered once the page has loaded, so it and what it keeps never delay the first paint.
  function worker() {
    return navigator.serviceWorker ? navigator.serviceWorker.ready : Promise.reject(new Error("no worker"));
  }

  function tellWorker(message) {
    if (!navigator.serviceWorker || !navigator.onLine) {
      return;
    }
    worker().then(function (registration) {
      if (registration.active) {
        registration.active.postMessage(message);
      }
    });
  }

  function register() {
    if (!navigator.serviceWorker || !body.getAttribute("data-sw")) {
      return;
    }
    navigator.serviceWorker.register(body.getAttribute("data-sw"), { scope: "/" }).then(function () {
      if (user) {
        tellWorker({ type: "warm", user: user });
      }
    }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox") {
        showStrip();
      }
    });
  }

  function askForSync() {
    worker().then(function (registration) {
      return registration.sync ? registration.sync.register("rkt-outbox") : undefined;
    }).catch(function () {});
  }

  // ---- The top bar's count: entries waiting to be sent, and entries that need the companion's choice.
  function entries() {
    return usable && user ? Outbox.list(user).catch(function () { return []; }) : Promise.resolve([]);
  }

  function showStrip() {
    if (!strip) {
      return Promise.resolve();
    }
    return entries().then(function (kept) {
      var waiting = kept.filter(function (entry) { return entry.state === "waiting"; });
      var choosing = kept.filter(function (entry) { return entry.state !== "waiting"; });
      strip.hidden = !kept.length;
      strip.querySelector(".outbox-waiting").textContent = waiting.length ? word("waiting", { count: waiting.length }) : "";
      var problem = strip.querySelector(".outbox-choose");
      problem.hidden = !choosing.length;
      if (choosing.length) {
        problem.textContent = word("choose", { count: choosing.length });
        problem.href = choosing[0].page;
      }
      var button = strip.querySelector(".outbox-send");
      button.hidden = !waiting.length || !navigator.onLine;
      strip.querySelector(".outbox-later").hidden = !waiting.length || navigator.onLine;
    });
  }

  // ---- A card's entry, as the phone keeps it.
  function cardOf(element) {
    return element && element.closest ? element.closest(".progress-card") : null;
  }

  function labelOf(field) {
    var label = field.labels && field.labels[0];
    return label ? label.textContent.trim() : field.name;
  }

  function shownValue(field) {
    if (field.tagName === "SELECT") {
      return field.selectedIndex >= 0 ? field.options[field.selectedIndex].text : "";
    }
    return field.value;
  }

  function snapshot(form) {
    var fields = [], shown = [], files = [], fileField = "", versionField = "", base = 0;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.disabled || field.name === "csrfmiddlewaretoken") {
        return;
      }
      if (field.type === "file") {
        fileField = field.name;
        Array.prototype.forEach.call(field.files || [], function (file) {
          files.push({ name: file.name, type: file.type, blob: file });
        });
        return;
      }
      if (/-version$/.test(field.name)) {
        versionField = field.name;
        base = Number(field.value) || 0;
        return;
      }
      if ((field.type === "checkbox" || field.type === "radio") && !field.checked) {
        return;
      }
      if (field.type === "submit" || field.type === "button") {
        return;
      }
      fields.push([field.name, field.value]);
      if (field.type !== "hidden") {
        shown.push([labelOf(field), shownValue(field)]);
      }
    });
    return { fields: fields, shown: shown, files: files, fileField: fileField, versionField: versionField, base: base };
  }

  function keptFor(form) {
    var draftKey = form.getAttribute("data-draft-key");
    return entries().then(function (kept) {
      return kept.filter(function (entry) { return entry.draftKey === draftKey; })[0] || null;
    });
  }

  // Keeps what the form holds in the outbox; photos already kept for the card stay with it. Refused, with the
  // form left as it is, when the photos would pass the phone's budget or the phone cannot store them.
  function keep(form) {
    var card = cardOf(form);
    var taken = snapshot(form);
    var draftKey = form.getAttribute("data-draft-key");
    var parts = draftKey.split(":");
    return keptFor(form).then(function (earlier) {
      var files = (earlier ? earlier.files : []).concat(taken.files);
      var entry = {
        key: newKey(),
        user: user,
        draftKey: draftKey,
        plan: parts[2],
        month: parts[3],
        activity: parts[4],
        action: form.action,
        page: location.pathname + "#" + card.id,
        title: (card.querySelector("h3") || {}).textContent || "",
        // A card showing a kept entry's text still has the page's version: the entry stays based on the version
        // it was typed on (a conflict card carries the version saved meanwhile: saving it replaces that one).
        base: earlier && earlier.state !== "conflict" ? earlier.base : taken.base,
        versionField: taken.versionField,
        fields: taken.fields,
        shown: taken.shown,
        fileField: taken.fileField,
        files: files,
        created: earlier ? earlier.created : Date.now(),
        state: "waiting",
      };
      var budget = Number(words && words.getAttribute("data-budget")) || Infinity;
      return Outbox.waitingBytes(earlier ? earlier.key : null).then(function (others) {
        if (others + Outbox.photoBytes(entry) > budget) {
          throw new Error("budget");
        }
        return Outbox.put(entry);
      }).then(function () {
        return earlier ? Outbox.remove(earlier.key) : undefined;
      }).then(function () {
        // The outbox now holds the entry: the draft of the same text is no longer needed.
        try {
          localStorage.removeItem("rkt-draft:" + draftKey);
        } catch (error) {
          // Storage blocked: the draft stays, which is harmless.
        }
        return entry;
      });
    }).catch(function (error) {
      notice(card, error && error.message === "budget" ? word("budget-full") : word("unkept"), "danger");
      return null;
    });
  }

  function notice(card, text, tone, extra) {
    var old = card.querySelector(".outbox-note");
    if (old) {
      old.remove();
    }
    if (!text) {
      return null;
    }
    var note = document.createElement("div");
    note.className = "outbox-note alert alert-" + tone + " small py-2";
    note.setAttribute("role", tone === "danger" ? "alert" : "status");
    var line = document.createElement("p");
    line.className = "mb-1";
    line.textContent = text;
    note.appendChild(line);
    (extra || []).forEach(function (part) {
      note.appendChild(part);
    });
    var place = card.querySelector(".progress-details") || card.querySelector(".card-body");
    place.parentNode.insertBefore(note, place);
    return note;
  }

  function photosLine(entry) {
    var line = document.createElement("p");
    line.className = "mb-1 outbox-photos";
    line.textContent = entry.files.length ? word("photos", { count: entry.files.length, size: sizeText(Outbox.photoBytes(entry)) }) : "";
    return line;
  }

  function keptValues(entry) {
    var list = document.createElement("dl");
    list.className = "conflict-values mb-1";
    entry.shown.forEach(function (pair) {
      var term = document.createElement("dt");
      term.textContent = pair[0];
      var value = document.createElement("dd");
      value.textContent = pair[1] || "–";
      list.append(term, value);
    });
    return list;
  }

  function dropButton(entry, card) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-dark btn-sm outbox-drop";
    button.textContent = word("drop");
    button.addEventListener("click", function () {
      if (!window.confirm(word("drop-confirm"))) {
        return;
      }
      Outbox.remove(entry.key).then(function () {
        card.removeAttribute("data-outbox");
        location.reload();
      });
    });
    return button;
  }

  // What a card says of the entry the phone keeps for it.
  function showKept(card, entry) {
    card.setAttribute("data-outbox", entry.state);
    var form = card.querySelector(".progress-form");
    var state = form && form.querySelector(".save-state");
    if (entry.state === "waiting") {
      card.classList.remove("dirty");
      notice(card, word("kept"), "warning", [photosLine(entry)]);
      if (state) {
        state.textContent = "● " + word("kept-short");
      }
    } else if (entry.state === "conflict") {
      notice(card, word("conflict"), "danger", [photosLine(entry), dropButton(entry, card)]);
    } else if (entry.state === "invalid") {
      notice(card, word("invalid"), "danger", [photosLine(entry), dropButton(entry, card)]);
    } else {
      notice(card, word("refused"), "danger", [keptValues(entry), photosLine(entry), dropButton(entry, card)]);
    }
  }

  // Puts a kept entry's text back into its card's form (a page opened offline shows what the server had).
  function fill(form, entry) {
    entry.fields.forEach(function (pair) {
      var field = form.elements.namedItem(pair[0]);
      if (field && field.type !== "hidden" && field.value !== pair[1]) {
        field.value = pair[1];
      }
    });
  }

  function swap(card, html) {
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    var fresh = holder.content.querySelector(".progress-card");
    if (!fresh) {
      return card;
    }
    if (window.htmx && window.htmx.swap) {
      window.htmx.swap(card, fresh.outerHTML, { swapStyle: "outerHTML" });
      return document.getElementById(fresh.id) || card;
    }
    card.replaceWith(fresh);
    return fresh;
  }

  // Sends a kept entry from its card, which then shows the server's answer: saved, or (409) the entry saved
  // meanwhile beside this phone's text, or why it was refused. Without an answer the entry waits, as it was.
  function sendFrom(card, entry) {
    return Outbox.send(entry, csrfToken()).then(function (answer) {
      if (answer.outcome === "offline" || answer.outcome === "not-sent") {
        var form = card.querySelector(".progress-form");
        if (form) {
          fill(form, entry);
        }
        showKept(card, entry);
        return;
      }
      var shown = swap(card, answer.html);
      return Outbox.settle(entry, answer.outcome).then(function (left) {
        if (left) {
          showKept(shown, left);
        } else {
          tellWorker({ type: "refresh", user: user, url: location.pathname });
        }
      });
    });
  }

  function afterKeep(form, entry) {
    var card = cardOf(form);
    var input = form.querySelector("input[type=file]");
    if (input) {
      input.value = ""; // the photos are in the outbox now; choosing more adds to them
    }
    var status = form.querySelector(".photo-status");
    if (status) {
      status.replaceChildren();
    }
    if (navigator.onLine) {
      return sendFrom(card, entry).then(showStrip);
    }
    showKept(card, entry);
    askForSync();
    return showStrip();
  }

  // The card of a kept entry, if this page is its month page (a locked month's card has no form).
  function cardHere(entry) {
    return entry.page.split("#")[0] === location.pathname ? document.getElementById("activity-" + entry.activity) : null;
  }

  // ---- Sending what waits: from the cards on this page, and the rest straight to the server.
  var sending = null;

  function sendAll() {
    if (!usable || !user || !navigator.onLine) {
      return Promise.resolve();
    }
    if (sending) {
      return sending;
    }
    sending = entries().then(function (kept) {
      var here = [], elsewhere = [];
      kept.forEach(function (entry) {
        var card = cardHere(entry);
        (card ? here : elsewhere).push([card, entry]);
      });
      return here.reduce(function (chain, pair) {
        return chain.then(function () { return sendFrom(pair[0], pair[1]); });
      }, Promise.resolve()).then(function () {
        return elsewhere.length ? Outbox.flush(user, csrfToken(), function (entry) {
          tellWorker({ type: "refresh", user: user, url: entry.page.split("#")[0] });
        }) : 0;
      });
    }).catch(function () {}).then(function () {
      sending = null;
      return showStrip();
    });
    return sending;
  }

  // A page opened without a connection shows, in each card, what the phone keeps for it.
  function showAllKept() {
    return entries().then(function (kept) {
      kept.forEach(function (entry) {
        var card = cardHere(entry);
        var form = card && card.querySelector(".progress-form");
        if (form) {
          fill(form, entry);
        }
        if (card) {
          showKept(card, entry);
        }
      });
    });
  }

  // ---- Online or not: the banner, and what needs a connection (submitting a month's report).
  function needsOnline() {
    return Array.prototype.slice.call(document.querySelectorAll("form[data-needs-online]"));
  }

  function showConnection() {
    var online = navigator.onLine;
    if (banner) {
      banner.hidden = online;
    }
    needsOnline().forEach(function (form) {
      var note = form.querySelector(".needs-online-note");
      var waiting = form.hasAttribute("data-outbox-waiting");
      form.querySelectorAll("button[type=submit]").forEach(function (button) {
        button.disabled = !online || waiting;
      });
      if (note) {
        note.hidden = online && !waiting;
        note.textContent = waiting ? form.getAttribute("data-waiting-note") : form.getAttribute("data-offline-note");
      }
    });
    showStrip();
  }

  // The report of a month with entries still on this phone waits for them.
  function markWaitingReports() {
    return entries().then(function (kept) {
      needsOnline().forEach(function (form) {
        var month = form.getAttribute("data-outbox-month");
        var count = kept.filter(function (entry) { return entry.plan + ":" + entry.month === month; }).length;
        form.toggleAttribute("data-outbox-waiting", count > 0);
        if (count) {
          form.setAttribute("data-waiting-note", format(form.getAttribute("data-waiting-template"), { count: count }));
        }
      });
      showConnection();
    });
  }

  // ---- Logging out clears this person's kept pages and entries, after asking if some are not sent.
  function forgetHere() {
    var pages = window.caches ? caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return name.indexOf("rkt-pages-") === 0; })
        .map(function (name) { return caches.delete(name); }));
    }) : Promise.resolve();
    return Promise.all([pages, usable ? Outbox.removeUser(user) : null]).catch(function () {});
  }

  function logOut(form, event) {
    event.preventDefault();
    if (!navigator.onLine) {
      window.alert(word("logout-offline"));
      return;
    }
    entries().then(function (kept) {
      if (kept.length && !window.confirm(word("logout-confirm", { count: kept.length }))) {
        return;
      }
      forgetHere().then(function () {
        form.submit();
      });
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-logout")) {
      logOut(form, event);
      return;
    }
    if (form.hasAttribute("data-needs-online") && (!navigator.onLine || form.hasAttribute("data-outbox-waiting"))) {
      event.preventDefault();
      showConnection();
      return;
    }
    if (!usable || !user || !form.matches(".progress-form") || form.hasAttribute("data-preparing")) {
      return;
    }
    var card = cardOf(form);
    // Offline, or a card whose entry the phone keeps (a choice to make): the save goes through the outbox,
    // so its photos go with it and it is stored once however often it is sent.
    if (!navigator.onLine || (card && card.hasAttribute("data-outbox"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
      keep(form).then(function (entry) {
        return entry ? afterKeep(form, entry) : undefined;
      });
    }
  }, true);

  // A save that found no connection (the phone thought it had one) is kept the same way.
  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest(".progress-form") : null;
    if (form && usable && user) {
      keep(form).then(function (entry) {
        return entry ? afterKeep(form, entry) : undefined;
      });
    }
  });

  // A save made online changes the month page: the copy the phone keeps of it is fetched again.
  document.addEventListener("htmx:afterRequest", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (user && status >= 200 && status < 300 && event.detail.requestConfig && event.detail.requestConfig.verb === "post") {
      tellWorker({ type: "refresh", user: user, url: location.pathname });
    }
  });

  if (strip) {
    strip.querySelector(".outbox-send").addEventListener("click", sendAll);
  }
  window.addEventListener("online", function () {
    showConnection();
    sendAll().then(markWaitingReports);
  });
  window.addEventListener("offline", showConnection);

  if (document.readyState === "complete") {
    register();
  } else {
    window.addEventListener("load", register);
  }
  showConnection();
  if (navigator.onLine) {
    sendAll().then(markWaitingReports);
  } else {
    showAllKept().then(markWaitingReports);
  }
})();
