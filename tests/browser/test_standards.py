"""Standards pages at phone width: an administrator overrides a value (a refused value shows
the engine's message), the value is highlighted with its reason; no horizontal scrolling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import PHONE, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_admin_overrides_a_value_on_the_phone(logged_in: Callable[..., Any], lang: str) -> None:
    page = logged_in("admin", lang=lang, width=PHONE)
    page.goto("/standards/")
    assert page.locator("text=JTG 5210-2018").count() > 0
    assert no_horizontal_scroll(page)
    shoot(page, "standards-list", lang, PHONE)

    page.click("a[href='/standards/jtg5210_2018/']")
    page.click("#add-override summary")
    page.select_option("#id_organisation", value="")  # every organisation
    page.fill("#id_overrides", '{"mqi": {"sci": 0.5}}')
    page.fill("#id_reason", "test")
    with page.expect_navigation():
        page.click("#add-override button[type=submit]")
    assert page.locator("#add-override .errors", has_text="sum to 1").count() == 1
    shoot(page, "standards-error", lang, PHONE)

    page.fill("#id_overrides", "[pbi]\nlight = 20.0")
    page.fill("#id_reason", "山西省养护指南 4.2")
    with page.expect_navigation():
        page.click("#add-override button[type=submit]")
    row = page.locator("tr.std-overridden")
    assert row.count() == 1 and "山西省养护指南 4.2" in row.inner_text()
    assert no_horizontal_scroll(page)
    page.locator("#t-pbi").scroll_into_view_if_needed()
    shoot(page, "standards-detail", lang, PHONE)
