/* The phone hazard form's GPS button: navigator.geolocation → lon/lat → route and chainage
 * from the server. Texts come from data-text-* attributes rendered by the template. */
(function () {
  "use strict";

  function setup(form) {
    var button = document.getElementById("locate-btn");
    var out = document.getElementById("located");
    if (!button || !out) return;
    var lon = form.querySelector("[name=lon]");
    var lat = form.querySelector("[name=lat]");
    var route = form.querySelector("[name=route]");
    var t = form.dataset;

    function say(message, ok) {
      out.hidden = false;
      out.textContent = message;
      out.classList.toggle("safety-located-ok", !!ok);
    }

    function locateOnServer() {
      if (!lon.value || !lat.value) return;
      var url = t.locateUrl + "?lon=" + encodeURIComponent(lon.value) + "&lat=" + encodeURIComponent(lat.value);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
        .then(function (res) {
          if (!res.ok) { say(t.textFar + " " + (res.data.error || ""), false); return; }
          var d = res.data;
          say(d.route + " " + (d.route_name || "") + " · " + d.chainage + " (±" + Math.round(d.distance_m) + " m)", true);
          out.setAttribute("data-chainage", d.chainage);
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

  function init() {
    var form = document.getElementById("hazard-form");
    if (form) setup(form);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
