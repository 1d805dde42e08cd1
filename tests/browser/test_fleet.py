"""The fleet map at phone width: machines drawn as coloured markers with the legend, a popup
linking to the machine, whose page draws its history chart."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import PHONE, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fleet_map_on_a_phone(logged_in: Callable[..., Any]) -> None:
    from zhiyang.fleet.choices import TYPE_COLOURS
    from zhiyang.fleet.geo import ROUTE_COLOUR

    page = logged_in("equipment_manager", width=PHONE)
    page.goto("/fleet/map/")
    drawn = page.wait_for_selector("#fleet-map[data-layers-drawn]", state="attached")
    assert int(drawn.get_attribute("data-layers-drawn") or "0") > 0
    strokes = page.eval_on_selector_all(
        "#fleet-map path.leaflet-interactive", "els => els.map(e => e.getAttribute('stroke'))"
    )
    machine_strokes = [c for c in strokes if c in TYPE_COLOURS.values()]
    # Every machine: the branch oversees the whole network, its works area's machines included.
    from zhiyang.fleet.models import Equipment

    assert len(machine_strokes) == Equipment.objects.count() == 18
    assert ROUTE_COLOUR in strokes  # the routes under them
    colours = set(machine_strokes)
    assert len(colours) >= 8
    assert page.locator(".fleet-legend li").count() == len(colours)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    shoot(page, "fleet-map", "zh-hans", PHONE)

    markers = page.locator(f"#fleet-map path.leaflet-interactive[stroke='{TYPE_COLOURS['paver']}']")
    markers.first.dispatch_event("click")
    popup = page.wait_for_selector(".leaflet-popup-content")
    link = popup.query_selector("a")
    assert link is not None and "/fleet/machines/" in (link.get_attribute("href") or "")
    shoot(page, "fleet-map-popup", "zh-hans", PHONE)
    # A synthetic click, like the marker's: Leaflet may still be panning the popup into view
    # (autoPan) on a loaded machine, and a pointer click waits for it to stand still.
    with page.expect_navigation():
        link.dispatch_event("click")
    page.wait_for_selector(".chart[data-chart-drawn]", state="attached", timeout=15_000)
    shoot(page, "fleet-machine", "zh-hans", PHONE)
