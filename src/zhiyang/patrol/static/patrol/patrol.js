/* Zhiyang patrol recorder (the "Patrol now" page). See docs/patrol.md.
 *
 * The patrol in progress lives on the phone (localStorage "zhiyang.patrol": its client id,
 * plan, start time and GPS track), so a reload, a closed tab or a lost connection loses
 * nothing. Quick findings are ordinary offline forms (web/offline.js) carrying the patrol's
 * client id; the end of the patrol is one more offline form with the whole track, sent once
 * (the server is idempotent by client_uuid and links the findings to the patrol).
 */
(function () {
  "use strict";
  var root = document.getElementById("patrol-recorder");
  if (!root) return;
  var KEY = "zhiyang.patrol";
  var MIN_STEP_M = 10, MIN_STEP_S = 15;
  var watchId = null;
  var plans = JSON.parse(root.dataset.plans || "[]");
  var kinds = JSON.parse(root.dataset.kinds || "{}");

  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "null"); } catch (e) { return null; } }
  function save(state) { localStorage.setItem(KEY, JSON.stringify(state)); }
  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, function (c) {
      var r = Math.random() * 16 | 0; return (c === "x" ? r : (r & 0x3 | 0x8)).toString(16);
    });
  }
  function metres(a, b) {
    var rad = Math.PI / 180, dLat = (b[1] - a[1]) * rad, dLon = (b[0] - a[0]) * rad;
    var x = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 6371000 * 2 * Math.atan2(Math.sqrt(x), Math.sqrt(1 - x));
  }
  function lengthKm(track) {
    var m = 0;
    for (var i = 1; i < track.length; i++) m += metres(track[i - 1], track[i]);
    return (m / 1000).toFixed(2);
  }
  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, k) { return values[k]; });
  }
  function show(running) {
    root.querySelectorAll("[data-idle]").forEach(function (el) { el.hidden = running; });
    root.querySelectorAll("[data-running]").forEach(function (el) { el.hidden = !running; });
  }
  function render(state) {
    var status = root.querySelector("[data-status]");
    var points = root.querySelector("[data-points]");
    var started = new Date(state.started);
    status.textContent = fmt(root.dataset.textRunning, { time: started.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) });
    points.textContent = fmt(root.dataset.textPoints, { n: state.track.length, km: lengthKm(state.track) });
  }
  function onFix(pos) {
    var state = load();
    if (!state) return;
    var point = [+pos.coords.longitude.toFixed(7), +pos.coords.latitude.toFixed(7), Math.round(pos.timestamp / 1000)];
    var last = state.track[state.track.length - 1];
    if (!last || metres(last, point) >= MIN_STEP_M || point[2] - last[2] >= MIN_STEP_S) {
      state.track.push(point);
      save(state);
    }
    state.lastFix = point;
    save(state);
    render(state);
  }
  function watch() {
    if (!navigator.geolocation) {
      root.querySelector("[data-points]").textContent = root.dataset.textNoGps;
      return;
    }
    if (watchId !== null) return;
    watchId = navigator.geolocation.watchPosition(onFix, function () {}, { enableHighAccuracy: true, maximumAge: 5000, timeout: 30000 });
  }
  function routeOf(state) {
    var plan = plans.filter(function (p) { return String(p.id) === String(state.plan); })[0];
    return plan ? plan.route : "";
  }

  root.querySelector("[data-start]").addEventListener("click", function () {
    var state = { uuid: uuid4(), plan: root.querySelector("[data-plan-select]").value, started: new Date().toISOString(), track: [] };
    save(state);
    show(true);
    render(state);
    prefill(state);
    watch();
  });

  function prefill(state) {
    var end = root.querySelector("[data-end-form]");
    if (state.plan) end.querySelector("[name=plan]").value = state.plan;
    var route = routeOf(state);
    if (route) end.querySelector("[name=route]").value = route;
  }

  // The type list follows the category (the short quick-entry list per category).
  var quick = root.querySelector("[data-quick-finding]");
  var category = quick.querySelector("[name=category]");
  var kind = quick.querySelector("[name=kind]");
  function fillKinds() {
    var options = kinds[category.value] || [];
    kind.innerHTML = "";
    options.forEach(function (o) {
      var opt = document.createElement("option");
      opt.value = o[0]; opt.textContent = o[1]; kind.appendChild(opt);
    });
  }
  category.addEventListener("change", fillKinds);
  fillKinds();

  // Before offline.js keeps the entry: the patrol's id and the last GPS fix.
  quick.addEventListener("submit", function () {
    var state = load();
    if (!state) return;
    quick.querySelector("[name=patrol_uuid]").value = state.uuid;
    var fix = state.lastFix || state.track[state.track.length - 1];
    if (fix) {
      quick.querySelector("[name=lon]").value = fix[0];
      quick.querySelector("[name=lat]").value = fix[1];
    }
    var route = routeOf(state);
    if (route) quick.querySelector("[name=route]").value = route;
  });

  var end = root.querySelector("[data-end-form]");
  end.addEventListener("submit", function () {
    var state = load();
    if (!state) return;
    end.querySelector("[name=client_uuid]").value = state.uuid;
    end.querySelector("[name=track]").value = JSON.stringify(state.track);
    end.querySelector("[name=started_at]").value = state.started;
    end.querySelector("[name=ended_at]").value = new Date().toISOString();
    if (state.plan) end.querySelector("[name=plan]").value = state.plan;
    if (watchId !== null && navigator.geolocation) navigator.geolocation.clearWatch(watchId);
    watchId = null;
    localStorage.removeItem(KEY);  // the outbox holds it from here on
  });

  var current = load();
  if (current) {
    show(true);
    render(current);
    prefill(current);
    watch();
  } else {
    show(false);
  }
})();
