/* Zhiyang charts: ECharts (vendored, loaded on demand) drawn from JSON option objects.
 *
 * Draws every <div class="chart"> on the page that has either
 *   data-chart-url="URL"    the URL answers an ECharts option object as JSON, or
 *   data-chart-json="ID"    <script type="application/json" id="ID"> holds the option.
 * Include it once per page, after the content (see web/includes/charts_script.html):
 *   <script src="{% static 'web/charts.js' %}" defer
 *           data-echarts-js="{% static 'web/vendor/echarts/echarts.min.js' %}"
 *           data-text-error="..." data-text-empty="..."></script>
 *
 * JSON cannot carry functions, so a few string markers stand for formatters anywhere in
 * the option (`formatter` or `valueFormatter` keys):
 *   "@chainage"   metres as K12+345 (axis labels, tooltips)
 *   "@axisChainage"   the same for an axisPointer label (gets {value})
 *   "@km"         metres as kilometres with 1 decimal
 *   "@percent"    a number with 1 decimal and "%"
 *   "@fixed1", "@fixed2"   a number with 1 or 2 decimals
 * An option with `"empty": true` (or no series) shows data-text-empty instead of a chart (the
 * chart element's own data-text-empty, else the script's).
 * The page's font is used for all text, so Chinese renders with the page's CJK fallback.
 * After drawing, the div gets data-chart-drawn="1" (browser tests wait for it); errors
 * give a message in the div and data-chart-error. window.zhiyangCharts lists the charts.
 */
(function () {
  "use strict";
  if (window.zhiyangCharts && window.zhiyangCharts.init) return;  // included twice
  var script = document.currentScript;
  var cfg = script ? script.dataset : {};
  var echartsUrl = cfg.echartsJs ||
    (script && script.src ? script.src.replace(/charts\.js(\?.*)?$/, "vendor/echarts/echarts.min.js") : "");
  var charts = [];
  window.zhiyangCharts = charts;

  function text(key, fallback) { return (cfg && cfg[key]) || fallback; }

  var waiting = null;
  function loadECharts(callback) {
    if (window.echarts) { callback(); return; }
    if (waiting) { waiting.push(callback); return; }
    waiting = [callback];
    var tag = document.createElement("script");
    tag.src = echartsUrl;
    tag.onload = function () { var w = waiting; waiting = null; w.forEach(function (cb) { cb(); }); };
    tag.onerror = function () {
      var w = waiting; waiting = null;
      w.forEach(function (cb) { cb(new Error("ECharts could not be loaded")); });
    };
    document.head.appendChild(tag);
  }

  function pad(n, width) { var s = String(n); while (s.length < width) s = "0" + s; return s; }

  function chainage(value) {
    var m = Math.round(Number(value));
    if (!isFinite(m)) return String(value);
    var sign = m < 0 ? "-" : "";
    m = Math.abs(m);
    return sign + "K" + Math.floor(m / 1000) + "+" + pad(m % 1000, 3);
  }

  var FORMATTERS = {
    "@chainage": chainage,
    "@axisChainage": function (p) { return chainage(p && typeof p === "object" ? p.value : p); },
    "@km": function (v) { return (Number(v) / 1000).toFixed(1); },
    "@percent": function (v) { return v == null || v === "" ? "–" : Number(v).toFixed(1) + "%"; },
    "@fixed1": function (v) { return v == null || v === "" ? "–" : Number(v).toFixed(1); },
    "@fixed2": function (v) { return v == null || v === "" ? "–" : Number(v).toFixed(2); }
  };

  // Replace the "@name" markers by functions, recursively.
  function resolve(node) {
    if (Array.isArray(node)) { node.forEach(function (v, i) { node[i] = resolve(v); }); return node; }
    if (node && typeof node === "object") {
      Object.keys(node).forEach(function (key) {
        var value = node[key];
        if ((key === "formatter" || key === "valueFormatter") && typeof value === "string" &&
            FORMATTERS[value]) {
          node[key] = FORMATTERS[value];
        } else {
          node[key] = resolve(value);
        }
      });
    }
    return node;
  }

  function showMessage(el, message) {
    var box = el.querySelector(".chart-message");
    if (!box) {
      box = document.createElement("div");
      box.className = "chart-message";
      el.appendChild(box);
    }
    box.textContent = message;
  }

  function fail(el, error) {
    showMessage(el, text("textError", "The chart could not be drawn."));
    el.setAttribute("data-chart-error", String(error && error.message || error));
  }

  function isEmpty(option) {
    if (!option || option.empty) return true;
    var series = option.series;
    return !series || (Array.isArray(series) && series.length === 0);
  }

  function render(el, option) {
    if (isEmpty(option)) {
      showMessage(el, option && option.emptyText || el.dataset.textEmpty ||
        text("textEmpty", "No data to show."));
      el.setAttribute("data-chart-drawn", "0");
      return;
    }
    delete option.empty;
    delete option.emptyText;
    if (!el.clientHeight) el.style.height = "320px";  // no stylesheet gave it a height
    var font = window.getComputedStyle(el).fontFamily;
    option.textStyle = Object.assign({ fontFamily: font }, option.textStyle || {});
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(resolve(option));
    charts.push({ element: el, chart: chart });
    if (window.ResizeObserver) {
      new ResizeObserver(function () { if (!chart.isDisposed()) chart.resize(); }).observe(el);
    } else {
      window.addEventListener("resize", function () { chart.resize(); });
    }
    el.setAttribute("data-chart-drawn", "1");
    el.dispatchEvent(new CustomEvent("zhiyang:chart-drawn", { bubbles: true, detail: chart }));
  }

  function draw(el) {
    if (el.dataset.chartReady) return;
    el.dataset.chartReady = "1";
    if (el.dataset.chartJson) {
      var node = document.getElementById(el.dataset.chartJson);
      try {
        render(el, JSON.parse(node ? node.textContent : "null"));
      } catch (e) { fail(el, e); }
      return;
    }
    fetch(el.dataset.chartUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (option) { render(el, option); })
      .catch(function (e) { fail(el, e); });
  }

  function init(root) {
    var found = (root || document).querySelectorAll(".chart[data-chart-url], .chart[data-chart-json]");
    var list = Array.prototype.slice.call(found);
    if (root && root.matches && root.matches(".chart[data-chart-url], .chart[data-chart-json]")) list.push(root);
    list = list.filter(function (el) { return !el.dataset.chartReady; });
    if (!list.length) return;
    loadECharts(function (error) {
      if (error) { list.forEach(function (el) { fail(el, error); }); return; }
      list.forEach(function (el) { try { draw(el); } catch (e) { fail(el, e); } });
    });
  }

  // Charts swapped out by htmx release their canvas and observers.
  document.addEventListener("htmx:beforeCleanupElement", function (event) {
    var el = event.target;
    if (!el || !el.classList || !el.classList.contains("chart") || !window.echarts) return;
    var chart = window.echarts.getInstanceByDom(el);
    if (chart) chart.dispose();
  });

  charts.init = init;
  charts.chainage = chainage;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(); });
  else init();
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
