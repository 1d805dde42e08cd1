"""Contracts in a real browser: the owner assesses from a phone at 375 px (counts and a
photo); the certified period reads at 375 px without sideways scrolling and the engineer
proposes the project contract's open month at desktop width."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.conftest import DESKTOP, PHONE, screenshot_dir, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo() -> Path:
    path = screenshot_dir().parent / f"pothole-{uuid.uuid4().hex[:8]}.png"
    Image.new("RGB", (64, 48), (60, 60, 60)).save(path, format="PNG")
    return path


def test_owner_assesses_from_the_phone(logged_in: Any) -> None:
    from zhiyang.contracts.demo import ROUTINE_CODE
    from zhiyang.contracts.models import Assessment, Contract, MeasurementPeriod

    contract = Contract.objects.get(code=ROUTINE_CODE)
    page = logged_in("owner", width=PHONE)
    page.goto("/contracts/assessments/new/")
    page.select_option("select[name=contract]", str(contract.pk))
    page.fill("input[name=month]", "2026-11")
    page.fill("input[name=count_A1]", "2")
    page.set_input_files("input[name=photo_A1]", str(_photo()))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"the assessment page scrolls sideways at {PHONE} px ({width})"
    shoot(page, "contracts-assessment", "zh-hans", PHONE)
    with page.expect_navigation():
        page.click("#assessment-form button[type=submit]")
    made = Assessment.objects.filter(contract=contract).order_by("-pk").first()
    assert made is not None and made.entries.get(item__code="A1").photo
    # 2 potholes × 2 points, 2 × 100 + 4 × 200 yuan
    assert str(made.deduction_yuan) == "1000.00"

    period = MeasurementPeriod.objects.filter(contract=contract).order_by("-month").first()
    page.goto(f"/contracts/periods/{period.pk}/")
    assert page.locator("#payment-table").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"the period page scrolls sideways at {PHONE} px ({width})"
    shoot(page, "contracts-period", "zh-hans", PHONE)


def test_engineer_proposes_the_open_month(logged_in: Any) -> None:
    from zhiyang.contracts.demo import PROJECT_CODE
    from zhiyang.contracts.models import MeasurementPeriod

    period = MeasurementPeriod.objects.get(contract__code=PROJECT_CODE)
    page = logged_in("engineer", width=DESKTOP)
    page.goto(f"/contracts/periods/{period.pk}/")
    with page.expect_navigation():
        page.click("#step-button")
    period.refresh_from_db()
    assert period.status == "proposed"
    shoot(page, "contracts-proposed", "zh-hans", DESKTOP)
