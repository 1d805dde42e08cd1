/* Zhiyang network maps.
 *
 * Draws every <div class="map" data-geojson-url="..."> on the page with Leaflet (served
 * locally; loaded on demand only when a page has a map). Optional attributes:
 *   data-tile-url, data-tile-attribution  XYZ tiles; without them a plain background
 *   data-legend-target="ID"              fill element #ID with a legend by route
 *   data-route-url="/network/routes/__CODE__/"  link popups to the route page
 *
 * Feature properties (the generic contract every app may rely on):
 *   color        stroke / marker colour (else a colour per route)
 *   weight       stroke width in px (lines 5, points: marker radius 7)
 *   fill_color, fill_opacity   polygon and marker fill (default: color, 0.35 / 0.85)
 *   title        popup heading
 *   popup        list of [label, value] pairs shown in the popup (escaped here)
 *   url, url_label   a link at the bottom of the popup (url_label defaults to
 *                    data-text-details, "Details"); only same-site or http(s) URLs
 * Point features are drawn as circle markers, LineString and Polygon as paths. Features
 * without `title` and `popup` get the route/section popup (route, chainage, district,
 * pavement). Pages render their own legends in HTML. After drawing, the div gets
 * data-layers-drawn="N" (browser tests wait for it); window.zhiyangMaps lists maps.
 * popup_url    fetched (JSON with the same title/popup/url properties) when the popup
 *              opens, so big layers need not carry every popup's text
 * data-bbox="1" bounded data: the map first fits data-extent ("west,south,east,north"), then
 * requests data-geojson-url with &bbox=west,south,east,north&zoom=Z of its view, again after
 * every pan or zoom (the newest answer wins); data-layers-drawn is set after each draw.
 * data-fit="0" keeps the view instead of fitting the data; `zhiyang:map-drawn` is
 * dispatched on the div with the entry {element, map, layer, count} as detail. Page scripts
 * use window.zhiyangMaps.onDrawn(callback), which also calls back for maps drawn before the
 * page script ran (a deferred script can run after a fast fetch has drawn the map).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var cfg = script ? script.dataset : {};
  var PALETTE = [
    "#1b6ac9", "#d9480f", "#2b8a3e", "#862e9c", "#c2255c", "#0b7285",
    "#e67700", "#5c7cfa", "#5f3dc4", "#087f5b", "#a61e4d", "#364fc7"
  ];
  window.zhiyangMaps = window.zhiyangMaps || [];
  window.zhiyangMaps.onDrawn = function (callback) {
    window.zhiyangMaps.forEach(function (entry) { if (entry.layer) callback(entry); });
    document.addEventListener("zhiyang:map-drawn", function (event) { callback(event.detail); });
  };

  function text(key, fallback) { return (cfg && cfg[key]) || fallback; }

  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function loadLeaflet(callback) {
    if (window.L) { callback(); return; }
    if (cfg.leafletCss && !document.querySelector('link[data-leaflet]')) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = cfg.leafletCss;
      link.setAttribute("data-leaflet", "");
      document.head.appendChild(link);
    }
    var tag = document.createElement("script");
    tag.src = cfg.leafletJs;
    tag.onload = callback;
    document.head.appendChild(tag);
  }

  function fetchAll(url, features, done, fail) {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        var page = data.features || (data.results && data.results.features) || data.results || [];
        features.push.apply(features, page);
        if (data.next) fetchAll(data.next, features, done, fail);
        else done(features);
      })
      .catch(fail);
  }

  function routeKey(props) { return props.route || props.code || ""; }

  function colourFor(routes) {
    var codes = Object.keys(routes).sort();
    var colours = {};
    codes.forEach(function (code, i) { colours[code] = PALETTE[i % PALETTE.length]; });
    return colours;
  }

  var labels = null;
  function label(kind, value) {
    if (labels === null) {
      var node = document.getElementById("zhiyang-map-labels");
      try { labels = node ? JSON.parse(node.textContent) : {}; } catch (e) { labels = {}; }
    }
    return (labels[kind] && labels[kind][value]) || value;
  }

  function genericPopup(props) {
    var html = '<div class="map-popup">';
    if (props.title != null && props.title !== "") {
      html += '<div class="map-popup-title">' + esc(props.title) + "</div>";
    }
    var rows = Array.isArray(props.popup) ? props.popup : [];
    if (rows.length) {
      html += "<dl>";
      rows.forEach(function (row) {
        if (!Array.isArray(row)) return;
        html += "<dt>" + esc(row[0]) + "</dt><dd>" + esc(row[1]) + "</dd>";
      });
      html += "</dl>";
    }
    if (props.url && /^(\/|https?:)/.test(String(props.url))) {
      html += '<a href="' + esc(props.url) + '">' + esc(props.url_label || text("textDetails", "Details")) + " →</a>";
    }
    return html + "</div>";
  }

  function popupHtml(props, routeUrl) {
    if ((props.title != null && props.title !== "") || Array.isArray(props.popup)) {
      return genericPopup(props);
    }
    var code = routeKey(props);
    var title = esc(code) + (props.route_name ? " " + esc(props.route_name) : "");
    var html = '<div class="map-popup"><div class="map-popup-title">' + title + "</div><dl>";
    if (props.start || props.end) {
      html += "<dt>" + esc(text("textChainage", "Chainage")) + "</dt><dd>" +
        esc(props.start || "") + " – " + esc(props.end || "") + "</dd>";
    }
    var district = props.district_name || props.district;
    if (district) {
      html += "<dt>" + esc(text("textDistrict", "District")) + "</dt><dd>" + esc(district) + "</dd>";
    }
    if (props.pavement) {
      html += "<dt>" + esc(text("textPavement", "Pavement")) + "</dt><dd>" +
        esc(label("pavement", props.pavement)) + "</dd>";
    }
    html += "</dl>";
    if (routeUrl && code) {
      html += '<a href="' + esc(routeUrl.replace("__CODE__", encodeURIComponent(code))) + '">' +
        esc(text("textOpen", "Open route")) + " →</a>";
    }
    return html + "</div>";
  }

  function numberOr(value, fallback) {
    var n = Number(value);
    return value != null && value !== "" && isFinite(n) ? n : fallback;
  }

  function styleOf(p, colours) {
    var colour = p.color || colours[routeKey(p)] || PALETTE[0];
    return {
      color: colour, weight: numberOr(p.weight, 5), opacity: 0.9,
      fillColor: p.fill_color || colour, fillOpacity: numberOr(p.fill_opacity, 0.35),
      lineCap: "round", lineJoin: "round"
    };
  }

  function showMessage(el, message) {
    var box = el.querySelector(".map-message");
    if (!box) {
      box = document.createElement("div");
      box.className = "map-message";
      el.appendChild(box);
    }
    box.textContent = message;
  }

  function fillLegend(el, routes, colours) {
    var target = el.dataset.legendTarget && document.getElementById(el.dataset.legendTarget);
    if (!target) return;
    target.innerHTML = "";
    Object.keys(routes).sort().forEach(function (code) {
      var li = document.createElement("li");
      li.innerHTML = '<span class="legend-swatch" style="background:' + colours[code] + '"></span>' +
        "<strong>" + esc(code) + "</strong>" +
        (routes[code] ? ' <span class="legend-name">' + esc(routes[code]) + "</span>" : "");
      target.appendChild(li);
    });
  }

  function draw(el) {
    if (el.dataset.mapReady) return;
    el.dataset.mapReady = "1";
    var L = window.L;
    var tileUrl = el.dataset.tileUrl;
    var map = L.map(el, { zoomControl: true, attributionControl: !!tileUrl, zoomSnap: 0.25 });
    L.control.scale({ imperial: false }).addTo(map);
    map.setView([40.08, 113.3], 9);  // Datong until the data arrive
    if (tileUrl) {
      L.tileLayer(tileUrl, { maxZoom: 19, attribution: el.dataset.tileAttribution || "" }).addTo(map);
    } else {
      el.classList.add("map-plain");
    }
    var entry = { element: el, map: map, layer: null, count: 0 };
    window.zhiyangMaps.push(entry);
    var bounded = el.dataset.bbox === "1";
    var extent = (el.dataset.extent || "").split(",").map(Number);
    if (bounded && extent.length === 4 && extent.every(isFinite)) {
      map.fitBounds([[extent[1], extent[0]], [extent[3], extent[2]]], { padding: [20, 20], maxZoom: 15, animate: false });
    }

    // Bounded maps ask for half a view more on each side, and ask again only when the view
    // leaves what was loaded or the zoom changes (a popup panning into view does not reload).
    var loaded = null;
    function viewUrl() {
      var url = el.dataset.geojsonUrl;
      if (!bounded) return url;
      var b = map.getBounds().pad(0.5);
      loaded = { bounds: b, zoom: Math.round(map.getZoom()) };
      var box = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) {
        return v.toFixed(5);
      }).join(",");
      return url + (url.indexOf("?") < 0 ? "?" : "&") + "bbox=" + box + "&zoom=" + Math.round(map.getZoom());
    }

    var generation = 0;
    function load() {
      var mine = ++generation;
      fetchAll(viewUrl(), [], function (features) {
        if (mine === generation) drawFeatures(features);
      }, function (error) {
        if (mine !== generation) return;
        showMessage(el, text("textError", "The map data could not be loaded."));
        el.setAttribute("data-map-error", String(error && error.message || error));
        el.setAttribute("data-layers-drawn", "0");
      });
    }

    function fetchPopup(lyr, p) {
      fetch(p.popup_url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          p.popup = Array.isArray(data.popup) ? data.popup : [];
          if (data.title) p.title = data.title;
          if (data.url) { p.url = data.url; p.url_label = data.url_label; }
          p.popup_loaded = true;
          lyr.setPopupContent(popupHtml(p, el.dataset.routeUrl));
        })
        .catch(function () {
          lyr.setPopupContent(popupHtml(p, el.dataset.routeUrl) +
            '<p class="map-popup-error">' + esc(text("textError", "The map data could not be loaded.")) + "</p>");
        });
    }

    function drawFeatures(features) {
      var routes = {};
      features.forEach(function (f) {
        var p = f.properties || {};
        if (routeKey(p) && !(routeKey(p) in routes)) routes[routeKey(p)] = p.route_name || "";
      });
      var colours = colourFor(routes);
      var drawable = features.filter(function (f) { return f.geometry; });
      var layer = L.geoJSON({ type: "FeatureCollection", features: drawable }, {
        style: function (f) { return styleOf(f.properties || {}, colours); },
        pointToLayer: function (f, latlng) {
          var p = f.properties || {};
          var style = styleOf(p, colours);
          style.radius = numberOr(p.radius, numberOr(p.weight, 7));
          style.weight = 2;
          style.fillOpacity = numberOr(p.fill_opacity, 0.85);
          return L.circleMarker(latlng, style);
        },
        onEachFeature: function (f, lyr) {
          var p = f.properties || {};
          lyr.bindPopup(popupHtml(p, el.dataset.routeUrl));
          if (p.popup_url && /^\//.test(String(p.popup_url))) {
            lyr.on("popupopen", function () { if (!p.popup_loaded) fetchPopup(lyr, p); });
          }
          if (lyr.setStyle && !(lyr instanceof L.CircleMarker)) {
            var base = numberOr(p.weight, 5);
            lyr.on("mouseover", function () { lyr.setStyle({ weight: base + 3 }); });
            lyr.on("mouseout", function () { layer.resetStyle(lyr); });
          }
        }
      });
      if (entry.layer) map.removeLayer(entry.layer);
      layer.addTo(map);
      entry.layer = layer;
      entry.count = layer.getLayers().length;
      var bounds = layer.getBounds();
      map.invalidateSize();  // the layout may have settled since the map was created
      var box = el.querySelector(".map-message");
      if (box) box.remove();
      if (bounds.isValid()) {
        if (el.dataset.fit !== "0" && !bounded) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
      } else if (!bounded || !(extent.length === 4 && extent.every(isFinite))) {
        showMessage(el, text("textEmpty", "No road sections to show."));
      }
      fillLegend(el, routes, colours);
      el.setAttribute("data-layers-drawn", String(entry.count));
      el.dispatchEvent(new CustomEvent("zhiyang:map-drawn", { bubbles: true, detail: entry }));
    }

    load();
    if (bounded) {
      var timer = null;
      var popupOpen = false, stale = false;
      var reload = function () {
        if (loaded && loaded.zoom === Math.round(map.getZoom()) && loaded.bounds.contains(map.getBounds())) return;
        // Replacing the layer would close the popup being read: wait until it is closed.
        if (popupOpen) { stale = true; return; }
        load();
      };
      map.on("popupopen", function () { popupOpen = true; });
      map.on("popupclose", function () {
        popupOpen = false;
        if (stale) { stale = false; reload(); }
      });
      map.on("moveend", function () {
        clearTimeout(timer);
        timer = setTimeout(reload, 250);
      });
    }

    // Keep Leaflet's size right when the layout changes (drawer, rotation).
    if (window.ResizeObserver) new ResizeObserver(function () { map.invalidateSize(); }).observe(el);
  }

  function init(root) {
    var maps = (root || document).querySelectorAll(".map[data-geojson-url]");
    if (!maps.length) return;
    loadLeaflet(function () { maps.forEach(draw); });
  }

  window.zhiyangMaps.init = init;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(); });
  else init();
  // Maps inside content swapped in by htmx.
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
