"""Planning pages in a real browser: the demo scenario compares its budget levels on four
charts, the plan items carry their explanations, the page fits a phone, and a manager
approves an item into a draft project; the catalogue and calibration pages draw too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ("#chart-pqi", "#chart-good", "#chart-backlog", "#chart-spend")


def no_horizontal_scroll(page: Any) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


def demo_scenario() -> Any:
    from zhiyang.planning.models import Scenario

    scenario = Scenario.objects.get(name__contains="演示")
    assert scenario.runs.count() == 4
    return scenario


@pytest.mark.parametrize(
    ("username", "lang", "width"),
    [
        ("engineer", "zh-hans", DESKTOP),
        ("engineer", "en", PHONE),
        ("manager", "zh-hans", PHONE),
        ("manager", "en", DESKTOP),
    ],
)
def test_scenario_page_draws_the_charts(
    logged_in: Callable[..., Any], username: str, lang: str, width: int
) -> None:
    page = logged_in(username, lang=lang, width=width)
    scenario = demo_scenario()
    page.goto(f"/planning/scenarios/{scenario.pk}/")
    for chart in CHARTS:
        drawn = page.wait_for_selector(f"{chart}[data-chart-drawn]", state="attached")
        assert drawn.get_attribute("data-chart-drawn") == "1", chart
    assert page.locator("#run-table tbody tr").count() == 4
    why = page.locator("#item-table .plan-why").first.inner_text()
    assert "PQI" in why
    if lang == "zh-hans":
        assert "若不养护" in why
    approve = page.locator("#approve-items")
    assert approve.count() == (1 if username == "manager" else 0)
    no_horizontal_scroll(page)
    shoot(page, f"planning-scenario-{username}", lang, width)


def test_manager_approves_an_item_into_a_draft_project(logged_in: Callable[..., Any]) -> None:
    from zhiyang.works.models import Project

    page = logged_in("manager", lang="en", width=DESKTOP)
    scenario = demo_scenario()
    page.goto(f"/planning/scenarios/{scenario.pk}/?level=100")
    before = Project.objects.filter(source="plan").count()
    page.locator("#item-table input[name=items]").first.check()
    with page.expect_navigation():
        page.click("#approve-items")
    assert page.locator(".message-success").count() == 1
    assert Project.objects.filter(source="plan").count() == before + 1
    assert page.locator("#item-table a[href*='/works/projects/']").count() >= 1


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_list_form_catalogue_and_calibration_pages(
    logged_in: Callable[..., Any], width: int
) -> None:
    page = logged_in("engineer", lang="zh-hans", width=width)
    for url in ("/planning/", "/planning/scenarios/new/"):
        page.goto(url)
        no_horizontal_scroll(page)
    assert page.locator("#scenario-form input[name=budget_levels]").count() == 1
    page.goto("/planning/treatments/")
    assert page.locator("#treatment-table tbody tr").count() == 10
    no_horizontal_scroll(page)
    shoot(page, "planning-catalogue", "zh-hans", width)
    page.goto("/planning/calibration/")
    first = page.wait_for_selector(".calibration .chart[data-chart-drawn]", state="attached")
    assert first.get_attribute("data-chart-drawn") == "1"
    no_horizontal_scroll(page)
    shoot(page, "planning-calibration", "zh-hans", width)
