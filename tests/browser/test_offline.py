"""Offline phone forms in a real browser at 375 px (web/static/web/offline.js, docs/offline.md).

The phone goes offline with ``context.set_offline(True)`` (which also cuts it off from the
live server), fills a form, sees it saved in the outbox, comes back online and the outbox
sends it: exactly one record on the server, also when the same entry is sent again. A second
check-in of the same day is refused by the server and shown on /outbox/ as a conflict. The
service worker keeps the pages opened online, so they reload offline. The checklist run
(the issue's flow) and the daily report follow the same contract; an entry whose session
ended waits for the login and is sent after it.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.conftest import LOCALES, PHONE, log_in, screenshot_dir, shoot
from tests.browser.test_people import _active_zone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUEUED = {
    "zh-hans": "已保存在本机；恢复网络后将自动发送。",
    "en": "Saved on this phone; it will be sent when you are back online.",
}


def _phone(browser: Any, live_server: Any, lon: float, lat: float, lang: str = "zh-hans") -> Any:
    context = browser.new_context(
        base_url=live_server.url,
        locale=LOCALES[lang],
        viewport={"width": PHONE, "height": 812},
        device_scale_factor=1,
        geolocation={"longitude": lon, "latitude": lat, "accuracy": 6},
        permissions=["geolocation"],
    )
    context.set_default_timeout(15_000)
    return context


def _photo() -> Path:
    path = screenshot_dir().parent / f"offline-{uuid.uuid4().hex[:8]}.png"
    Image.new("RGB", (64, 48), (40, 120, 220)).save(path, format="PNG")
    return path


def _worker_ready(page: Any) -> None:
    """The service worker is installed and controls the page."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("() => !!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("() => !!navigator.serviceWorker.controller")


def _outbox(page: Any) -> list[dict[str, Any]]:
    return page.evaluate(
        """() => ZhiyangOutbox.list().then(rows => rows.map(r => ({
            client_uuid: r.client_uuid, kind: r.kind, status: r.status, user: r.user,
            errors: r.errors,
            files: r.fields.filter(f => typeof f[1] !== "string").map(f => [f[0], f[2], f[1].size])
        })))"""
    )


def _pending_in_header(page: Any, count: int) -> None:
    if count:
        page.wait_for_selector(f"[data-net-status][data-count='{count}']:not([hidden])")
    else:
        page.wait_for_selector("[data-net-status][data-count='0']", state="attached")


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{page.url} scrolls sideways at {PHONE} px ({width})"


def test_hazard_report_offline_is_sent_once(demo: Any, browser: Any, live_server: Any) -> None:
    from zhiyang.network import linref
    from zhiyang.network.models import Route
    from zhiyang.safety.models import Hazard

    lon, lat = linref.point_at(Route.objects.get(code="G208"), 57_300)
    context = _phone(browser, live_server, lon, lat)
    photo = _photo()
    before = Hazard.objects.count()
    try:
        page = context.new_page()
        log_in(page, "worker", demo.password)
        page.goto("/safety/hazards/report/")
        _worker_ready(page)
        page.click("#locate-btn")
        page.wait_for_selector("#located.located-ok")

        context.set_offline(True)
        page.set_input_files("input[name=photo]", str(photo))
        page.select_option("select[name=level]", "larger")
        page.fill("textarea[name=description]", "离线上报：边沟堵塞，积水漫上行车道")
        page.click("#hazard-submit")
        page.wait_for_selector(".offline-queued")
        assert QUEUED["zh-hans"] in page.inner_text(".offline-queued")
        assert page.locator("#hazard-form").is_hidden()
        _pending_in_header(page, 1)
        assert page.get_attribute("[data-net-status]", "data-online") == "false"
        _no_sideways_scroll(page)
        shoot(page, "offline-hazard-queued", "zh-hans", PHONE)
        entries = _outbox(page)
        assert len(entries) == 1 and entries[0]["kind"] == "hazard"
        assert entries[0]["user"] == "worker" and entries[0]["status"] == "pending"
        assert entries[0]["files"] == [["photo", photo.name, photo.stat().st_size]]
        key = entries[0]["client_uuid"]
        assert Hazard.objects.count() == before  # nothing reached the server
        # Keep a copy to send again later, as a phone that lost the answer would.
        page.evaluate("key => ZhiyangOutbox.get(key).then(e => { window.__copy = e; })", key)

        page.goto("/outbox/")  # reopened offline, from the service worker's cache
        page.wait_for_selector(f"#outbox-list > li[data-client-uuid='{key}']")
        _no_sideways_scroll(page)
        shoot(page, "offline-outbox-pending", "zh-hans", PHONE)
        page.goto("/safety/hazards/report/")
        page.evaluate("key => ZhiyangOutbox.get(key).then(e => { window.__copy = e; })", key)

        context.set_offline(False)  # the `online` event sends the outbox
        _pending_in_header(page, 0)
        hazard = Hazard.objects.get(client_uuid=key)
        assert Hazard.objects.count() == before + 1
        assert hazard.description.startswith("离线上报") and hazard.photo
        assert hazard.reported_by.username == "worker" and hazard.route.code == "G208"

        # The same entry sent again (a retry after a lost answer): the server answers 200
        # with the first report, and there is still one hazard.
        summary = page.evaluate(
            """key => ZhiyangOutbox.put(window.__copy)
                .then(() => ZhiyangOutbox.sync({force: true}))
                .then(s => ({sent: s.sent, status: s.results[key].status}))""",
            key,
        )
        assert summary == {"sent": 1, "status": 200}
        assert Hazard.objects.filter(client_uuid=key).count() == 1
        assert Hazard.objects.count() == before + 1
        assert _outbox(page) == []
    finally:
        context.close()
        photo.unlink(missing_ok=True)


def test_check_in_offline_and_a_conflict(demo: Any, browser: Any, live_server: Any) -> None:
    from zhiyang.network import linref
    from zhiyang.people.models import CheckIn

    zone = _active_zone()
    lon, lat = linref.point_at(zone.route, (zone.work_start_m + zone.work_end_m) / 2)
    context = _phone(browser, live_server, lon, lat, lang="en")
    before = CheckIn.objects.count()
    try:
        page = context.new_page()
        log_in(page, "worker", demo.password)
        page.goto("/people/checkin/")
        _worker_ready(page)
        page.wait_for_selector("#checkin-submit:not([disabled])")
        worker_id = page.locator("select[name=worker]").input_value()
        assert worker_id

        context.set_offline(True)
        page.select_option("select[name=work_zone]", str(zone.pk))
        page.click("#checkin-submit")
        page.wait_for_selector(".offline-queued")
        assert QUEUED["en"] in page.inner_text(".offline-queued")
        # The same worker again at the same zone: a new entry the server will refuse.
        page.click(".offline-queued button")
        page.wait_for_selector("#checkin-form:not([hidden])")
        page.select_option("select[name=worker]", worker_id)
        page.select_option("select[name=work_zone]", str(zone.pk))
        page.click("#checkin-submit")
        page.wait_for_selector(".offline-queued")
        _pending_in_header(page, 2)
        entries = _outbox(page)
        assert [e["kind"] for e in entries] == ["checkin", "checkin"]
        assert entries[0]["client_uuid"] != entries[1]["client_uuid"]
        assert CheckIn.objects.count() == before

        page.goto("/outbox/")
        page.wait_for_selector("#outbox-list > li >> nth=1")
        context.set_offline(False)
        page.wait_for_selector("#outbox-list > li.status-conflict")
        assert page.locator("#outbox-list > li").count() == 1
        assert CheckIn.objects.count() == before + 1
        first = CheckIn.objects.get(client_uuid=entries[0]["client_uuid"])
        assert first.worker_id == int(worker_id) and first.work_zone_id == zone.pk
        conflict = page.locator("#outbox-list > li.status-conflict")
        assert "already checked in" in conflict.inner_text()
        assert conflict.get_attribute("data-client-uuid") == entries[1]["client_uuid"]
        page.wait_for_selector("[data-net-status].needs-attention")
        _no_sideways_scroll(page)
        shoot(page, "offline-outbox-conflict", "en", PHONE)

        # "Edit" reopens the form with the entry and the server's message.
        page.click("#outbox-list > li.status-conflict [data-outbox-edit]")
        page.wait_for_selector(".offline-editing")
        assert "already checked in" in page.inner_text("#checkin-form .offline-errors")
        assert page.locator("input[name=client_uuid]").input_value() == entries[1]["client_uuid"]
        shoot(page, "offline-checkin-edit", "en", PHONE)

        # "Discard" removes it after a confirmation; nothing more on the server.
        page.goto("/outbox/")
        page.wait_for_selector("#outbox-list > li.status-conflict")
        page.once("dialog", lambda dialog: dialog.accept())
        page.click("#outbox-list > li.status-conflict [data-outbox-discard]")
        page.wait_for_selector("#outbox-empty:not([hidden])")
        assert CheckIn.objects.count() == before + 1
    finally:
        context.close()


def test_pages_opened_online_reload_offline(demo: Any, browser: Any, live_server: Any) -> None:
    context = _phone(browser, live_server, 113.5, 40.1)
    try:
        page = context.new_page()
        log_in(page, "worker", demo.password)
        page.goto("/safety/hazards/report/")
        _worker_ready(page)
        page.reload()  # now fetched through the worker, and kept
        names = page.evaluate("() => caches.keys()")
        assert any(n.startswith("zhiyang-shell-") for n in names)
        assert any(n.startswith("zhiyang-pages-") for n in names)

        context.set_offline(True)
        page.reload()
        assert page.locator("form[data-offline=hazard]").count() == 1
        page.goto("/safety/incidents/")  # never opened: the offline page
        assert page.locator("#offline-page").count() == 1
        _no_sideways_scroll(page)
        shoot(page, "offline-fallback", "zh-hans", PHONE)

        # Logging out clears the pages kept for this session.
        context.set_offline(False)
        page.goto("/outbox/")
        page.click("summary[aria-label]")
        with page.expect_navigation():
            page.click("form[data-logout] button")
        names = page.evaluate("() => caches.keys()")
        assert not any(n.startswith("zhiyang-pages-") for n in names)
    finally:
        context.close()


def _fill_checklist(page: Any, photo: Path) -> None:
    """Every measurement inside its range, every step ticked, every required photo."""
    page.evaluate(
        """() => {
        document.querySelectorAll("#checklist-form [data-measure]").forEach(input => {
            const min = input.dataset.min === undefined ? null : Number(input.dataset.min);
            const max = input.dataset.max === undefined ? null : Number(input.dataset.max);
            const value = min !== null && max !== null ? (min + max) / 2
                : min !== null ? min + 1 : max !== null ? Math.max(0, max - 1) : 1;
            input.value = String(value);
            input.dispatchEvent(new Event("input", {bubbles: true}));
        });
        document.querySelectorAll("#checklist-form .sop-done input[type=checkbox]")
            .forEach(box => { box.checked = true; });
    }"""
    )
    for name in page.eval_on_selector_all(
        "#checklist-form input[type=file][required]", "els => els.map(e => e.name)"
    ):
        page.set_input_files(f"#checklist-form input[name='{name}']", str(photo))


def test_checklist_run_offline_gives_one_run(demo: Any, browser: Any, live_server: Any) -> None:
    """The issue's flow: open the checklist online, go offline, fill it, submit, reconnect,
    exactly one ChecklistRun on the server."""
    from zhiyang.core.access import restrict
    from zhiyang.core.models import User
    from zhiyang.network import linref
    from zhiyang.sop import services as sop_services
    from zhiyang.sop.models import ChecklistRun
    from zhiyang.works.models import WorkOrder

    worker = User.objects.get(username="worker")
    orders = restrict(WorkOrder.objects.select_related("project__route"), worker, "view")
    order = next(
        wo
        for wo in orders.exclude(status="closed").order_by("pk")
        if sop_services.published_version(wo.process) is not None
    )
    project = order.project
    lon, lat = linref.point_at(project.route, (project.start_m + project.end_m) / 2)
    context = _phone(browser, live_server, lon, lat)
    photo = _photo()
    before = ChecklistRun.objects.count()
    try:
        page = context.new_page()
        log_in(page, "worker", demo.password)
        url = f"/sop/work-orders/{order.pk}/checklist/"
        page.goto(url)
        _worker_ready(page)
        page.wait_for_selector("form[data-offline=checklist]")

        context.set_offline(True)
        page.reload()  # the checklist opened online also opens offline
        page.wait_for_selector("form[data-offline=checklist]")
        _fill_checklist(page, photo)
        page.fill("#checklist-form textarea[name=note]", "离线填写的检查表")
        page.click("#checklist-submit")
        page.wait_for_selector(".offline-queued")
        _pending_in_header(page, 1)
        _no_sideways_scroll(page)
        shoot(page, "offline-checklist-queued", "zh-hans", PHONE)
        entries = _outbox(page)
        assert len(entries) == 1 and entries[0]["kind"] == "checklist"
        key = entries[0]["client_uuid"]
        page.evaluate("key => ZhiyangOutbox.get(key).then(e => { window.__copy = e; })", key)
        assert ChecklistRun.objects.count() == before

        context.set_offline(False)
        _pending_in_header(page, 0)
        assert ChecklistRun.objects.count() == before + 1
        run = ChecklistRun.objects.get(client_uuid=key)
        assert run.work_order_id == order.pk
        # The same entry sent again (the phone lost the first answer): still one run.
        summary = page.evaluate(
            """key => ZhiyangOutbox.put(window.__copy)
                .then(() => ZhiyangOutbox.sync({force: true}))
                .then(s => ({sent: s.sent, status: s.results[key].status}))""",
            key,
        )
        assert summary == {"sent": 1, "status": 200}
        assert ChecklistRun.objects.filter(client_uuid=key).count() == 1
    finally:
        context.close()
        photo.unlink(missing_ok=True)


def test_daily_report_offline_waits_for_a_login(demo: Any, browser: Any, live_server: Any) -> None:
    from zhiyang.core.access import restrict
    from zhiyang.core.models import User
    from zhiyang.network import linref
    from zhiyang.works.models import DailyReport, Project

    worker = User.objects.get(username="worker")
    project = (
        restrict(Project.objects.select_related("route"), worker, "view")
        .filter(status__in=["approved", "in_progress"])
        .order_by("pk")
        .first()
    )
    assert project is not None
    lon, lat = linref.point_at(project.route, (project.start_m + project.end_m) / 2)
    context = _phone(browser, live_server, lon, lat, lang="en")
    before = DailyReport.objects.count()
    photos = [_photo(), _photo()]
    try:
        page = context.new_page()
        log_in(page, "worker", demo.password)
        page.goto(f"/works/projects/{project.pk}/daily-report/")
        _worker_ready(page)

        context.set_offline(True)
        page.fill("#daily-report-form textarea[name=work_done]", "Offline: paved 120 m")
        page.fill("#daily-report-form input[name=workers_count]", "9")
        page.set_input_files("#daily-report-form input[name=photo]", [str(p) for p in photos])
        page.click("#daily-report-submit")
        page.wait_for_selector(".offline-queued")
        assert QUEUED["en"] in page.inner_text(".offline-queued")
        key = _outbox(page)[0]["client_uuid"]
        assert DailyReport.objects.count() == before

        # The session ends while the phone is offline: back online, the entry waits for a
        # login instead of being lost, and goes out after it.
        context.clear_cookies()
        context.set_offline(False)
        page.wait_for_selector("[data-net-status].needs-attention")
        assert _outbox(page)[0]["status"] == "auth"
        assert DailyReport.objects.count() == before
        log_in(page, "worker", demo.password)
        _pending_in_header(page, 0)
        report = DailyReport.objects.get(client_uuid=key)
        assert report.project_id == project.pk and report.work_done == "Offline: paved 120 m"
        assert report.photos.count() == 2  # both photos kept in the outbox and sent
        assert DailyReport.objects.count() == before + 1
    finally:
        context.close()
        for p in photos:
            p.unlink(missing_ok=True)
