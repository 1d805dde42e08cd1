"""The worker's day on a phone: signing in lands on "today", whose rows are big enough to
tap, link to the work, and fit 375 px in both languages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import PHONE, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_worker_lands_on_today_and_checks_in(logged_in: Callable[..., Any], lang: str) -> None:
    page = logged_in("worker", lang=lang, width=PHONE)
    assert page.url.endswith("/today/")
    assert page.locator("[data-section=work] [data-item=work-order]").count() >= 1
    heights = page.eval_on_selector_all(
        ".today-link", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44  # a thumb's target
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    shoot(page, "today-worker", lang, PHONE)
    with page.expect_navigation():
        page.locator("[data-item=checkin] a").click()
    assert "/people/checkin/" in page.url
