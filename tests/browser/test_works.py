"""The daily field report from a phone in a real browser: the demo ``worker`` at 375 px
picks the G109 project, fills in the day (weather, quantities with cost, a photo) and sends
it online; exactly one report is on the server, and the manager approves it on the phone.
(The offline case is in test_offline.py.)"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.conftest import LOCALES, PHONE, log_in, screenshot_dir, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo() -> Path:
    path = screenshot_dir().parent / f"daily-{uuid.uuid4().hex[:8]}.png"
    Image.new("RGB", (64, 48), (40, 40, 40)).save(path, format="PNG")
    return path


def _phone(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(
        base_url=live_server.url,
        locale=LOCALES["zh-hans"],
        viewport={"width": PHONE, "height": 812},
        device_scale_factor=1,
    )
    context.set_default_timeout(15_000)
    return context


def _no_sideways_scroll(page: Any, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{what} scrolls sideways at {PHONE} px ({width})"


def test_worker_sends_a_daily_report_and_manager_approves(
    demo: Any, browser: Any, live_server: Any
) -> None:
    from zhiyang.works.demo import MAIN_CODE
    from zhiyang.works.models import DailyReport, Project

    project = Project.objects.get(code=MAIN_CODE)
    paving = project.work_orders.get(process="paving")
    before = DailyReport.objects.count()
    context = _phone(browser, live_server)
    photo = _photo()
    try:
        page = context.new_page()
        log_in(page, "worker", demo.password)
        page.goto("/works/daily-reports/new/")
        with page.expect_navigation():
            page.click(f"a[href='/works/projects/{project.pk}/daily-report/']")
        form = page.locator("form[data-offline='daily-report']")
        assert form.count() == 1
        assert page.input_value("input[name=client_uuid]")
        page.select_option("select[name=weather]", "cloudy")
        page.fill("input[name=temp_min_c]", "9")
        page.fill("input[name=temp_max_c]", "21")
        page.fill("input[name=workers_count]", "8")
        page.fill(f"input[name=qty_{paving.pk}]", "305")
        page.fill(f"input[name=cost_{paving.pk}]", "163175")
        page.fill("textarea[name=problems]", "手机端测试：K327+800 局部离析，已人工处理")
        page.set_input_files("input[name=photo]", str(photo))
        _no_sideways_scroll(page, "the daily report form")
        shoot(page, "works-daily-report-form", "zh-hans", PHONE)
        with page.expect_navigation(url="**/works/daily-reports/*/"):
            page.click("#daily-report-submit")
        assert DailyReport.objects.count() == before + 1
        report = DailyReport.objects.get(problems__startswith="手机端测试")
        assert report.submitted_by.username == "worker" and report.status == "submitted"
        assert report.quantities.get().quantity == 305
        assert report.photos.count() == 1 and report.client_uuid is not None
        assert page.locator("#report-quantities", has_text="305").count() == 1
        _no_sideways_scroll(page, "the daily report page")
        shoot(page, "works-daily-report-detail", "zh-hans", PHONE)
    finally:
        context.close()
        photo.unlink(missing_ok=True)

    context = _phone(browser, live_server)
    try:
        page = context.new_page()
        log_in(page, "manager", demo.password)
        page.goto("/works/daily-reports/approvals/")
        card = page.locator(f"#approve-{report.pk}")
        assert card.count() == 1
        _no_sideways_scroll(page, "the approval list")
        shoot(page, "works-approvals", "zh-hans", PHONE)
        with page.expect_navigation():
            card.locator("button[type=submit]").click()
        report.refresh_from_db()
        assert report.status == "approved" and report.approved_by.username == "manager"
        page.goto(f"/works/projects/{project.pk}/")
        _no_sideways_scroll(page, "the project page")
        shoot(page, "works-project", "zh-hans", PHONE)
    finally:
        context.close()
