"""Road assets in a real browser at 375 px: the demo ``worker`` captures a roadside
inspection on the phone (a missing sign on G110), the inspection list shows it; the asset
map draws the demo inventory of G208 (lines and points) without sideways scrolling."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PHONE, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways(page: Any, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{what} scrolls sideways at {PHONE} px ({width})"


def test_capture_and_map_on_the_phone(logged_in: Any) -> None:
    from zhiyang.assets.models import Damage, Inspection
    from zhiyang.network.models import Route

    route = Route.objects.get(code="G110")
    page = logged_in("worker", lang="zh-hans", width=PHONE)
    page.goto("/assets/inspections/capture/")
    page.select_option("select[name=route]", str(route.pk))
    page.fill("input[name=chainage_m]", "K270+450")
    page.select_option("select[name=kind]", "patrol")
    page.select_option("select[name=damage]", "tci:sign_damage")
    page.fill("input[name=quantity]", "1")
    page.fill("textarea[name=note]", "限速标志缺失（浏览器测试）")
    _no_sideways(page, "the capture page")
    shoot(page, "assets-capture", "zh-hans", PHONE)
    before = Inspection.objects.count()
    with page.expect_navigation():
        page.click("#inspection-form button[type=submit]")
    assert Inspection.objects.count() == before + 1
    damage = Damage.objects.get(inspection__note__startswith="限速标志缺失")
    assert (damage.index, damage.item, damage.quantity, damage.chainage_m) == (
        "tci",
        "sign_damage",
        1.0,
        270_450.0,
    )
    assert page.locator("#damage-table td", has_text="标志缺损").count() == 1
    _no_sideways(page, "the inspection page")

    page.goto("/assets/map/?route=G208")
    page.wait_for_selector("#asset-map[data-layers-drawn]")
    drawn = int(page.get_attribute("#asset-map", "data-layers-drawn") or 0)
    assert drawn >= 15, drawn
    assert page.locator("#asset-map path.leaflet-interactive").count() >= 10
    _no_sideways(page, "the asset map")
    shoot(page, "assets-map", "zh-hans", PHONE)

    page.goto("/assets/structures/")
    assert page.locator("#structure-table td", has_text="S342-BR-1").count() == 1
    _no_sideways(page, "the structures register")
    page.goto("/assets/mqi/?route=G208")
    assert page.locator("#mqi-units tbody tr").count() >= 19
    _no_sideways(page, "the MQI page")
    shoot(page, "assets-mqi", "zh-hans", PHONE)
