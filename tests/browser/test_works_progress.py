"""Progress pages in a real browser as the demo ``manager``: the project page of the demo
paving project (S-curve and Gantt drawn) and the branch page (branch S-curve, projects'
Gantt, project table), at 1280 and 375 px, without sideways scrolling."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _demo_project() -> Any:
    """The demo project with the most reported quantities (the paving project)."""
    from django.db.models import Count

    from zhiyang.works.models import Project

    project = (
        Project.objects.annotate(rows=Count("daily_reports__quantities"))
        .filter(rows__gt=0)
        .order_by("-rows", "code")
        .first()
    )
    assert project is not None, "the works demo has no project with daily reports"
    return project


def _no_sideways_scroll(page: Any, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} scrolls sideways at {width} px ({scroll})"


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_manager_sees_project_progress(logged_in: Any, width: int) -> None:
    project = _demo_project()
    page = logged_in("manager", lang="zh-hans", width=width)
    page.goto(f"/works/projects/{project.pk}/progress/")
    page.wait_for_selector("#chart-s-curve[data-chart-drawn='1']")
    page.wait_for_selector("#chart-gantt[data-chart-drawn='1']")
    assert page.locator("#chart-s-curve canvas").count() >= 1
    assert page.locator("#chart-gantt canvas").count() >= 1
    assert page.locator("#work-orders tbody tr").count() >= 2
    assert page.locator("[data-kpi='spi']").is_visible()
    _no_sideways_scroll(page, width)
    shoot(page, "works-progress-project", "zh-hans", width)
    if width == DESKTOP:
        page.click("[data-step='week']")
        page.wait_for_selector("#chart-s-curve[data-chart-drawn='1']")
        assert "step=week" in page.url


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_manager_sees_branch_progress(logged_in: Any, width: int) -> None:
    project = _demo_project()
    page = logged_in("manager", lang="en", width=width)
    page.goto("/works/progress/")
    page.wait_for_selector("#chart-s-curve[data-chart-drawn='1']")
    page.wait_for_selector("#chart-gantt[data-chart-drawn='1']")
    assert page.locator(f"#projects tr[data-project='{project.code}']").count() == 1
    _no_sideways_scroll(page, width)
    shoot(page, "works-progress-branch", "en", width)
    with page.expect_navigation():
        page.click(f"#projects tr[data-project='{project.code}'] a")
    page.wait_for_selector("#chart-gantt[data-chart-drawn='1']")


def test_dashboard_shows_works_tiles(logged_in: Any) -> None:
    page = logged_in("manager", lang="en", width=DESKTOP)
    page.goto("/")
    for key in ("active-projects", "projects-behind", "programme-complete"):
        assert page.locator(f"[data-tile='{key}']").count() == 1
