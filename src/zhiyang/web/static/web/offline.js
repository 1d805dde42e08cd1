/* Zhiyang offline phone forms: the outbox (IndexedDB) and its sync. See docs/offline.md.
 *
 * THE CONTRACT for a phone form that must work without a connection:
 *
 *   <form method="post" data-offline="<kind>" [data-offline-label="…"] …>
 *     {% csrf_token %}
 *     <input type="hidden" name="client_uuid">     (offline.js fills in a fresh UUID)
 *     …
 *   </form>
 *
 * and a view that answers ``Accept: application/json`` the way zhiyang.core.offline.handle_post
 * does (201/200 {"id", "created", "url"}, 400 {"errors": {field: [message]}}), its create
 * service idempotent by client_uuid.
 *
 * On submit this script stores {client_uuid, kind, url, fields, files, user, created_at,
 * status} in IndexedDB, then posts it (multipart, Accept: application/json). Sent (200/201):
 * the entry is removed and the page goes where the server says. No connection, or 5xx: the
 * entry stays ("Saved on this phone; …") and is sent on the `online` event, on page load, from
 * "Send now" on /outbox/, every 30 s while a page is open, and by the service worker's
 * Background Sync where the browser has it. Each re-post gets a fresh CSRF token. 400: the
 * entry becomes a conflict shown on /outbox/ with the server's messages, to edit or discard.
 * 401/403 or a login redirect: the entry waits until the user logs in again. Entries are only
 * sent with the session of the user who saved them.
 *
 * The same file runs in the service worker (importScripts), which uses ZhiyangOutbox.sync.
 */
(function (root) {
  "use strict";

  var DB_NAME = "zhiyang-offline";
  var DB_VERSION = 1;
  var STORE = "outbox";
  var REPLAY_HEADER = "X-Zhiyang-Offline";
  var SYNC_TAG = "zhiyang-outbox";
  var SEND_TIMEOUT_MS = 30000;
  var isWindow = typeof document !== "undefined";
  var channel = typeof BroadcastChannel !== "undefined" ? new BroadcastChannel("zhiyang-outbox") : null;

  // ------------------------------------------------------------------ storage (IndexedDB)

  var dbPromise = null;

  function openDb() {
    if (!root.indexedDB) return Promise.reject(new Error("no IndexedDB"));
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve, reject) {
      var request = root.indexedDB.open(DB_NAME, DB_VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "client_uuid" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { dbPromise = null; reject(request.error); };
    });
    return dbPromise;
  }

  function withStore(mode, action) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result;
        var request = action(tx.objectStore(STORE));
        if (request) request.onsuccess = function () { result = request.result; };
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function list() {
    return withStore("readonly", function (store) { return store.getAll(); }).then(function (rows) {
      return (rows || []).sort(function (a, b) { return a.created_at < b.created_at ? -1 : 1; });
    });
  }
  function get(id) { return withStore("readonly", function (store) { return store.get(id); }); }
  function put(entry) { return withStore("readwrite", function (store) { return store.put(entry); }).then(changed); }
  function remove(id) { return withStore("readwrite", function (store) { return store.delete(id); }).then(changed); }

  /* Change a stored entry in one transaction; an entry removed meanwhile (sent by another tab
   * or by the service worker) stays removed. */
  function update(id, change) {
    return withStore("readwrite", function (store) {
      var request = store.get(id);
      request.onsuccess = function () {
        if (request.result) store.put(change(request.result));
      };
      return null;
    }).then(changed);
  }

  function changed(value) {
    if (channel) channel.postMessage({ type: "changed" });
    if (isWindow) document.dispatchEvent(new CustomEvent("zhiyang:outbox"));
    return value;
  }

  // ------------------------------------------------------------------ sending

  function uuid4() {
    var c = root.crypto;
    if (c && c.randomUUID) return c.randomUUID();
    var bytes = new Uint8Array(16);
    c.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function tokenUrl() {
    return root.ZHIYANG_TOKEN_URL || "/offline/token/";
  }

  /* {csrfToken, user} from the server, {auth: true} when the session is gone; rejects when the
   * server cannot be reached. */
  function fetchToken() {
    return fetch(tokenUrl(), {
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 401 || response.status === 403) return { auth: true };
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  function body(entry, token) {
    var data = new FormData();
    entry.fields.forEach(function (field) {
      if (field[0] === "csrfmiddlewaretoken") return;
      if (field[2] !== undefined && field[2] !== null) data.append(field[0], field[1], field[2]);
      else data.append(field[0], field[1]);
    });
    if (token) data.append("csrfmiddlewaretoken", token);
    return data;
  }

  function withTimeout(promise, ms) {
    return new Promise(function (resolve, reject) {
      var timer = setTimeout(function () { reject(new Error("timeout")); }, ms);
      promise.then(function (v) { clearTimeout(timer); resolve(v); }, function (e) { clearTimeout(timer); reject(e); });
    });
  }

  /* Post one entry; resolves to {outcome: sent|conflict|auth|retry, data, status}. */
  function send(entry, token, replay) {
    var headers = { Accept: "application/json" };
    if (token) headers["X-CSRFToken"] = token;
    if (replay) headers[REPLAY_HEADER] = "replay";
    var request = fetch(entry.url, {
      method: "POST",
      body: body(entry, token),
      credentials: "same-origin",
      redirect: "manual",
      headers: headers
    });
    return withTimeout(request, SEND_TIMEOUT_MS).then(function (response) {
      var status = response.status;
      if (response.type === "opaqueredirect" || status === 401 || status === 403) {
        return { outcome: "auth", status: status };
      }
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      var parsed = json ? response.json().catch(function () { return {}; }) : Promise.resolve({});
      return parsed.then(function (data) {
        if (status === 200 || status === 201) return { outcome: "sent", data: data, status: status };
        if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
          return { outcome: "conflict", data: data, status: status };
        }
        return { outcome: "retry", status: status };
      });
    }, function (error) {
      return { outcome: "retry", status: 0, error: String(error && error.message || error) };
    });
  }

  function backoffMs(attempts) {
    return Math.min(10 * 60 * 1000, 15000 * Math.pow(2, Math.max(0, attempts - 1)));
  }

  function due(entry, now, force) {
    if (entry.status === "conflict") return false;
    if (force) return true;
    return !entry.next_at || entry.next_at <= now;
  }

  function record(entry, result) {
    if (result.outcome === "sent") return remove(entry.client_uuid);
    return update(entry.client_uuid, function (stored) {
      stored.last_try = new Date().toISOString();
      if (result.outcome === "conflict") {
        stored.status = "conflict";
        stored.errors = (result.data && result.data.errors) || { __all__: [] };
        stored.http_status = result.status;
      } else if (result.outcome === "auth") {
        stored.status = "auth";
      } else {
        stored.status = "retry";
        stored.attempts = (stored.attempts || 0) + 1;
        stored.next_at = Date.now() + backoffMs(stored.attempts);
        stored.http_status = result.status;
      }
      return stored;
    });
  }

  var running = null;
  var syncLog = [];  // the last syncs of this page or worker (for the curious and the tests)

  /* Send what is due. options: {force: ignore the backoff, only: one client_uuid}.
   * Resolves to {sent, conflicts, auth, failed, results: {client_uuid: result}, user}. */
  function sync(options) {
    options = options || {};
    if (running) return running.then(function () { return sync(options); });
    var summary = { sent: 0, conflicts: 0, auth: false, failed: 0, results: {}, user: null };
    var work = function () { return list().then(function (entries) {
      var now = Date.now();
      var todo = entries.filter(function (e) {
        return (!options.only || e.client_uuid === options.only) && due(e, now, options.force);
      });
      if (!todo.length) return summary;
      return fetchToken().then(function (token) {
        if (token.auth) {
          summary.auth = true;
          return Promise.all(todo.map(function (e) {
            if (e.status === "auth") return null;
            return update(e.client_uuid, function (stored) { stored.status = "auth"; return stored; });
          })).then(function () { return summary; });
        }
        summary.user = token.user;
        var mine = todo.filter(function (e) { return !e.user || e.user === token.user; });
        return mine.reduce(function (chain, entry) {
          return chain.then(function (stop) {
            if (stop) return true;
            return send(entry, token.csrfToken, true).then(function (result) {
              summary.results[entry.client_uuid] = result;
              if (result.outcome === "sent") summary.sent += 1;
              else if (result.outcome === "conflict") summary.conflicts += 1;
              else if (result.outcome === "auth") summary.auth = true;
              else summary.failed += 1;
              return record(entry, result).then(function () {
                return result.outcome === "auth" || (result.outcome === "retry" && result.status === 0);
              });
            });
          });
        }, Promise.resolve(false)).then(function () { return summary; });
      }, function () {
        summary.failed = todo.length;  // the server cannot be reached: try again later
        return summary;
      });
    }); };
    var lock = root.navigator && root.navigator.locks;
    running = lock ? lock.request("zhiyang-outbox", work) : work();
    return running.then(function (result) {
      running = null;
      syncLog.push({ at: new Date().toISOString(), sent: result.sent, conflicts: result.conflicts, failed: result.failed, auth: result.auth });
      if (syncLog.length > 20) syncLog.shift();
      if (channel) channel.postMessage({ type: "synced", summary: { sent: result.sent, conflicts: result.conflicts } });
      return result;
    }, function (error) {
      running = null;
      throw error;
    });
  }

  root.ZhiyangOutbox = {
    list: list, get: get, put: put, remove: remove, sync: sync, send: send, uuid4: uuid4,
    fetchToken: fetchToken, log: syncLog
  };

  if (!isWindow) return;

  // ================================================================== in the page

  var script = document.querySelector("script[data-zhiyang-offline]");
  var config = script ? script.dataset : {};
  var currentUser = config.user || "";
  if (config.tokenUrl) root.ZHIYANG_TOKEN_URL = config.tokenUrl;

  function text(key, value) {
    var s = config["text" + key] || "";
    return value === undefined ? s : s.replace("%s", value);
  }

  function clearPageCaches() {
    if (!root.caches) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("zhiyang-pages-") === 0; })
        .map(function (n) { return caches.delete(n); }));
    }).catch(function () {});
  }

  function registerBackgroundSync() {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.sync) return registration.sync.register(SYNC_TAG);
    }).catch(function () {});
  }

  // ---------------------------------------------------------------- service worker

  if ("serviceWorker" in navigator && config.swUrl) {
    navigator.serviceWorker.register(config.swUrl, { scope: "/" }).catch(function () {});
    if (currentUser && navigator.onLine && config.warm) {
      // Keep the outbox page for offline use (never the pages of another session).
      navigator.serviceWorker.ready.then(function (registration) {
        if (registration.active) registration.active.postMessage({ type: "warm", urls: config.warm.split(" ") });
      }).catch(function () {});
    }
  }
  // Logged out (this page came from the server to nobody): nothing of the last session stays.
  if (!currentUser && navigator.onLine && !config.fallback) clearPageCaches();

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-logout]")) return;
    event.preventDefault();
    var done = function () { HTMLFormElement.prototype.submit.call(form); };
    var tell = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (tell) tell.postMessage({ type: "logout" });
    clearPageCaches().then(done, done);
  });

  // ---------------------------------------------------------------- the header indicator

  var indicator = document.querySelector("[data-net-status]");

  function refreshIndicator() {
    if (!indicator) return Promise.resolve();
    var online = navigator.onLine;
    return list().catch(function () { return []; }).then(function (entries) {
      var count = entries.length;
      var attention = entries.some(function (e) { return e.status === "conflict" || e.status === "auth"; });
      indicator.classList.toggle("is-offline", !online);
      indicator.classList.toggle("has-pending", count > 0);
      indicator.classList.toggle("needs-attention", attention);
      indicator.hidden = online && count === 0;
      var counter = indicator.querySelector("[data-net-count]");
      if (counter) counter.textContent = count ? String(count) : "";
      var label = (online ? text("Online") : text("Offline")) + (count ? " · " + text("Pending", count) : "");
      indicator.setAttribute("title", label);
      indicator.setAttribute("aria-label", label);
      indicator.dataset.count = String(count);
      indicator.dataset.online = online ? "true" : "false";
    });
  }

  // ---------------------------------------------------------------- forms

  function notice(form) {
    var box = form.previousElementSibling;
    if (!box || !box.classList.contains("offline-notice")) {
      box = document.createElement("div");
      box.className = "offline-notice card";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      form.parentNode.insertBefore(box, form);
    }
    return box;
  }

  function clearNotice(form) {
    var box = form.previousElementSibling;
    if (box && box.classList.contains("offline-notice")) box.remove();
  }

  function enableButtons(form) {
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
      b.disabled = false;
      b.removeAttribute("aria-busy");
    });
  }

  function freshUuid(form) {
    var input = form.querySelector("input[name=client_uuid]");
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "client_uuid";
      form.appendChild(input);
    }
    input.value = uuid4();
    return input.value;
  }

  /* The form was saved on the phone: say so, and offer another entry or the outbox. */
  function showQueued(form, message) {
    var box = notice(form);
    box.className = "offline-notice card offline-queued";
    box.innerHTML = "";
    var p = document.createElement("p");
    p.className = "offline-message";
    p.textContent = message;
    box.appendChild(p);
    var actions = document.createElement("div");
    actions.className = "offline-actions";
    var again = document.createElement("button");
    again.type = "button";
    again.className = "btn";
    again.textContent = text("Another");
    again.addEventListener("click", function () {
      form.reset();
      freshUuid(form);
      enableButtons(form);
      form.hidden = false;
      clearNotice(form);
      form.querySelectorAll(".offline-errors").forEach(function (el) { el.remove(); });
    });
    actions.appendChild(again);
    if (config.outboxUrl) {
      var link = document.createElement("a");
      link.className = "btn";
      link.href = config.outboxUrl;
      link.textContent = text("OpenOutbox");
      actions.appendChild(link);
    }
    box.appendChild(actions);
    form.hidden = true;
    enableButtons(form);
    box.scrollIntoView({ block: "nearest" });
  }

  function labelsOf(form) {
    var labels = {};
    form.querySelectorAll("label[for]").forEach(function (label) {
      var el = document.getElementById(label.htmlFor);
      if (el && el.name) labels[el.name] = label.textContent.trim();
    });
    return labels;
  }

  function entryOf(form, data) {
    var fields = [];
    data.forEach(function (value, name) {
      if (typeof value === "string") fields.push([name, value]);
      else if (value && (value.size > 0 || value.name)) fields.push([name, value, value.name || "blob"]);
    });
    var title = (document.title || "").split(" · ")[0];
    return {
      client_uuid: data.get("client_uuid"),
      kind: form.dataset.offline || "form",
      label: form.dataset.offlineLabel || title,
      url: new URL(form.getAttribute("action") || location.pathname + location.search, location.href).href,
      page_url: location.pathname + location.search,
      fields: fields,
      labels: labelsOf(form),
      user: currentUser,
      created_at: new Date().toISOString(),
      status: "pending",
      attempts: 0,
      next_at: 0,
      errors: null
    };
  }

  function go(result) {
    var url = result.data && result.data.url;
    location.assign(url || location.pathname + location.search);
  }

  function nativeSubmit(form, submitter) {
    if (submitter && submitter.name) {
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = submitter.name;
      hidden.value = submitter.value;
      form.appendChild(hidden);
    }
    HTMLFormElement.prototype.submit.call(form);
  }

  function onSubmit(event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline]") || event.defaultPrevented) return;
    if (!root.indexedDB) return;  // this browser cannot keep it: submit as usual
    event.preventDefault();
    var submitter = event.submitter || null;
    var data;
    try {
      data = submitter ? new FormData(form, submitter) : new FormData(form);
    } catch (e) {
      data = new FormData(form);
    }
    if (!data.get("client_uuid")) data.set("client_uuid", freshUuid(form));
    var entry = entryOf(form, data);
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; b.setAttribute("aria-busy", "true"); });
    put(entry).then(function () {
      if (!navigator.onLine) {
        registerBackgroundSync();
        showQueued(form, text("Queued"));
        return refreshIndicator();
      }
      var token = data.get("csrfmiddlewaretoken") || "";
      return send(entry, token, false).then(function (result) {
        if (result.outcome === "sent") {
          return remove(entry.client_uuid).then(function () { go(result); });
        }
        if (result.outcome === "conflict") {
          // The server's own page shows the errors on the form; nothing was created.
          return remove(entry.client_uuid).then(function () { nativeSubmit(form, submitter); });
        }
        if (result.outcome === "auth") {
          // Maybe only the page's CSRF token is stale: try once with a fresh one.
          return sync({ only: entry.client_uuid, force: true }).then(function (summary) {
            var again = summary.results[entry.client_uuid];
            if (again && again.outcome === "sent") return go(again);
            if (again && again.outcome === "conflict") {
              return remove(entry.client_uuid).then(function () { nativeSubmit(form, submitter); });
            }
            showQueued(form, text("Auth"));
            return refreshIndicator();
          });
        }
        return record(entry, result).then(function () {
          registerBackgroundSync();
          showQueued(form, text("Queued"));
          return refreshIndicator();
        });
      });
    }).catch(function () {
      // IndexedDB refused (private mode, full disk): let the browser post it.
      nativeSubmit(form, submitter);
    });
  }
  document.addEventListener("submit", onSubmit);

  function fill(form, entry) {
    var values = {};
    entry.fields.forEach(function (f) { (values[f[0]] = values[f[0]] || []).push(f); });
    // A box that was not ticked is not in the entry at all.
    form.querySelectorAll("input[type=checkbox], input[type=radio]").forEach(function (box) {
      if (!values[box.name]) box.checked = false;
    });
    Object.keys(values).forEach(function (name) {
      if (name === "csrfmiddlewaretoken") return;
      var items = values[name];
      var elements = form.querySelectorAll("[name='" + name.replace(/'/g, "\\'") + "']");
      elements.forEach(function (el) {
        if (el.type === "file") {
          if (typeof DataTransfer === "undefined") return;
          var transfer = new DataTransfer();
          items.forEach(function (f) {
            if (typeof f[1] !== "string") transfer.items.add(new File([f[1]], f[2] || "file", { type: f[1].type }));
          });
          el.files = transfer.files;
        } else if (el.type === "checkbox" || el.type === "radio") {
          el.checked = items.some(function (f) { return f[1] === el.value; });
        } else if (el.tagName === "SELECT" && el.multiple) {
          Array.prototype.forEach.call(el.options, function (o) {
            o.selected = items.some(function (f) { return f[1] === o.value; });
          });
        } else if (el.type !== "submit" && el.type !== "button") {
          el.value = items[0][1];
        }
      });
    });
  }

  function showErrors(form, errors) {
    form.querySelectorAll(".offline-errors").forEach(function (el) { el.remove(); });
    Object.keys(errors || {}).forEach(function (name) {
      var ul = document.createElement("ul");
      ul.className = "errors offline-errors";
      ul.setAttribute("role", "alert");
      (errors[name] || []).forEach(function (message) {
        var li = document.createElement("li");
        li.textContent = message;
        ul.appendChild(li);
      });
      var el = name !== "__all__" && form.querySelector("[name='" + name + "']");
      var holder = el && el.type !== "hidden" && el.closest(".field");
      if (holder) holder.appendChild(ul);
      else form.insertBefore(ul, form.firstChild);
    });
  }

  function prepareForms() {
    var match = /(?:^#|&)outbox=([0-9a-f-]{36})/.exec(location.hash);
    document.querySelectorAll("form[data-offline]").forEach(function (form) {
      freshUuid(form);  // a page reopened from the cache must not reuse an old id
    });
    if (!match) return;
    get(match[1]).then(function (entry) {
      if (!entry) return;
      var here = new URL(entry.url, location.href);
      var form = Array.prototype.find.call(document.querySelectorAll("form[data-offline]"), function (f) {
        var action = new URL(f.getAttribute("action") || location.pathname + location.search, location.href);
        return action.pathname === here.pathname && (f.dataset.offline || "form") === entry.kind;
      });
      if (!form) return;
      fill(form, entry);
      showErrors(form, entry.errors);
      var box = notice(form);
      box.className = "offline-notice card offline-editing";
      box.textContent = text("Editing");
      form.scrollIntoView({ block: "start" });
    }).catch(function () {});
  }

  // ---------------------------------------------------------------- the outbox page

  var outboxRoot = document.getElementById("outbox");

  function statusText(entry) {
    if (entry.user && currentUser && entry.user !== currentUser) {
      return outboxRoot.dataset.textOtherUser.replace("%s", entry.user);
    }
    return outboxRoot.dataset["textStatus" + entry.status.charAt(0).toUpperCase() + entry.status.slice(1)] || entry.status;
  }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function renderOutbox() {
    if (!outboxRoot) return Promise.resolve();
    var listEl = outboxRoot.querySelector("[data-outbox-list]");
    var empty = outboxRoot.querySelector("[data-outbox-empty]");
    var sendButton = outboxRoot.querySelector("[data-outbox-send]");
    var t = outboxRoot.dataset;
    return list().then(function (entries) {
      listEl.innerHTML = "";
      empty.hidden = entries.length > 0;
      sendButton.hidden = entries.length === 0;
      outboxRoot.dataset.count = String(entries.length);
      entries.forEach(function (entry) {
        var item = el("li", "outbox-item card status-" + entry.status);
        item.dataset.clientUuid = entry.client_uuid;
        item.dataset.status = entry.status;
        var head = el("div", "outbox-head");
        head.appendChild(el("strong", "outbox-label", entry.label || entry.kind));
        head.appendChild(el("span", "badge outbox-status", statusText(entry)));
        item.appendChild(head);
        var when = new Date(entry.created_at);
        item.appendChild(el("p", "muted outbox-meta", t.textSavedAt + " " + when.toLocaleString()
          + (entry.attempts ? " · " + t.textAttempts + " " + entry.attempts : "")));
        var summary = entry.fields.filter(function (f) {
          return typeof f[1] === "string" && f[1] && f[0] !== "client_uuid" && f[0] !== "csrfmiddlewaretoken"
            && entry.labels && entry.labels[f[0]] && f[1].length > 3;
        }).slice(0, 2);
        summary.forEach(function (f) {
          item.appendChild(el("p", "outbox-field", entry.labels[f[0]] + ": " + f[1].slice(0, 80)));
        });
        if (entry.status === "conflict") {
          var errorBox = el("div", "outbox-errors");
          errorBox.appendChild(el("p", "", t.textServerSaid));
          var ul = el("ul", "errors");
          var errors = entry.errors || {};
          var names = Object.keys(errors);
          if (!names.length) ul.appendChild(el("li", "", t.textRefused));
          names.forEach(function (name) {
            var label = name === "__all__" ? "" : ((entry.labels && entry.labels[name]) || name) + ": ";
            (errors[name] || []).forEach(function (message) { ul.appendChild(el("li", "", label + message)); });
            if (!(errors[name] || []).length) ul.appendChild(el("li", "", label + t.textRefused));
          });
          errorBox.appendChild(ul);
          item.appendChild(errorBox);
        }
        var actions = el("div", "outbox-actions");
        if (entry.status === "conflict") {
          // Only a refused entry is edited: one still waiting may be sent meanwhile, and its
          // client id would then answer with the first version.
          var edit = el("a", "btn btn-small", t.textEdit);
          edit.href = (entry.page_url || new URL(entry.url).pathname) + "#outbox=" + entry.client_uuid;
          edit.dataset.outboxEdit = "";
          actions.appendChild(edit);
        }
        var discard = el("button", "btn btn-small btn-danger", t.textDiscard);
        discard.type = "button";
        discard.dataset.outboxDiscard = "";
        discard.addEventListener("click", function () {
          if (!window.confirm(t.textConfirmDiscard)) return;
          remove(entry.client_uuid).then(renderAll);
        });
        actions.appendChild(discard);
        item.appendChild(actions);
        listEl.appendChild(item);
      });
    });
  }

  function say(message) {
    var box = outboxRoot && outboxRoot.querySelector("[data-outbox-result]");
    if (box) box.textContent = message;
  }

  function renderAll() {
    return Promise.all([refreshIndicator(), renderOutbox()]);
  }

  function runSync(force) {
    if (!navigator.onLine && !force) return Promise.resolve(null);
    return sync({ force: !!force }).then(function (summary) {
      if (outboxRoot && (force || summary.sent || summary.conflicts || summary.auth)) {
        var t = outboxRoot.dataset;
        var parts = [];
        if (summary.sent) parts.push(t.textSent.replace("%s", summary.sent));
        if (summary.conflicts) parts.push(t.textConflicts.replace("%s", summary.conflicts));
        if (summary.auth) parts.push(t.textLogin);
        if (summary.failed) parts.push(t.textNoConnection);
        say(parts.join(" ") || t.textNothing);
      }
      return renderAll().then(function () { return summary; });
    }).catch(function () { return renderAll(); });
  }

  if (outboxRoot) {
    var sendNow = outboxRoot.querySelector("[data-outbox-send]");
    if (sendNow) sendNow.addEventListener("click", function () {
      sendNow.disabled = true;
      say(outboxRoot.dataset.textSending);
      runSync(true).then(function () { sendNow.disabled = false; }, function () { sendNow.disabled = false; });
    });
  }

  // ---------------------------------------------------------------- events

  if (channel) channel.onmessage = function () { renderAll(); };
  document.addEventListener("zhiyang:outbox", function () { renderAll(); });
  // Back online: send everything now (the backoff is for a server that failed, not for
  // the phone's own lost connection).
  window.addEventListener("online", function () { refreshIndicator(); runSync(true); });
  window.addEventListener("offline", function () { refreshIndicator(); });
  setInterval(function () { if (navigator.onLine && currentUser) runSync(false); }, 30000);

  document.querySelectorAll("[data-history-back]").forEach(function (button) {
    button.addEventListener("click", function () { history.back(); });
  });

  prepareForms();
  renderAll().then(function () {
    if (navigator.onLine && currentUser) runSync(false);
  });
})(typeof self !== "undefined" ? self : this);
