/* Condition pages: focus a unit on the condition map (?unit=ID). (The phone distress form's
 * GPS button is web/locate.js, shared with the other field reports.) */
(function () {
  "use strict";

  // Open the popup of the unit a "worst units" link points to (map.js runs first: both are
  // deferred and map.js comes earlier in the page).
  window.zhiyangMaps.onDrawn(function (entry) {
    var el = entry.element;
    var focus = el && el.dataset && el.dataset.focusUnit;
    if (!focus || !entry.layer || el.hasAttribute("data-focused-unit")) return;
    entry.layer.eachLayer(function (lyr) {
      var p = lyr.feature && lyr.feature.properties;
      if (p && String(p.unit) === String(focus)) {
        // A bounded map was already fitted to the unit by the page (data-extent).
        if (lyr.getBounds && el.dataset.bbox !== "1") {
          entry.map.fitBounds(lyr.getBounds(), { maxZoom: 15, padding: [40, 40] });
        }
        lyr.openPopup();
        el.setAttribute("data-focused-unit", focus);
      }
    });
  });
})();
