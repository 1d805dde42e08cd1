/* Condition pages: focus a unit on the condition map (?unit=ID). (The phone distress form's
 * GPS button is web/locate.js, shared with the other field reports.) */
(function () {
  "use strict";

  // Open the popup of the unit a "worst units" link points to.
  function focusUnit(el, entry) {
    var focus = el && el.dataset && el.dataset.focusUnit;
    if (!focus || !entry || !entry.layer || el.hasAttribute("data-focused-unit")) return;
    entry.layer.eachLayer(function (lyr) {
      var p = lyr.feature && lyr.feature.properties;
      if (p && String(p.unit) === String(focus)) {
        if (lyr.getBounds) entry.map.fitBounds(lyr.getBounds(), { maxZoom: 15, padding: [40, 40] });
        lyr.openPopup();
        el.setAttribute("data-focused-unit", focus);
      }
    });
  }

  document.addEventListener("zhiyang:map-drawn", function (event) {
    focusUnit(event.target, event.detail);
  });
  // The map may have been drawn before this (deferred) script ran: map.js starts loading
  // Leaflet and the data as soon as it runs, and a fast answer can come back first.
  (window.zhiyangMaps || []).forEach(function (entry) {
    if (entry.element && entry.element.hasAttribute("data-layers-drawn")) focusUnit(entry.element, entry);
  });
})();
