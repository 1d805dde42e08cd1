"""The patrol loop in Chromium at 375 px: a patrol recorded with its GPS track and a quick
finding while offline, synced once; then triage → repair (photos) → verify → closed on the
pages; a late task escalates and shows it."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.conftest import PHONE, log_in, screenshot_dir, shoot
from tests.browser.test_offline import (
    _no_sideways_scroll,
    _outbox,
    _pending_in_header,
    _phone,
    _worker_ready,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo() -> Path:
    path = screenshot_dir().parent / f"patrol-{uuid.uuid4().hex[:8]}.png"
    Image.new("RGB", (64, 48), (200, 120, 40)).save(path, format="PNG")
    return path


def test_patrol_offline_then_repair_loop(demo: Any, browser: Any, live_server: Any) -> None:
    from zhiyang.core.actors import SYSTEM
    from zhiyang.network import linref
    from zhiyang.network.models import Route
    from zhiyang.patrol import services
    from zhiyang.patrol.models import Finding, Patrol, RepairTask

    g109 = Route.objects.get(code="G109")
    start = g109.start_m + 2000
    positions = [linref.point_at(g109, start + i * 250) for i in range(6)]
    context = _phone(browser, live_server, *positions[0])
    photo = _photo()
    patrols_before = Patrol.objects.count()
    try:
        page = context.new_page()
        log_in(page, "worker", demo.password)
        page.goto("/patrol/")
        _worker_ready(page)
        page.evaluate(
            """() => { const s = document.querySelector('[data-plan-select]');
                 const o = [...s.options].find(o => o.textContent.includes('G109'));
                 s.value = o.value; }"""
        )
        page.click("#patrol-start")
        page.wait_for_selector("#patrol-status:not(:empty)")
        context.set_offline(True)  # the rest of the patrol has no connection
        for lon, lat in positions[1:]:
            context.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 5})
            page.wait_for_timeout(400)
        page.wait_for_function(
            "() => JSON.parse(localStorage.getItem('zhiyang.patrol')).track.length >= 4"
        )
        page.select_option("#finding-form select[name=category]", "pavement")
        page.select_option("#finding-form select[name=kind]", "pothole")
        page.select_option("#finding-form select[name=severity]", "heavy")
        page.fill("#finding-form input[name=quantity]", "1.5")
        page.set_input_files("#finding-form input[name=photo]", str(photo))
        page.click("#finding-submit")
        page.wait_for_selector("#finding-form ~ .offline-queued, .offline-queued")
        page.fill("#patrol-form input[name=weather]", "晴")
        page.click("#patrol-end")
        page.wait_for_function("() => document.querySelectorAll('.offline-queued').length >= 2")
        _no_sideways_scroll(page)
        shoot(page, "patrol-offline-queued", "zh-hans", PHONE)
        entries = _outbox(page)
        assert sorted(e["kind"] for e in entries) == ["finding", "patrol"]
        assert Patrol.objects.count() == patrols_before  # nothing reached the server yet

        context.set_offline(False)  # the `online` event sends the outbox
        _pending_in_header(page, 0)
        patrol = Patrol.objects.exclude(client_uuid=None).latest("pk")
        assert Patrol.objects.count() == patrols_before + 1
        assert patrol.route == g109 and patrol.patroller.username == "worker"
        assert 0.8 < patrol.covered_km < 1.4
        finding = Finding.objects.get(patrol=patrol)
        assert finding.kind == "pothole" and finding.photo and finding.distress is not None
        # sent again (a lost answer): still one patrol
        summary = page.evaluate("() => ZhiyangOutbox.sync({force: true}).then(s => s.sent)")
        assert summary == 0 and Patrol.objects.count() == patrols_before + 1
    finally:
        context.close()

    eng = browser.new_context(
        base_url=live_server.url, viewport={"width": PHONE, "height": 812}, locale="zh-CN"
    )
    try:
        page = eng.new_page()
        log_in(page, "engineer", demo.password)
        page.goto(f"/patrol/findings/{finding.pk}/")
        page.select_option("#triage-form select[name=decision]", "repair")
        page.select_option("#triage-form select[name=assignee]", label="worker")
        with page.expect_navigation():
            page.click("#triage-form button[type=submit]")
        _no_sideways_scroll(page)
        task = RepairTask.objects.get(finding=finding)
        assert task.response_hours == 48
    finally:
        eng.close()

    crew = browser.new_context(
        base_url=live_server.url, viewport={"width": PHONE, "height": 812}, locale="zh-CN"
    )
    try:
        page = crew.new_page()
        log_in(page, "worker", demo.password)
        page.goto(f"/patrol/tasks/{task.pk}/")
        page.click("#repair-link")
        page.fill("input[name=quantity_done]", "1.6")
        page.fill("textarea[name=materials]", "沥青冷补料 0.2 t")
        page.set_input_files("input[name=photo_before]", str(photo))
        page.set_input_files("input[name=photo_after]", str(photo))
        with page.expect_navigation():
            page.click("form.frame-form button[type=submit]")
        assert page.inner_text("#task-status") == "已维修，待验收"
        _no_sideways_scroll(page)
        shoot(page, "patrol-task-repaired", "zh-hans", PHONE)
    finally:
        crew.close()

    qc = browser.new_context(
        base_url=live_server.url, viewport={"width": PHONE, "height": 812}, locale="zh-CN"
    )
    try:
        page = qc.new_page()
        log_in(page, "qc_inspector", demo.password)
        page.goto(f"/patrol/tasks/{task.pk}/")
        page.click("#verify-link")
        page.select_option("select[name=decision]", "verify")
        with page.expect_navigation():
            page.click("form.frame-form button[type=submit]")
        assert page.inner_text("#task-status") == "已验收关闭"
        task.refresh_from_db()
        assert task.status == "closed" and task.photo_after
        page.goto(f"/patrol/findings/{finding.pk}/")
        assert page.inner_text("#finding-status") == "已维修"

        # A late task escalates (the daily job), and its page says so.
        late = RepairTask.objects.filter(status="open").order_by("deadline").first()
        assert late is not None
        services.escalate_overdue_tasks(actor=SYSTEM, now=late.deadline + dt.timedelta(days=1))
        page.goto(f"/patrol/tasks/{late.pk}/")
        assert "已升级" in page.inner_text("body")
        page.goto("/patrol/measures/")
        _no_sideways_scroll(page)
        shoot(page, "patrol-measures", "zh-hans", PHONE)
        page.goto("/patrol/calendar/")
        assert page.locator(".cal-missed").count() >= 2
        _no_sideways_scroll(page)
        shoot(page, "patrol-calendar", "zh-hans", PHONE)
    finally:
        qc.close()
        photo.unlink(missing_ok=True)
