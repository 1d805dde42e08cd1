// The phone check-in: read the position, offer the nearest active work zones first, and
// give every submission a client id so that a retry after a lost connection is not doubled.
(function () {
  "use strict";
  var form = document.getElementById("checkin-form");
  if (!form) return;
  var status = document.getElementById("gps-status");
  var submit = document.getElementById("checkin-submit");
  var zoneSelect = form.querySelector("select[name=work_zone]");
  var field = function (name) { return form.querySelector("input[name=" + name + "]"); };
  var text = function (key) { return form.dataset["text" + key] || ""; };

  function uuid4() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }
  if (!field("client_uuid").value) field("client_uuid").value = uuid4();

  function show(message, kind) {
    status.textContent = message;
    status.className = "gps-status" + (kind ? " " + kind : "");
  }

  function orderZones(lon, lat) {
    var url = form.dataset.zonesUrl + "?lon=" + encodeURIComponent(lon) + "&lat=" + encodeURIComponent(lat);
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { zones: [] }; })
      .then(function (data) {
        if (!zoneSelect || !data.zones || !data.zones.length) return;
        var chosen = zoneSelect.value;
        var byId = {};
        Array.prototype.forEach.call(zoneSelect.options, function (o) { byId[o.value] = o; });
        data.zones.forEach(function (zone) {
          var option = byId[String(zone.id)];
          if (!option) return;
          var where = zone.inside ? text("Inside") : Math.round(zone.distance_m) + " " + text("Away");
          option.textContent = zone.name + " (" + where + ")";
          zoneSelect.appendChild(option);  // moves it: nearest first
        });
        var blank = byId[""];
        if (blank) zoneSelect.insertBefore(blank, zoneSelect.firstChild);
        if (!chosen || chosen === "") zoneSelect.value = String(data.zones[0].id);
      })
      .catch(function () { /* the unordered list still works */ });
  }

  if (!navigator.geolocation) {
    show(text("Unsupported"), "error");
    return;
  }
  show(text("Locating"));
  navigator.geolocation.getCurrentPosition(
    function (position) {
      var c = position.coords;
      field("lon").value = c.longitude.toFixed(7);
      field("lat").value = c.latitude.toFixed(7);
      field("accuracy_m").value = c.accuracy != null ? c.accuracy.toFixed(1) : "";
      show(text("Located") + " · " + text("Accuracy") + " ±" + Math.round(c.accuracy || 0) + " m", "ok");
      orderZones(c.longitude, c.latitude).then(function () { submit.disabled = false; });
    },
    function (error) {
      show(error.code === 1 ? text("Denied") : text("Unavailable"), "error");
    },
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
  );
  form.addEventListener("submit", function () { submit.disabled = true; });
})();
