/* The live page: machines on the map and in a table, active alarms, updated from the
 * server-sent event stream (`state` and `alarm` events). Labels come translated from the
 * template (#live-labels); the first data from #live-initial. The stream ends after about a
 * minute and EventSource reconnects with Last-Event-ID, so nothing is missed. */
(function () {
  "use strict";
  var initial = JSON.parse(document.getElementById("live-initial").textContent);
  var L10N = JSON.parse(document.getElementById("live-labels").textContent);
  var root = document.getElementById("live-root");
  var table = document.getElementById("live-machines");
  var alarmList = document.getElementById("live-alarms");
  var statusEl = document.getElementById("live-status");
  var states = {};   // device id -> state payload
  var alarms = {};   // alarm id -> alarm payload (open only)
  var markers = {};  // device id -> Leaflet marker
  var map = null, markerLayer = null, renderer = null, fitted = false;
  var SEVERITY_COLOUR = { critical: "#c92a2a", warning: "#e67700", info: "#1971c2" };
  var OK_COLOUR = "#2b8a3e";
  var FIELDS = {
    paver: ["speed_m_per_min", "mat_temp_c", "screed_temp_c", "thickness_mm"],
    roller: ["speed_kmh", "surface_temp_c", "vibration", "icmv"],
    sprayer: ["rate_l_per_m2", "speed_kmh"],
    truck: ["mix_temp_c", "load_t", "speed_kmh"],
    milling: ["depth_mm", "speed_m_per_min"]
  };

  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function fmt(value) {
    if (value === true) return L10N.on;
    if (value === false) return L10N.off;
    if (Array.isArray(value)) {
      if (!value.length) return "—";
      var sum = 0; value.forEach(function (v) { sum += v; });
      return (sum / value.length).toFixed(1) + " (" + Math.min.apply(null, value).toFixed(1) + "–" + Math.max.apply(null, value).toFixed(1) + ")";
    }
    if (typeof value === "number") return (Math.round(value * 10) / 10).toString();
    return value == null ? "—" : String(value);
  }
  function worst(device) {
    var rank = { info: 1, warning: 2, critical: 3 }, best = null;
    Object.keys(alarms).forEach(function (id) {
      var a = alarms[id];
      if (a.device === device && (!best || rank[a.severity] > rank[best])) best = a.severity;
    });
    return best;
  }
  function age(iso) {
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    return s < 120 ? L10N.ago_s.replace("%s", s) : L10N.ago_min.replace("%s", Math.round(s / 60));
  }

  function valuesHtml(state) {
    var names = FIELDS[state.machine_type] || Object.keys(state.values);
    return names.filter(function (n) { return state.values[n] !== undefined; }).map(function (n) {
      return '<span class="live-value" data-field="' + esc(n) + '"><span class="live-label">' +
        esc(L10N.fields[n] || n) + '</span> <strong>' + esc(fmt(state.values[n])) + '</strong></span>';
    }).join(" ");
  }

  function renderRow(state) {
    var id = "live-row-" + state.device;
    var row = document.getElementById(id);
    if (!row) {
      row = document.createElement("tr");
      row.id = id;
      row.setAttribute("data-device", state.device);
      table.appendChild(row);
      var empty = table.querySelector(".empty");
      if (empty) empty.parentNode.removeChild(empty);
    }
    var sev = worst(state.device);
    row.className = "live-row" + (sev ? " alarm-" + sev : "");
    row.setAttribute("data-seq", state.seq);
    row.innerHTML = '<td class="nowrap"><span class="live-dot" style="background:' +
      esc(SEVERITY_COLOUR[sev] || OK_COLOUR) + '"></span> <strong>' + esc(state.equipment_code) +
      '</strong><br><small class="muted">' + esc(L10N.types[state.equipment_type] || state.equipment_type) +
      '</small></td><td class="live-values">' + valuesHtml(state) + '</td><td class="nowrap live-age" data-time="' +
      esc(state.measured_at) + '">' + esc(age(state.measured_at)) + '</td>';
  }

  function renderMarker(state) {
    if (!map || state.lat == null) return;
    // Leaflet throws when a path is added before its renderer has measured the map (a
    // layout still settling): bring the renderer up to date first, else retry shortly.
    if (renderer && !renderer._bounds && renderer._map) renderer._update();
    try {
      drawMarker(state);
    } catch (e) {
      var broken = markers[state.device];
      if (broken) { try { markerLayer.removeLayer(broken); } catch (ignored) { /* half added */ } }
      delete markers[state.device];
      window.setTimeout(function () { map.invalidateSize(); renderMarker(states[state.device] || state); }, 250);
    }
  }

  function drawMarker(state) {
    var sev = worst(state.device);
    var style = {
      radius: state.machine_type === "paver" ? 10 : 8,
      color: L10N.colours[state.equipment_type] || "#555",
      weight: 3,
      fillColor: SEVERITY_COLOUR[sev] || OK_COLOUR,
      fillOpacity: 0.9,
      renderer: renderer
    };
    var marker = markers[state.device];
    if (!marker) {
      marker = window.L.circleMarker([state.lat, state.lon], style);
      markers[state.device] = marker;
      marker.addTo(markerLayer);
      marker.bindTooltip(esc(state.equipment_code), { permanent: true, direction: "right", className: "live-label-tip" });
    } else {
      marker.setLatLng([state.lat, state.lon]);
      marker.setStyle(style);
    }
    marker.bindPopup("<strong>" + esc(state.equipment_code) + "</strong><br>" + valuesHtml(state));
  }

  function fit() {
    if (!map || fitted) return;
    var pts = Object.keys(markers).map(function (k) { return markers[k].getLatLng(); });
    if (pts.length) {
      fitted = true;
      try {
        map.fitBounds(window.L.latLngBounds(pts), { padding: [30, 30], maxZoom: 17, animate: false });
      } catch (e) { /* a map without a size yet: the markers are still drawn */ }
    }
  }

  function renderAlarms() {
    var ids = Object.keys(alarms).sort(function (a, b) { return b - a; });
    if (!ids.length) {
      alarmList.innerHTML = '<li class="muted empty">' + esc(L10N.no_alarms) + "</li>";
      return;
    }
    var canChange = alarmList.getAttribute("data-can-change") === "1";
    alarmList.innerHTML = ids.map(function (id) {
      var a = alarms[id];
      var buttons = "";
      if (canChange) {
        if (a.status === "active") buttons += '<button type="button" class="btn btn-small" data-act="ack" data-id="' + a.id + '">' + esc(L10N.acknowledge) + "</button> ";
        buttons += '<button type="button" class="btn btn-small" data-act="resolve" data-id="' + a.id + '">' + esc(L10N.resolve) + "</button>";
      }
      return '<li class="live-alarm alarm-' + esc(a.severity) + '" data-alarm="' + a.id + '" data-rule="' + esc(a.rule) + '">' +
        '<span class="badge severity-' + esc(a.severity) + '">' + esc(a.severity_label) + "</span> " +
        "<strong>" + esc(a.equipment_code) + "</strong> " + esc(a.message) +
        ' <small class="muted">' + esc(a.status_label) + "</small>" +
        '<span class="live-actions">' + buttons + "</span></li>";
    }).join("");
  }

  function onState(state) {
    states[state.device] = state;
    renderRow(state);
    renderMarker(state);
    fit();
  }
  function onAlarm(alarm) {
    if (alarm.status === "resolved") delete alarms[alarm.id]; else alarms[alarm.id] = alarm;
    renderAlarms();
    if (states[alarm.device]) { renderRow(states[alarm.device]); renderMarker(states[alarm.device]); }
  }

  alarmList.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-act]");
    if (!button) return;
    var id = button.getAttribute("data-id");
    var template = alarmList.getAttribute(button.getAttribute("data-act") === "ack" ? "data-ack-url" : "data-resolve-url");
    button.disabled = true;
    fetch(template.replace("/0/", "/" + id + "/"), {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": alarmList.getAttribute("data-csrf"), Accept: "application/json" }
    }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    }).then(onAlarm).catch(function () { button.disabled = false; window.alert(L10N.failed); });
  });

  initial.alarms.forEach(function (a) { alarms[a.id] = a; });
  renderAlarms();
  if (!initial.states.length) table.innerHTML = '<tr><td class="empty" colspan="3">' + esc(L10N.no_machines) + "</td></tr>";
  initial.states.forEach(function (s) { states[s.device] = s; renderRow(s); });

  if (window.zhiyangMaps && window.zhiyangMaps.onDrawn) {
    window.zhiyangMaps.onDrawn(function (entry) {
      if (entry.element.id !== "live-map" || map) return;
      map = entry.map;
      markerLayer = window.L.layerGroup().addTo(map);
      renderer = window.L.svg({ padding: 0.5 }).addTo(map);
      map.whenReady(function () {
        try {
          Object.keys(states).forEach(function (k) { renderMarker(states[k]); });
          fit();
        } finally {
          entry.element.setAttribute("data-live-ready", "1");
        }
      });
    });
  }

  setInterval(function () {
    Array.prototype.forEach.call(table.querySelectorAll(".live-age"), function (cell) {
      cell.textContent = age(cell.getAttribute("data-time"));
    });
  }, 5000);

  if (window.EventSource) {
    var source = new EventSource(root.getAttribute("data-stream-url"));
    source.addEventListener("open", function () { statusEl.textContent = L10N.connected; statusEl.className = "live-status live-on"; });
    source.addEventListener("error", function () { statusEl.textContent = L10N.reconnecting; statusEl.className = "live-status live-off"; });
    source.addEventListener("state", function (e) { onState(JSON.parse(e.data)); });
    source.addEventListener("alarm", function (e) { onAlarm(JSON.parse(e.data)); });
    document.body.setAttribute("data-live-stream", "1");
  }
})();
