"""The QC report of the demo's simulated shift in a real browser: the list of project-days,
the report page with both heat maps at 375 px and 1280 px, in Chinese and English."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLES = {"zh-hans": "质量控制报告", "en": "QC report"}


@pytest.fixture
def own_lake(settings: Any, tmp_path: Any) -> None:
    """A lake for this test only (set before the demo loads its shift into it)."""
    settings.ZHIYANG_LAKE_DIR = str(tmp_path / "lake")


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_qc_report_page(
    own_lake: None, logged_in: Callable[..., Any], lang: str, width: int
) -> None:
    from zhiyang.works.models import Project

    project = Project.objects.get(code="DEMO-G109-2026")
    page = logged_in("qc_inspector", lang=lang, width=width)
    page.goto("/qc/")
    link = page.locator(f"#qc-days a[href^='/qc/{project.pk}/']").first
    assert link.count() == 1
    with page.expect_navigation():
        link.click()
    page.wait_for_load_state("networkidle")
    for image in ("#qc-passes-map", "#qc-thermal-map"):
        loaded = page.eval_on_selector(image, "img => img.complete && img.naturalWidth > 0")
        assert loaded, f"{image} did not load"
    assert page.locator("#qc-alarms tbody tr").count() >= 3
    assert page.locator("#qc-sublots tbody tr").count() >= 1
    if width == PHONE:
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= PHONE, f"the QC report scrolls sideways at {PHONE} px ({scroll})"
    heading = page.locator("h1").first.inner_text()
    assert TITLES[lang] in heading, heading
    shoot(page, "qc-report", lang, width)
