"""The monitoring pages at phone width, in both languages: devices (a token issued and shown
once), dead letters with their reasons, alarms; none scrolls sideways."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page: Any) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_devices_dead_letters_and_alarms_on_a_phone(
    logged_in: Callable[..., Any], lang: str
) -> None:
    from zhiyang.telemetry.choices import Transport
    from zhiyang.telemetry.models import Alarm, DeadLetter, Device

    device = Device.objects.get(code="DEV-PV-01")  # the demo's paver
    DeadLetter.objects.create(
        device=device,
        device_code=device.code,
        transport=Transport.HTTP,
        code="out_of_range",
        reason="speed_m_per_min = 45 is outside [0, 30]",
        payload='{"v": 1, "device": "DEV-PV-01", "seq": 9, "speed_m_per_min": 45}',
    )
    page = logged_in("equipment_manager", lang=lang, width=PHONE)

    page.goto("/telemetry/devices/")
    assert page.locator("text=DEV-PV-01").count() >= 1
    no_sideways_scroll(page)
    shoot(page, "telemetry-devices", lang, PHONE)

    page.goto(f"/telemetry/devices/{device.pk}/")
    with page.expect_navigation():
        page.locator("form[action$='/token/'] button").first.click()
    token = page.locator("code.token").inner_text().strip()
    assert len(token) >= 40  # shown once, in full
    device.refresh_from_db()
    assert device.token_hash and token not in device.token_hash
    no_sideways_scroll(page)
    shoot(page, "telemetry-device-token", lang, PHONE)

    page.goto("/telemetry/dead-letters/")
    assert page.locator("text=out_of_range").count() >= 1
    no_sideways_scroll(page)
    shoot(page, "telemetry-dead-letters", lang, PHONE)

    page = logged_in("qc_inspector", lang=lang, width=PHONE)
    page.goto("/telemetry/alarms/?status=all")
    raised = Alarm.objects.count()
    assert raised  # the demo's simulated shift raised some
    assert page.locator("tr.alarm-row").count() == min(raised, 50)
    no_sideways_scroll(page)
    shoot(page, "telemetry-alarms", lang, PHONE)
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    shoot(page, "telemetry-alarms", lang, DESKTOP)
