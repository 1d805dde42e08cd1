"""The phone checklist in a real browser, online: the demo ``worker`` at 375 px opens the
tack-coat work order, sees the acceptance range, gets an instant out-of-range warning, fixes
the value, takes the two required photos (time and faked GPS stamped), ticks every step and
submits; the run is recorded once and its page shows it. The offline variant lives in
test_offline.py (the PWA's own tests), against the same form."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.conftest import LOCALES, PHONE, log_in, screenshot_dir, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo(name: str) -> Path:
    path = screenshot_dir().parent / f"sop-{name}-{uuid.uuid4().hex[:8]}.png"
    Image.new("RGB", (64, 48), (60, 60, 60)).save(path, format="PNG")
    return path


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_worker_fills_a_checklist_on_the_phone(
    demo: Any, browser: Any, live_server: Any, lang: str
) -> None:
    from zhiyang.sop.models import ChecklistRun, StepPhoto
    from zhiyang.works.models import WorkOrder

    order = WorkOrder.objects.get(project__code="DEMO-G109-2026", process="tack_coat")
    before = ChecklistRun.objects.filter(work_order=order).count()
    context = browser.new_context(
        base_url=live_server.url,
        locale=LOCALES[lang],
        viewport={"width": PHONE, "height": 812},
        device_scale_factor=1,
        geolocation={"longitude": 113.93, "latitude": 40.33, "accuracy": 8},
        permissions=["geolocation"],
    )
    context.set_default_timeout(15_000)
    photos = [_photo("tray"), _photo("broken")]
    try:
        page = context.new_page()
        log_in(page, "worker", demo.password)
        page.goto("/sop/runs/start/")
        with page.expect_navigation():
            page.click(f"a[data-work-order='{order.pk}']")
        rate = "input[name='step-spray_rate-m-rate']"
        assert page.get_attribute(rate, "data-min") == "0.3"
        assert page.get_attribute(rate, "data-max") == "0.6"
        page.fill(rate, "0.9")
        page.wait_for_selector(f"{rate}.sop-out-of-range")
        page.fill(rate, "0.45")
        page.wait_for_selector(f"{rate}.sop-in-range")
        page.set_input_files("input[name='step-spray_rate-photo-tray']", str(photos[0]))
        page.set_input_files("input[name='step-breaking-photo-broken']", str(photos[1]))
        page.wait_for_function(
            "document.querySelector(\"input[name='step-breaking-photo-broken-lat']\").value !== ''"
        )
        for box in page.query_selector_all("input[type=checkbox][name$='-done']"):
            box.check()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE, f"the checklist scrolls sideways at {PHONE} px ({width})"
        shoot(page, "sop-checklist", lang, PHONE)
        with page.expect_navigation(url="**/sop/runs/*/"):
            page.click("#checklist-submit")
        page.wait_for_selector("#run-status")
        assert page.get_attribute("#run-status", "data-status") == "in_progress"
        shoot(page, "sop-run", lang, PHONE)
        runs = ChecklistRun.objects.filter(work_order=order)
        assert runs.count() == before + 1
        run = runs.order_by("-submitted_at", "-id").first()
        assert run is not None and run.started_by.username == "worker"
        assert run.results.get(step_code="spray_rate").values["rate"]["value"] == 0.45
        photo = StepPhoto.objects.get(result__run=run, code="broken")
        assert photo.lat == pytest.approx(40.33, abs=1e-4)
    finally:
        context.close()
        for path in photos:
            path.unlink(missing_ok=True)
