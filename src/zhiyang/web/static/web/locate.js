/* The GPS button of phone field reports (web/includes/field_report_form.html).
 *
 * In every form[data-locate-url]: the [data-locate-button] fills the lon/lat inputs from
 * navigator.geolocation, then asks the server (network:locate) which route and chainage the
 * point lies on and shows it in [data-located] (which gets data-chainage). A route <select>
 * left empty is set to the located route. Typing lon/lat by hand locates too. Texts come
 * from the form's data-text-* attributes, rendered translated by the template.
 */
(function () {
  "use strict";

  function setup(form) {
    var button = form.querySelector("[data-locate-button]");
    var out = form.querySelector("[data-located]");
    var lon = form.querySelector("[name=lon]");
    var lat = form.querySelector("[name=lat]");
    if (!button || !out || !lon || !lat) return;
    var route = form.querySelector("select[name=route]");
    var t = form.dataset;

    function say(message, ok) {
      out.hidden = false;
      out.textContent = message;
      out.classList.toggle("located-ok", !!ok);
    }

    function locateOnServer() {
      if (!lon.value || !lat.value) return;
      var url = t.locateUrl + "?lon=" + encodeURIComponent(lon.value) +
        "&lat=" + encodeURIComponent(lat.value);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (res) {
          if (!res.ok) { say(t.textFar + " " + (res.data.error || ""), false); return; }
          var d = res.data;
          say(d.route + " " + (d.route_name || "") + " · " + d.chainage +
            " (±" + Math.round(d.distance_m) + " m)", true);
          out.setAttribute("data-chainage", d.chainage);
          if (route && !route.value) route.value = String(d.route_id);
        })
        .catch(function (e) { say(t.textFar + " " + e, false); });
    }

    button.addEventListener("click", function () {
      if (!navigator.geolocation) { say(t.textNoGps, false); return; }
      say(t.textLocating, false);
      navigator.geolocation.getCurrentPosition(function (pos) {
        lon.value = pos.coords.longitude.toFixed(7);
        lat.value = pos.coords.latitude.toFixed(7);
        locateOnServer();
      }, function (err) {
        say(t.textDenied + " " + ((err && err.message) || ""), false);
      }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 10000 });
    });
    [lon, lat].forEach(function (input) { input.addEventListener("change", locateOnServer); });
  }

  function init(root) {
    (root || document).querySelectorAll("form[data-locate-url]").forEach(setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(); });
  else init();
})();
