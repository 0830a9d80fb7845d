{% load static %}// RKT Pendampingan's service worker: the app opens without signal once it has been opened online.
// - Static files (fingerprinted, never changing) come from the cache first.
// - Pages are asked of the network first; a page drawn for a signed-in person is kept in that person's cache
//   (rkt-pages-<id>, the id the server names in RKT-User) and shown from there when the network fails.
// - A page drawn for nobody (the login page) means nobody is signed in on this phone: every person's pages go.
// - The pages to keep ready (home, the plan in force, its months) are listed by the server for the person.
// - Waiting month entries (outbox-core.js) are sent by Background Sync when the connection returns.
"use strict";

var STATIC_CACHE = "rkt-static-{{ version }}";
var PAGES_PREFIX = "rkt-pages-";
var PRECACHE = {{ precache|safe }};
var OFFLINE_URL = "{% url 'offline' %}";
var KEEP_URL = "{% url 'offline-pages' %}";
var STATIC_PREFIX = "{% get_static_prefix %}";
var MAX_PAGES = {{ max_pages }};
var WARM_EVERY = {{ warm_every_ms }};
var PATIENCE = {{ patience_ms }};

importScripts("{% static 'js/outbox-core.js' %}");

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC_CACHE).then(function (cache) {
    return cache.addAll(PRECACHE.concat([OFFLINE_URL]));
  }).then(function () {
    return self.skipWaiting();
  }));
});

// The static cache of the worker before this one is kept: pages kept before an update still name its files, until
// the next round online fetches them again (started at once: the round's throttle is reset).
self.addEventListener("activate", function (event) {
  var outbox = self.RKTOutbox;
  event.waitUntil(outbox.getMeta("static-caches").then(function (names) {
    var kept = (names || []).filter(function (name) { return name !== STATIC_CACHE; }).slice(-1).concat([STATIC_CACHE]);
    return outbox.setMeta("static-caches", kept).then(function () {
      return outbox.setMeta("warm-after", Date.now());
    }).then(function () {
      return caches.keys();
    }).then(function (all) {
      return Promise.all(all.filter(function (name) {
        return name.indexOf("rkt-static-") === 0 && kept.indexOf(name) === -1;
      }).map(function (name) {
        return caches.delete(name);
      }));
    });
  }).then(function () {
    return self.clients.claim();
  }));
});

function pagesOf(user) {
  return caches.open(PAGES_PREFIX + user);
}

function forgetEveryone() {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf(PAGES_PREFIX) === 0;
    }).map(function (name) {
      return caches.delete(name);
    }));
  });
}

// Keeps a page drawn for a signed-in person (never one its server says not to store), the oldest going past
// MAX_PAGES. Only a page the person opened says who is signed in: a page fetched in the background for someone
// who is no longer the phone's person is dropped, so a round that outlives a logout brings nobody back.
function keep(request, response, opened) {
  var user = response.headers.get("RKT-User");
  var type = response.headers.get("Content-Type") || "";
  var rules = response.headers.get("Cache-Control") || "";
  if (!response.ok || response.redirected || type.indexOf("text/html") !== 0 || rules.indexOf("no-store") !== -1) {
    return Promise.resolve();
  }
  var outbox = self.RKTOutbox;
  if (!user) {
    return opened ? outbox.setMeta("user", "").then(forgetEveryone) : Promise.resolve();
  }
  return (opened ? outbox.setMeta("user", user) : Promise.resolve()).then(function () {
    return outbox.getMeta("user");
  }).then(function (current) {
    if (current !== user) {
      return undefined;
    }
    // The new copy is read whole before it replaces the kept one: a connection lost halfway keeps the old copy.
    return response.blob().then(function (body) {
      var whole = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
      return pagesOf(user).then(function (cache) {
        return cache.put(request, whole).then(function () {
          return cache.keys();
        }).then(function (keys) {
          return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map(function (old) {
            return cache.delete(old);
          }));
        });
      });
    });
  });
}

function fromPages(request) {
  return self.RKTOutbox.getMeta("user").then(function (user) {
    if (!user) {
      return undefined;
    }
    return pagesOf(user).then(function (cache) {
      return cache.match(request, { ignoreVary: true });
    });
  });
}

// A page comes from the network; from the phone when there is none, or when the network has not answered within
// PATIENCE (a weak signal can hang for minutes). A late answer still replaces the kept copy.
function page(event) {
  var request = event.request;
  var kept = new Request(request.url);
  var stored = Promise.resolve();
  var network = fetch(request).then(function (response) {
    stored = keep(kept, response.clone(), true).catch(function () {});
    return response;
  });
  event.waitUntil(network.then(function () { return stored; }, function () {}));
  var fallback = function () {
    return fromPages(kept).then(function (copy) {
      return copy || caches.match(OFFLINE_URL);
    });
  };
  var impatient = new Promise(function (resolve) {
    setTimeout(function () {
      fromPages(kept).then(function (copy) {
        if (copy) {
          resolve(copy);
        }
      });
    }, PATIENCE);
  });
  return Promise.race([network.catch(fallback), impatient]);
}

function staticFile(request) {
  return caches.match(request).then(function (kept) {
    return kept || fetch(request).then(function (response) {
      if (response.ok) {
        var copy = response.clone();
        caches.open(STATIC_CACHE).then(function (cache) {
          cache.put(request, copy);
        });
      }
      return response;
    });
  });
}

// A photo's thumbnail on a kept month page: the network's when there is one, else the copy kept with the page.
function thumbnail(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      event.waitUntil(self.RKTOutbox.getMeta("user").then(function (user) {
        return user ? pagesOf(user).then(function (cache) { return cache.put(request, copy); }) : undefined;
      }));
    }
    return response;
  }, function () {
    return fromPages(request).then(function (kept) {
      return kept || Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(event));
  } else if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(staticFile(request));
  } else if (/\/evidence\/\d+\/thumbnail\/?$/.test(url.pathname)) {
    event.respondWith(thumbnail(event));
  }
});

// The pages a person needs without signal, fetched again once the last round is older than WARM_EVERY (a round is
// marked when it starts, so pages opened one after another do not start one each).
var warming = {};

function warm(user, force) {
  var outbox = self.RKTOutbox;
  function fetchAll() {
    return fetch(KEEP_URL, { credentials: "same-origin" }).then(function (response) {
      return response.ok ? response.json() : { user: null, pages: [] };
    }).then(function (answer) {
      if (String(answer.user) !== String(user)) {
        return undefined;
      }
      // The server has just said who is signed in: the person the pages are kept for (a page opened before the
      // worker took charge said nothing).
      return outbox.setMeta("user", String(user)).then(function () {
        return caches.open(STATIC_CACHE);
      }).then(function (cache) {
        return cache.add(OFFLINE_URL);
      }).then(function () {
        return Promise.all(answer.pages.map(function (address) {
          var request = new Request(address, { credentials: "same-origin" });
          return fetch(request).then(function (response) {
            return keep(request, response);
          });
        }));
      });
    });
  }
  if (warming[user]) {
    return warming[user];
  }
  warming[user] = Promise.all([outbox.getMeta("warmed:" + user), outbox.getMeta("warm-after")]).then(function (facts) {
    var when = facts[0];
    if (!force && when && when > (facts[1] || 0) && Date.now() - when < WARM_EVERY) {
      return undefined;
    }
    return outbox.setMeta("warmed:" + user, Date.now()).then(fetchAll).catch(function () {
      // Not all fetched (the connection went): the next page opened online tries again.
      return outbox.setMeta("warmed:" + user, 0);
    });
  }).catch(function () {}).then(function () {
    delete warming[user];
  });
  return warming[user];
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "warm" && data.user) {
    event.waitUntil(warm(String(data.user), Boolean(data.force)));
  } else if (data.type === "refresh" && data.user && data.url) {
    var request = new Request(data.url, { credentials: "same-origin" });
    event.waitUntil(fetch(request).then(function (response) {
      return keep(request, response);
    }).catch(function () {}));
  }
});

function tellPages() {
  return self.clients.matchAll({ type: "window" }).then(function (windows) {
    windows.forEach(function (client) {
      client.postMessage({ type: "outbox" });
    });
  });
}

function csrfToken() {
  if (!self.cookieStore) {
    return Promise.resolve("");
  }
  return self.cookieStore.get("{{ csrf_cookie }}").then(function (cookie) {
    return cookie ? cookie.value : "";
  }, function () {
    return "";
  });
}

self.addEventListener("sync", function (event) {
  if (event.tag !== "rkt-outbox") {
    return;
  }
  event.waitUntil(Promise.all([self.RKTOutbox.getMeta("user"), csrfToken()]).then(function (facts) {
    if (!facts[0]) {
      return 0;
    }
    // Each entry stored: its month page is fetched again, so the copy kept offline shows it (and its version).
    return self.RKTOutbox.flush(facts[0], facts[1], function (entry) {
      var request = new Request(entry.page.split("#")[0], { credentials: "same-origin" });
      fetch(request).then(function (response) {
        return keep(request, response);
      }).catch(function () {});
    });
  }).then(function (result) {
    return tellPages().then(function () {
      if (result && result.offline) {
        throw new Error("no connection yet"); // the browser tries the sync again later
      }
    });
  }));
});
