/* The phone checklist (sop/run_form.html): instant range check of every measurement, the
 * ranges refreshed when the mix/site context changes, and each photo stamped with the time it
 * was taken and the phone's GPS position. The server checks everything again; offline the
 * form goes to the outbox (web/offline.js) with these fields.
 *
 * Inputs: [data-measure] with data-min / data-max; [data-range-for=name] and
 * [data-verdict-for=name] show the range and verdict; [data-context] selects/inputs named
 * ctx-<key>; file inputs [data-photo] with sibling hidden [data-photo-time|lon|lat].
 */
(function () {
  "use strict";

  function verdict(form, input) {
    var out = form.querySelector("[data-verdict-for='" + input.name + "']");
    if (!out) return;
    var raw = input.value.trim();
    input.classList.remove("sop-in-range", "sop-out-of-range");
    if (raw === "") { out.textContent = ""; return; }
    var value = Number(raw);
    var min = input.dataset.min === undefined ? null : Number(input.dataset.min);
    var max = input.dataset.max === undefined ? null : Number(input.dataset.max);
    var ok = isFinite(value) && (min === null || value >= min) && (max === null || value <= max);
    input.classList.add(ok ? "sop-in-range" : "sop-out-of-range");
    out.textContent = ok ? "✓ " + form.dataset.textInRange : "✗ " + form.dataset.textOutOfRange;
    out.className = "sop-verdict " + (ok ? "tone-good" : "tone-bad");
  }

  function refreshRanges(form) {
    var url = form.dataset.rangesUrl;
    if (!url || !navigator.onLine) return;
    var params = new URLSearchParams();
    var version = form.querySelector("[name=version]");
    if (version) params.set("version", version.value);
    form.querySelectorAll("[data-context]").forEach(function (el) { params.set(el.name, el.value); });
    fetch(url + "?" + params.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        Object.keys(data).forEach(function (name) {
          var input = form.querySelector("[name='" + name + "']");
          if (!input) return;
          var spec = data[name];
          if (spec.min === null) delete input.dataset.min; else input.dataset.min = spec.min;
          if (spec.max === null) delete input.dataset.max; else input.dataset.max = spec.max;
          var label = form.querySelector("[data-range-for='" + name + "']");
          if (label) label.textContent = spec.error ? spec.error : spec.range;
          verdict(form, input);
        });
      })
      .catch(function () { /* offline or refused: keep the ranges shown */ });
  }

  function stampPhoto(form, input) {
    var field = input.closest(".field") || input.parentNode;
    var time = field.querySelector("[data-photo-time]");
    var lon = field.querySelector("[data-photo-lon]");
    var lat = field.querySelector("[data-photo-lat]");
    var stamp = field.querySelector("[data-photo-stamp]");
    var file = input.files && input.files[0];
    if (!file) { if (time) time.value = ""; return; }
    var taken = new Date(file.lastModified || Date.now());
    if (time) time.value = taken.toISOString();
    if (stamp) stamp.textContent = taken.toLocaleString();
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(function (pos) {
      if (lon) lon.value = pos.coords.longitude.toFixed(7);
      if (lat) lat.value = pos.coords.latitude.toFixed(7);
      if (stamp) stamp.textContent = taken.toLocaleString() + " · " + pos.coords.latitude.toFixed(5) + ", " + pos.coords.longitude.toFixed(5);
      var formLon = form.querySelector("[name=lon]");
      var formLat = form.querySelector("[name=lat]");
      if (formLon && !formLon.value) formLon.value = lon.value;
      if (formLat && !formLat.value) formLat.value = lat.value;
    }, function () { /* no position: the run's own position is used */ },
    { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  function setup(form) {
    form.querySelectorAll("[data-measure]").forEach(function (input) {
      input.addEventListener("input", function () { verdict(form, input); });
      verdict(form, input);
    });
    form.querySelectorAll("[data-context]").forEach(function (el) {
      el.addEventListener("change", function () { refreshRanges(form); });
    });
    form.querySelectorAll("[data-photo]").forEach(function (input) {
      input.addEventListener("change", function () { stampPhoto(form, input); });
    });
  }

  function init() { document.querySelectorAll("form.sop-checklist").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
