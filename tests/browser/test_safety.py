"""Hazard reporting from a phone in a real browser: the demo ``worker`` at 375 px with a
faked GPS position on G208 and a small generated PNG photo reports a hazard; the page
places it on the route and the hazard list shows it. Also the work-zone map at desktop."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.conftest import DESKTOP, LOCALES, PHONE, log_in, screenshot_dir, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo() -> Path:
    path = screenshot_dir().parent / f"hazard-{uuid.uuid4().hex[:8]}.png"
    Image.new("RGB", (64, 48), (230, 120, 20)).save(path, format="PNG")
    return path


def test_worker_reports_a_hazard_from_the_phone(demo: Any, browser: Any, live_server: Any) -> None:
    from zhiyang.network import linref
    from zhiyang.network.models import Route
    from zhiyang.safety.models import Hazard

    route = Route.objects.get(code="G208")
    lon, lat = linref.point_at(route, 57_300)
    context = browser.new_context(
        base_url=live_server.url,
        locale=LOCALES["zh-hans"],
        viewport={"width": PHONE, "height": 812},
        device_scale_factor=1,
        geolocation={"longitude": lon, "latitude": lat, "accuracy": 6},
        permissions=["geolocation"],
    )
    context.set_default_timeout(15_000)
    photo = _photo()
    try:
        page = context.new_page()
        log_in(page, "worker", demo.password)
        page.goto("/safety/hazards/report/")
        page.set_input_files("input[name=photo]", str(photo))
        page.click("#locate-btn")
        page.wait_for_selector("#located.located-ok")
        assert "G208" in page.inner_text("#located")
        assert "K57+300" in page.get_attribute("#located", "data-chainage")
        page.select_option("select[name=level]", "larger")
        page.fill("textarea[name=description]", "路侧边坡落石，约 0.5 m³ 侵入硬路肩")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE, f"the report page scrolls sideways at {PHONE} px ({width})"
        shoot(page, "safety-hazard-report", "zh-hans", PHONE)
        with page.expect_navigation():
            page.click("#hazard-submit")
        hazard = Hazard.objects.get(description__startswith="路侧边坡落石")
        assert hazard.route.code == "G208" and abs(hazard.chainage_m - 57_300) < 2
        assert hazard.photo and hazard.reported_by.username == "worker"
        assert page.locator("#hazard-facts img").count() == 1
        shoot(page, "safety-hazard-detail", "zh-hans", PHONE)

        page.goto("/safety/hazards/")
        assert page.locator("#hazard-table td", has_text="路侧边坡落石").count() == 1
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE, f"the hazard list scrolls sideways at {PHONE} px ({width})"
        shoot(page, "safety-hazard-list", "zh-hans", PHONE)
    finally:
        context.close()
        photo.unlink(missing_ok=True)


def test_work_zone_map_and_dashboard(demo: Any, browser: Any, live_server: Any) -> None:
    from zhiyang.safety.models import WorkZone

    zone = WorkZone.objects.get(status="active", route__code="G208")
    context = browser.new_context(
        base_url=live_server.url,
        locale=LOCALES["zh-hans"],
        viewport={"width": DESKTOP, "height": 900},
        device_scale_factor=1,
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        log_in(page, "safety_officer", demo.password)
        page.goto(f"/safety/workzones/{zone.pk}/")
        page.wait_for_selector("#workzone-map path.leaflet-interactive")
        assert page.locator("#workzone-map path.leaflet-interactive").count() >= 6
        assert page.locator("#zone-table tbody tr").count() == 6
        shoot(page, "safety-workzone", "zh-hans", DESKTOP)
        from zhiyang.safety.models import Hazard

        overdue = Hazard.objects.get(escalation_level__gte=1)
        page.goto(f"/safety/hazards/{overdue.pk}/")
        assert page.locator("#step-assign").count() == 1
        assert page.locator("#hazard-facts .badge-danger").count() == 1
        shoot(page, "safety-hazard-steps", "zh-hans", DESKTOP)
        page.goto("/safety/")
        assert page.locator("#hazard-age tbody tr").count() == 3
        # The people app's certificate alerts appear in the dashboard's slot.
        assert page.locator("#expiring-certificates li").count() >= 1
        shoot(page, "safety-dashboard", "zh-hans", DESKTOP)
    finally:
        context.close()


def test_officer_records_a_checklist_on_the_phone(
    demo: Any, browser: Any, live_server: Any
) -> None:
    from zhiyang.safety.models import Hazard, Inspection

    inspection = Inspection.objects.filter(status="planned").order_by("pk").first()
    assert inspection is not None
    items = list(inspection.template.items.all())
    context = browser.new_context(
        base_url=live_server.url,
        locale=LOCALES["zh-hans"],
        viewport={"width": PHONE, "height": 812},
        device_scale_factor=1,
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        log_in(page, "safety_officer", demo.password)
        page.goto(f"/safety/inspections/{inspection.pk}/")
        for item in items:
            page.check(f"input[name=result_{item.pk}][value=pass]")
        page.check(f"input[name=result_{items[0].pk}][value=fail]")
        page.fill(f"input[name=note_{items[0].pk}]", "限速标志被遮挡")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE, f"the checklist scrolls sideways at {PHONE} px ({width})"
        with page.expect_navigation():
            page.click("#checklist button[type=submit].btn-primary")
        inspection.refresh_from_db()
        assert inspection.status == "done"
        shoot(page, "safety-checklist-done", "zh-hans", PHONE)
        with page.expect_navigation():
            page.click(f"button[form=raise-{items[0].pk}]")
        assert Hazard.objects.filter(source_result__inspection=inspection).count() == 1
        assert "/safety/hazards/" in page.url
    finally:
        context.close()
