/* Zhiyang service worker, rendered by zhiyang.web.pwa.service_worker (see docs/offline.md).
 *
 * - The app shell (static files) is cached when the worker installs; other static files the
 *   first time a page uses them (cache first: their URLs are hashed in production).
 * - Pages are fetched network first; every page opened with a connection is kept, so a
 *   checklist opened online can be reopened offline. A page never opened shows /offline/.
 * - The API, the admin, login and logout are never cached. Logging out clears the pages.
 * - POSTs are not touched here: offline.js keeps what could not be sent in its IndexedDB
 *   outbox and sends it later; with the Background Sync API (Chromium) this worker sends it
 *   too, even after the page was closed.
 */
"use strict";

var VERSION = "{{ version }}";
var SHELL_CACHE = "zhiyang-shell-" + VERSION;
var PAGES_CACHE = "zhiyang-pages-" + VERSION;
var PRECACHE = {{ precache|safe }};
var OFFLINE_URL = {{ offline_url|safe }};
var STATIC_PREFIX = {{ static_prefix|safe }};
var NETWORK_ONLY = {{ network_only|safe }};
var MAX_PAGES = 60;

self.ZHIYANG_TOKEN_URL = {{ token_url|safe }};
importScripts({{ offline_js|safe }});

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) {
      // One by one, so one missing file does not stop the worker from installing.
      return Promise.all(PRECACHE.map(function (url) {
        return fetch(url, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected) return cache.put(url, response);
        }).catch(function () { /* cached later, on first use */ });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("zhiyang-") === 0 && name !== SHELL_CACHE && name !== PAGES_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function networkOnly(url) {
  return NETWORK_ONLY.some(function (prefix) { return url.pathname.indexOf(prefix) === 0; });
}

function isHtml(response) {
  return (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
}

function trimPages() {
  return caches.open(PAGES_CACHE).then(function (cache) {
    return cache.keys().then(function (keys) {
      // Oldest first (insertion order): drop what exceeds the limit.
      return Promise.all(keys.slice(0, Math.max(0, keys.length - MAX_PAGES)).map(function (key) {
        return cache.delete(key);
      }));
    });
  });
}

function storePage(request, response) {
  if (!response || !response.ok || response.redirected || response.type !== "basic" || !isHtml(response)) {
    return Promise.resolve();
  }
  var copy = response.clone();
  return caches.open(PAGES_CACHE).then(function (cache) {
    return cache.delete(request.url).then(function () { return cache.put(request.url, copy); });
  }).then(trimPages);
}

function page(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    event.waitUntil(storePage(request, response));
    return response;
  }).catch(function () {
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.match(request.url);
    }).then(function (cached) {
      return cached || caches.match(OFFLINE_URL);
    }).then(function (fallback) {
      return fallback || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain" } });
    });
  });
}

function staticFile(event) {
  var request = event.request;
  return caches.match(request.url).then(function (cached) {
    if (cached) return cached;
    return fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) { return cache.put(request.url, copy); }));
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || networkOnly(url)) return;
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(staticFile(event));
  } else if (request.mode === "navigate") {
    event.respondWith(page(event));
  }
  // Anything else (htmx fragments, JSON of the pages) goes to the network as usual.
});

function clearPages() {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("zhiyang-pages-") === 0;
    }).map(function (name) { return caches.delete(name); }));
  });
}

/* Keep pages the phone will want offline (the outbox) without waiting for a visit; a page
 * already kept is not fetched again (a visit refreshes it). */
function warm(urls) {
  return caches.open(PAGES_CACHE).then(function (cache) {
    return Promise.all((urls || []).map(function (url) {
      var key = new URL(url, self.location.href).href;
      return cache.match(key).then(function (kept) {
        if (kept) return null;
        return fetch(key, { credentials: "same-origin" }).then(function (response) {
          if (response.ok && !response.redirected && isHtml(response)) return cache.put(key, response);
        });
      }).catch(function () {});
    }));
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "logout") {
    event.waitUntil(clearPages());
  } else if (data.type === "warm") {
    event.waitUntil(warm(data.urls));
  } else if (data.type === "sync" && self.ZhiyangOutbox) {
    event.waitUntil(self.ZhiyangOutbox.sync({}));
  }
});

// Background Sync (Chromium): send the outbox even when no page is open.
self.addEventListener("sync", function (event) {
  if (event.tag === "zhiyang-outbox" && self.ZhiyangOutbox) {
    event.waitUntil(self.ZhiyangOutbox.sync({ force: true }));
  }
});
