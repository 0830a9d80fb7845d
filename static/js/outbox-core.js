// The outbox: month entries saved on this phone without a connection, kept in IndexedDB (photos too) until the
// server has them. Shared by the pages (offline.js) and the service worker (its Background Sync), so both send the
// same way: one entry, one request to the entry's own save address, with the entry's idempotency key.
//
// An entry: { key (the idempotency key, a UUID), user, draftKey ("progress:user:plan:month:activity"), plan, month,
//   activity, action (the save address), page (the month page, with the card's anchor), title, base (the entry's
//   version the companion saw), fields ([name, value] pairs as the form sent them), fileField, files ([{name, type,
//   blob}]), created, state ("waiting", "conflict", "invalid", "refused"), tried (when last sent) }
(function (scope) {
  "use strict";

  var NAME = "rkt-offline";
  var ENTRIES = "entries";
  var META = "meta";
  // What the server's answer says of the entry (the RKT-Outcome header): stored, or kept for the companion.
  var STORED = ["saved", "replayed"];
  var KEPT = { conflict: "conflict", invalid: "invalid", refused: "refused", "bad-key": "invalid" };

  var opening = null;

  function database() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = scope.indexedDB.open(NAME, 1);
        request.onupgradeneeded = function () {
          var db = request.result;
          db.createObjectStore(ENTRIES, { keyPath: "key" }).createIndex("user", "user");
          db.createObjectStore(META, { keyPath: "name" });
        };
        request.onsuccess = function () {
          resolve(request.result);
        };
        request.onerror = function () {
          opening = null;
          reject(request.error);
        };
      });
    }
    return opening;
  }

  // Runs work(store) in one transaction and resolves with what work's last request gave, once it is written.
  function inStore(name, mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction(name, mode);
        var result;
        var request = work(transaction.objectStore(name));
        if (request) {
          request.onsuccess = function () {
            result = request.result;
          };
        }
        transaction.oncomplete = function () {
          resolve(result);
        };
        transaction.onerror = transaction.onabort = function () {
          reject(transaction.error);
        };
      });
    });
  }

  function all() {
    return inStore(ENTRIES, "readonly", function (store) {
      return store.getAll();
    }).then(function (entries) {
      return (entries || []).sort(function (a, b) {
        return a.created - b.created;
      });
    });
  }

  function list(user) {
    return all().then(function (entries) {
      return entries.filter(function (entry) {
        return entry.user === user;
      });
    });
  }

  function put(entry) {
    return inStore(ENTRIES, "readwrite", function (store) {
      return store.put(entry);
    });
  }

  function remove(key) {
    return inStore(ENTRIES, "readwrite", function (store) {
      return store.delete(key);
    });
  }

  function removeUser(user) {
    return list(user).then(function (entries) {
      return inStore(ENTRIES, "readwrite", function (store) {
        entries.forEach(function (entry) {
          store.delete(entry.key);
        });
      });
    });
  }

  function photoBytes(entry) {
    return (entry.files || []).reduce(function (sum, file) {
      return sum + file.blob.size;
    }, 0);
  }

  // The photos waiting on this device, whoever they belong to: the budget is the phone's, not a person's.
  function waitingBytes(except) {
    return all().then(function (entries) {
      return entries.reduce(function (sum, entry) {
        return entry.key === except ? sum : sum + photoBytes(entry);
      }, 0);
    });
  }

  function getMeta(name) {
    return inStore(META, "readonly", function (store) {
      return store.get(name);
    }).then(function (row) {
      return row ? row.value : null;
    });
  }

  function setMeta(name, value) {
    return inStore(META, "readwrite", function (store) {
      return store.put({ name: name, value: value });
    });
  }

  function body(entry, token) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token || "");
    entry.fields.forEach(function (pair) {
      data.append(pair[0], pair[1]);
    });
    data.append(entry.versionField, String(entry.base));
    (entry.files || []).forEach(function (file) {
      data.append(entry.fileField, file.blob, file.name);
    });
    return data;
  }

  // Sends one entry. Resolves with { outcome, html }: outcome is the server's word ("saved", "replayed",
  // "conflict", "invalid", "refused", "bad-key"), or "offline" (no answer), or "not-sent" (an answer that is not
  // the save's: a login page, a refused CSRF token, a server error), after which the entry waits as it was.
  function send(entry, token) {
    return scope.fetch(entry.action, {
      method: "POST",
      body: body(entry, token),
      credentials: "same-origin",
      redirect: "manual",
      headers: { "Idempotency-Key": entry.key, "HX-Request": "true" },
    }).then(function (response) {
      var outcome = response.headers.get("RKT-Outcome");
      if (!outcome) {
        return { outcome: "not-sent", html: "" };
      }
      return response.text().then(function (html) {
        return { outcome: outcome, html: html };
      });
    }, function () {
      return { outcome: "offline", html: "" };
    });
  }

  // What an answer leaves in the outbox: nothing once stored, else the entry marked with what it needs.
  function settle(entry, outcome) {
    if (STORED.indexOf(outcome) !== -1) {
      return remove(entry.key).then(function () {
        return null;
      });
    }
    if (KEPT[outcome]) {
      entry.state = KEPT[outcome];
      entry.tried = Date.now();
      return put(entry).then(function () {
        return entry;
      });
    }
    return Promise.resolve(entry);
  }

  // Sends the user's waiting entries one after another; stops at the first that finds no connection. An answer
  // that is not the save's (a plan no longer the person's, a login page) leaves that entry waiting and goes on
  // with the next. An entry that needs the companion's choice (conflict, refused, invalid) waits for its page.
  // Resolves with { sent, offline }; ``stored(entry)`` is told of each entry the server now has.
  function flush(user, token, stored) {
    var sent = 0;
    return list(user).then(function (entries) {
      var waiting = entries.filter(function (entry) {
        return entry.state === "waiting";
      });
      function next(index) {
        if (index >= waiting.length) {
          return { sent: sent, offline: false };
        }
        var entry = waiting[index];
        return send(entry, token).then(function (answer) {
          if (answer.outcome === "offline") {
            return { sent: sent, offline: true };
          }
          if (answer.outcome === "not-sent") {
            return next(index + 1);
          }
          sent += 1;
          return settle(entry, answer.outcome).then(function (left) {
            if (!left && stored) {
              stored(entry);
            }
            return next(index + 1);
          });
        });
      }
      return next(0);
    });
  }

  scope.RKTOutbox = {
    all: all,
    list: list,
    put: put,
    remove: remove,
    removeUser: removeUser,
    photoBytes: photoBytes,
    waitingBytes: waitingBytes,
    getMeta: getMeta,
    setMeta: setMeta,
    send: send,
    settle: settle,
    flush: flush,
  };
})(self);
