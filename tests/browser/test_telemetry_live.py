"""The live page: a reading accepted by the ingest shows on the page within 2 s (over the
server-sent event stream), and the alarm it raises appears and can be acknowledged; at
375 px and 1280 px, in Chinese and English."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _paver_device() -> Any:
    from zhiyang.fleet.models import Equipment
    from zhiyang.telemetry.models import Device

    device = Device.objects.filter(machine_type="paver", equipment__code="PV-01").first()
    if device is None:
        paver = Equipment.objects.get(code="PV-01")
        device = Device.objects.create(code="DEV-PV-01-TEST", equipment=paver, machine_type="paver")
    return device


def _reading(device: Any, project: Any, seq: int, temp: float) -> Any:
    from zhiyang.telemetry.schema import Accepted, Reading

    return Accepted(
        device_id=device.pk,
        device_code=device.code,
        equipment_id=device.equipment_id,
        machine_type="paver",
        project_id=project.pk,
        reading=Reading(
            device.code,
            seq,
            int(time.time() * 1000),
            40.0921,
            113.2962,
            {"speed_m_per_min": 2.5, "mat_temp_c": [temp, temp + 1, temp, temp - 1]},
        ),
    )


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_live_page_updates_within_two_seconds(
    logged_in: Callable[..., Any], settings: Any, lang: str
) -> None:
    from zhiyang.telemetry import live
    from zhiyang.telemetry.models import PavingSetup
    from zhiyang.works.demo import MAIN_CODE
    from zhiyang.works.models import Project

    settings.TELEMETRY_STREAM_SECONDS = 30
    # Frequent heartbeats: the server notices the closed page at once (tests end cleanly).
    settings.TELEMETRY_STREAM_HEARTBEAT_SECONDS = 0.5
    live.reset()
    project = Project.objects.get(code=MAIN_CODE)
    PavingSetup.objects.update_or_create(
        project=project, defaults={"binder_grade": "sbs", "debounce_s": 0}
    )
    device = _paver_device()
    live.process_accepted([_reading(device, project, 1, 170.0)])

    page = logged_in("engineer", lang=lang, width=PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc.stack)))
    page.goto(f"/telemetry/live/?project={project.pk}")
    page.wait_for_selector(f"#live-row-{device.pk}[data-seq='1']")
    page.wait_for_selector("#live-map[data-layers-drawn]", state="attached")
    assert page.get_attribute("#live-map", "data-map-error") is None
    try:
        page.wait_for_selector("#live-map[data-live-ready]", state="attached")
    finally:
        print("page errors:", errors)
    page.wait_for_selector("#live-status.live-on")  # the stream is open

    start = time.perf_counter()
    live.process_accepted([_reading(device, project, 2, 150.0)])  # SBS: below 160
    page.wait_for_selector(f"#live-row-{device.pk}[data-seq='2']", timeout=2_000)
    latency = time.perf_counter() - start
    print(f"\nlive page ({lang}): reading shown {latency * 1000:.0f} ms after process_accepted")
    assert latency < 2.0
    assert "150" in page.inner_text(f"#live-row-{device.pk}")
    alarm = page.wait_for_selector(".live-alarm[data-rule='paving_temp']", timeout=2_000)
    assert "160" in alarm.inner_text()
    alarm_id = int(alarm.get_attribute("data-alarm") or "0")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    shoot(page, "telemetry-live", lang, PHONE)

    page.set_viewport_size({"width": DESKTOP, "height": 900})
    page.click(".live-alarm[data-rule='paving_temp'] button[data-act='ack']")
    ack = ".live-alarm[data-rule='paving_temp'] button[data-act='ack']"
    page.wait_for_selector(ack, state="detached")
    from zhiyang.telemetry.models import Alarm

    assert Alarm.objects.get(pk=alarm_id).status == "acknowledged"
    shoot(page, "telemetry-live", lang, DESKTOP)
    page.context.close()
    time.sleep(1.0)  # the stream sees the closed connection at its next heartbeat
