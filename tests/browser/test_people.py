"""The phone check-in in a real browser: the demo ``worker`` (crew leader 王建国) checks in
at 375 px with a faked GPS position inside the demo work zone and is accepted; the
attendance page then lists him inside the geofence."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, LOCALES, PHONE, log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _active_zone() -> Any:
    """The safety demo's active work zone, or one made here on G208 if it has none."""
    from zhiyang.network.models import Route, Section
    from zhiyang.safety.models import WorkZone

    zone = WorkZone.objects.filter(status="active").select_related("route").order_by("pk").first()
    if zone is not None:
        return zone
    route = Route.objects.get(code="G208")
    section = Section.objects.filter(route=route).order_by("start_m").first()
    assert section is not None
    start = section.start_m + 500
    today = dt.date.today()
    return WorkZone.objects.create(
        name="浏览器测试作业区",
        route=route,
        district=section.district,
        direction="up",
        work_start_m=start,
        work_end_m=start + 400,
        normal_speed_kmh=80,
        speed_limit_kmh=60,
        planned_start=today - dt.timedelta(days=1),
        planned_end=today + dt.timedelta(days=10),
        status="active",
    )


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_worker_checks_in_from_the_phone(
    demo: Any, browser: Any, live_server: Any, lang: str
) -> None:
    from zhiyang.network import linref
    from zhiyang.people.models import CheckIn

    zone = _active_zone()
    lon, lat = linref.point_at(zone.route, (zone.work_start_m + zone.work_end_m) / 2)
    context = browser.new_context(
        base_url=live_server.url,
        locale=LOCALES[lang],
        viewport={"width": PHONE, "height": 812},
        device_scale_factor=1,
        geolocation={"longitude": lon, "latitude": lat, "accuracy": 8},
        permissions=["geolocation"],
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        log_in(page, "worker", demo.password)
        page.goto("/people/checkin/")
        # The position arrives, the zones are ordered, and the button is enabled.
        page.wait_for_selector("#gps-status.ok")
        page.wait_for_selector("#checkin-submit:not([disabled])")
        assert page.locator("select[name=worker]").input_value() != ""
        assert page.locator("select[name=work_zone]").input_value() == str(zone.pk)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE, f"the check-in page scrolls sideways at {PHONE} px ({width})"
        shoot(page, "people-checkin-ready", lang, PHONE)
        with page.expect_navigation():
            page.click("#checkin-submit")
        assert page.locator(".messages li").count() >= 1
        shoot(page, "people-checkin-done", lang, PHONE)

        record = CheckIn.objects.get(worker__user__username="worker", work_zone=zone)
        assert record.inside_geofence and record.distance_m == 0
        assert record.accuracy_m == pytest.approx(8) and record.client_uuid is not None

        # A second tap the same day is refused with a clear message, nothing doubled.
        page.wait_for_selector("#checkin-submit:not([disabled])")
        page.select_option("select[name=worker]", str(record.worker_id))
        page.select_option("select[name=work_zone]", str(zone.pk))
        with page.expect_navigation():
            page.click("#checkin-submit")
        assert page.locator(".errors[role=alert]").count() >= 1
        assert CheckIn.objects.filter(worker=record.worker, work_zone=zone).count() == 1
        shoot(page, "people-checkin-duplicate", lang, PHONE)

        page.goto("/people/attendance/")
        assert page.locator("td", has_text="王建国").count() == 1
        shoot(page, "people-attendance", lang, PHONE)
    finally:
        context.close()


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_safety_officer_sees_alerts_and_full_ids(logged_in: Any, width: int) -> None:
    """The worker list flags expiring certificates; the safety officer sees full ID numbers,
    the manager masked ones."""
    page = logged_in("safety_officer", lang="zh-hans", width=width)
    page.goto("/people/workers/")
    assert page.locator("#certificate-alerts tbody tr").count() >= 3
    assert page.locator("h1 .badge").count() == 1
    codes = page.locator("td code").all_inner_texts()
    assert codes and all("*" not in c for c in codes if c != "—")
    shoot(page, "people-workers", "zh-hans", width)
    page.click("#certificate-alerts tbody tr:first-child a")
    page.wait_for_selector("text=三级安全教育")
    assert page.locator(".badge-danger").count() >= 1
    shoot(page, "people-worker-detail", "zh-hans", width)
    page.goto("/people/crews/")
    shoot(page, "people-crews", "zh-hans", width)
    manager = logged_in("manager", lang="en", width=width)
    manager.goto("/people/workers/")
    masked = manager.locator("td code").all_inner_texts()
    assert masked and all("**********" in c for c in masked if c != "—")
