"""Progress service, pages and API on real works rows, inside and outside the scope."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse

from tests import factories
from zhiyang.core.choices import Role
from zhiyang.works import progress
from zhiyang.works.models import DailyQuantity, DailyReport, Project, WorkOrder

# The golden schedule of tests/analytics/test_progress.py on real rows.
DAY = dt.date(2026, 3, 5)


def _report(project: Project, day: dt.date, status: str, rows: list[tuple[Any, ...]]) -> None:
    report = DailyReport.objects.create(project=project, date=day, status=status)
    for order, quantity, cost in rows:
        DailyQuantity.objects.create(
            report=report,
            work_order=order,
            quantity=Decimal(quantity),
            cost_yuan=None if cost is None else Decimal(cost),
        )


@pytest.fixture
def world(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    west = two_districts["org_west"]
    project = factories.project(
        organisation=west,
        route=two_districts["g1"],
        code="P-WEST",
        name="G109 resurfacing",
        start_m=1000,
        end_m=3000,
        treatment="mill_and_inlay",
        status="in_progress",
    )  # 2 to 13 March 2026
    a = factories.work_order(
        project,
        "milling",
        sequence=1,
        unit="m2",
        unit_cost_yuan=Decimal(10),
        end=dt.date(2026, 3, 6),
        status="in_progress",
    )
    b = factories.work_order(
        project,
        "paving",
        sequence=2,
        planned_quantity=Decimal(50),
        unit="t",
        unit_cost_yuan=Decimal(40),
        start=dt.date(2026, 3, 4),
        status="in_progress",
    )
    _report(project, dt.date(2026, 3, 2), "approved", [(a, 30, 280)])
    _report(project, dt.date(2026, 3, 3), "submitted", [(a, 20, 210)])
    _report(project, dt.date(2026, 3, 5), "approved", [(a, 20, None), (b, 5, 220)])
    # Not counted: a draft and a rejected report.
    _report(project, dt.date(2026, 3, 4), "draft", [(a, 500, 9999)])
    _report(project, dt.date(2026, 3, 4), "rejected", [(b, 500, 9999)])
    return {
        **two_districts,
        "project": project,
        "a": a,
        "b": b,
        "manager": make_user(Role.MANAGER, west, username="west-manager"),
        "branch": make_user(Role.MANAGER, two_districts["org_all"], username="branch-manager"),
        "outsider": make_user(Role.MANAGER, two_districts["org_east"], username="east-manager"),
    }


def test_project_progress_golden_values(world):
    result = progress.project_progress(
        user=world["manager"], project=world["project"], status_date=DAY
    )
    f = result.figures
    assert f.bac_yuan == pytest.approx(3000)
    assert f.pv_yuan == pytest.approx(1200)
    assert f.ev_yuan == pytest.approx(900)
    assert f.ac_yuan == pytest.approx(710)
    assert f.spi == pytest.approx(0.75)
    assert f.cpi == pytest.approx(700 / 710)
    assert f.percent_complete == pytest.approx(30)
    assert result.behind and not result.over_budget and result.has_costs
    assert [row.work_order.title for row in result.orders] == ["Milling", "Paving"]
    assert [row.quantity_done for row in result.orders] == [70, 5]
    assert [row.slow for row in result.orders] == [True, True]
    assert str(result.curves.dates[0]) == "2026-03-02"
    assert str(result.curves.dates[-1]) == "2026-03-13"
    assert result.step == "day"


def test_overdue_work_order_and_completed_one(world):
    later = progress.project_progress(
        user=world["manager"], project=world["project"], status_date=dt.date(2026, 3, 8)
    )
    assert [row.overdue for row in later.orders] == [True, False]
    WorkOrder.objects.filter(pk=world["a"].pk).update(status="completed")
    done = progress.project_progress(
        user=world["manager"], project=world["project"], status_date=dt.date(2026, 3, 8)
    )
    assert [row.overdue for row in done.orders] == [False, False]


def test_thresholds_follow_the_organisations_override(world):
    from zhiyang.standards.models import ParameterOverride

    ParameterOverride.objects.create(
        standard="progress_alerts",
        organisation=world["org_west"],
        overrides={"alerts": {"spi_alert": 0.4}},
        reason="test",
    )
    result = progress.project_progress(
        user=world["manager"], project=world["project"], status_date=DAY
    )
    assert result.thresholds.spi_alert == 0.4
    assert not result.behind


def test_other_organisations_project_is_404(world, client):
    with pytest.raises(Http404):
        progress.get_project(user=world["outsider"], pk=world["project"].pk)
    client.force_login(world["outsider"])
    url = reverse("works:project-progress", args=[world["project"].pk])
    assert client.get(url).status_code == 404
    api = f"/api/v1/works/projects/{world['project'].pk}/progress/"
    assert client.get(api).status_code == 404
    branch = progress.branch_progress(user=world["outsider"], status_date=DAY)
    assert branch.projects == [] and branch.figures.bac_yuan == 0


def test_branch_progress_weights_projects_by_budget(world):
    other = factories.project(
        organisation=world["org_east"],
        route=world["s1"],
        code="P-EAST",
        name="S203 crack sealing",
        end=dt.date(2026, 3, 3),
        status="approved",
    )  # 0 to 1000 m, crack sealing
    factories.work_order(
        other,
        "crack_sealing",
        title="Sealing",
        planned_quantity=Decimal(1000),
        unit="m",
        unit_cost_yuan=Decimal(1),
    )
    factories.project(  # a draft is not in the programme
        organisation=world["org_west"],
        route=world["g1"],
        code="P-DRAFT",
        name="draft",
        end_m=100,
        treatment="fog_seal",
        end=dt.date(2026, 3, 3),
    )
    branch = progress.branch_progress(user=world["branch"], status_date=DAY)
    assert [p.project.code for p in branch.projects] == ["P-EAST", "P-WEST"]
    assert branch.figures.bac_yuan == pytest.approx(4000)
    assert branch.figures.pv_yuan == pytest.approx(2200)
    assert branch.figures.ev_yuan == pytest.approx(900)
    assert branch.behind_projects == 2  # P-EAST has not started and is overdue
    west_only = progress.branch_progress(user=world["manager"], status_date=DAY)
    assert [p.project.code for p in west_only.projects] == ["P-WEST"]


def test_pages_draw_charts_json(world, client):
    client.force_login(world["manager"])
    page = client.get(reverse("works:project-progress", args=[world["project"].pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-chart-json="s-curve-data"' in html and 'data-chart-json="gantt-data"' in html
    gantt = page.context["gantt"]
    assert gantt["yAxis"]["data"] == ["1. Milling", "2. Paving"]
    s_curve = page.context["s_curve"]
    assert len(s_curve["series"]) == 3  # PV, EV, AC
    week = client.get(
        reverse("works:project-progress", args=[world["project"].pk]) + "?step=week&x=%00"
    )
    assert week.status_code in (200, 400)
    branch = client.get(reverse("works:progress") + "?year=abc&step=nonsense")
    assert branch.status_code == 200
    assert 'data-project="P-WEST"' in branch.content.decode()
    assert branch.context["gantt"]["yAxis"]["data"] == ["P-WEST G109 resurfacing"]


def test_api_project_and_branch(world, client):
    client.force_login(world["manager"])
    data = client.get(f"/api/v1/works/projects/{world['project'].pk}/progress/?step=week").json()
    assert data["code"] == "P-WEST" and data["step"] == "week"
    assert set(data["figures"]) >= {"pv_yuan", "ev_yuan", "ac_yuan", "spi", "cpi", "eac_yuan"}
    assert [w["title"] for w in data["work_orders"]] == ["Milling", "Paving"]
    assert len(data["series"]["dates"]) == len(data["series"]["pv_yuan"])
    assert client.get("/api/v1/works/projects/999999/progress/").status_code == 404
    branch = client.get("/api/v1/works/progress/?year=2026").json()
    assert [p["code"] for p in branch["projects"]] == ["P-WEST"]
    json.dumps(branch, allow_nan=False)


def test_api_refuses_anonymous(world):
    from rest_framework.test import APIClient

    assert APIClient().get("/api/v1/works/progress/").status_code == 401


def test_dashboard_tiles(world):
    from zhiyang.works.dashboard import tiles

    keys = {t.key: t for t in tiles(world["manager"])}
    assert keys["active-projects"].value == "1"
    assert set(keys) == {"active-projects", "projects-behind", "programme-complete"}
    assert tiles(world["outsider"])[0].value == "0"


def test_project_without_work_orders(world, client):
    empty = factories.project(
        organisation=world["org_west"],
        route=world["g1"],
        code="P-EMPTY",
        name="not planned yet",
        end_m=500,
        treatment="fog_seal",
        end=dt.date(2026, 3, 3),
        status="approved",
    )
    result = progress.project_progress(user=world["manager"], project=empty, status_date=DAY)
    assert result.orders == [] and not result.behind
    client.force_login(world["manager"])
    page = client.get(reverse("works:project-progress", args=[empty.pk]))
    assert page.status_code == 200
    assert page.context["s_curve"]["empty"] and page.context["gantt"]["empty"]


def test_command_lists_projects_behind(world):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("progress", "--date", "2026-03-05", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["figures"]["ev_yuan"] == pytest.approx(900)
    assert [p["code"] for p in data["projects"]] == ["P-WEST"]
    assert data["projects"][0]["late_work_orders"] == ["Milling", "Paving"]
    text = StringIO()
    call_command(
        "progress", "--date", "2026-03-05", "--behind", "--organisation", "west", stdout=text
    )
    assert "P-WEST" in text.getvalue()
    none = StringIO()
    call_command("progress", "--organisation", "east", "--format", "json", stdout=none)
    assert json.loads(none.getvalue())["projects"] == []
    with pytest.raises(CommandError):
        call_command("progress", "--date", "2026-02-30")
    with pytest.raises(CommandError):
        call_command("progress", "--organisation", "nowhere")
