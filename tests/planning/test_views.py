"""Planning pages: scope, charts, approve, Excel export, catalogue and calibration pages."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import Organisation
from zhiyang.planning import services
from zhiyang.planning.models import PlanItem, Scenario, Treatment
from zhiyang.planning.tasks import start_run
from zhiyang.works.models import Project

pytestmark = pytest.mark.django_db


@pytest.fixture
def solved(scenario):
    services.run_scenario(actor=SYSTEM, scenario=scenario)
    return scenario


def test_scenario_pages_show_charts_and_explanations(client, make_user, solved):
    client.force_login(make_user("engineer", organisation=solved.organisation))
    page = client.get(f"/planning/scenarios/{solved.pk}/?level=100")
    html = page.content.decode()
    assert page.status_code == 200
    for chart in ("chart-pqi", "chart-good", "chart-backlog", "chart-spend"):
        assert f'id="{chart}"' in html and f"{chart}-data" in html
    assert 'id="item-table"' in html and "approve-items" not in html  # engineers plan only
    assert client.get("/planning/").status_code == 200
    assert client.get("/planning/treatments/").status_code == 200
    assert client.get("/planning/calibration/").status_code == 200


def test_plan_items_are_paged(client, make_user, solved, monkeypatch):
    from zhiyang.planning import views

    run = solved.runs.get(budget_pct=100)
    total = run.items.count()
    assert total >= 3
    monkeypatch.setattr(views, "ITEMS_PER_PAGE", 2)
    client.force_login(make_user("engineer", organisation=solved.organisation))
    url = f"/planning/scenarios/{solved.pk}/?level=100"
    seen = []
    for number in range(1, (total + 1) // 2 + 1):
        html = client.get(f"{url}&page={number}").content.decode()
        seen.append(html.count('class="plan-item"'))
        assert "#plan-items" in html
    assert sum(seen) == total and max(seen) == 2


def test_another_organisations_scenario_is_404(client, make_user, surveyed):
    other = services.create_scenario(
        actor=SYSTEM,
        data={
            "organisation": surveyed["org_east"],
            "name": "East",
            "first_year": 2027,
            "base_budget_yuan": 1e6,
            "budget_levels_pct": [100],
        },
    )
    client.force_login(make_user("engineer", organisation=surveyed["org_west"]))
    assert client.get(f"/planning/scenarios/{other.pk}/").status_code == 404
    assert client.get(f"/planning/scenarios/{other.pk}/plan.xlsx").status_code == 404
    assert client.post(f"/planning/scenarios/{other.pk}/run/").status_code == 404
    assert other.name not in client.get("/planning/").content.decode()


def test_create_and_run_from_the_pages(client, make_user, surveyed):
    client.force_login(make_user("engineer", organisation=surveyed["org_all"]))
    response = client.post(
        "/planning/scenarios/new/",
        {
            "name": "Page plan",
            "first_year": 2027,
            "horizon_years": 2,
            "objective": "max_benefit",
            "target_good_pct": 90,
            "method": "ibc",
            "budget_levels": "0, 100",
            "base_budget_wan": 100,
        },
    )
    scenario = Scenario.objects.get(name="Page plan")
    assert response.status_code == 302 and scenario.base_budget_yuan == 1_000_000
    client.post(f"/planning/scenarios/{scenario.pk}/run/")
    assert scenario.runs.count() == 2
    bad = client.post("/planning/scenarios/new/", {"name": "x", "budget_levels": "a, b"})
    assert bad.status_code == 200 and "budget_levels" in bad.context["form"].errors


def test_manager_approves_selected_items(client, make_user, solved):
    client.force_login(make_user("manager", organisation=solved.organisation))
    run = solved.runs.get(budget_pct=100)
    ids = list(run.items.values_list("pk", flat=True)[:3])
    page = client.get(f"/planning/scenarios/{solved.pk}/?level=100")
    assert "approve-items" in page.content.decode()
    client.post(f"/planning/scenarios/{solved.pk}/approve/", {"items": ids, "level": "100"})
    assert PlanItem.objects.filter(pk__in=ids, approved=True).count() == 3
    made = Project.objects.count()
    assert 1 <= made <= 3
    client.post(f"/planning/scenarios/{solved.pk}/approve/", {"items": ids})
    assert Project.objects.count() == made


def test_excel_annual_plan(client, make_user, solved):
    client.force_login(make_user("viewer", organisation=solved.organisation))
    run = solved.runs.get(budget_pct=150)
    year = run.items.order_by("year").values_list("year", flat=True).first()
    response = client.get(
        f"/planning/scenarios/{solved.pk}/plan.xlsx?level=150&year={year}",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert (
        str(year) in sheet["A1"].value
        and Organisation.objects.get(code="all").name in sheet["A1"].value
    )
    header = [c.value for c in sheet[3]]
    assert header == [
        "序号",
        "路线编号",
        "路线名称",
        "起点桩号",
        "止点桩号",
        "长度(km)",
        "养护措施",
        "工程量(m²)",
        "估算金额(万元)",
        "实施年度",
        "备注",
    ]
    assert sheet.freeze_panes == "A4"
    assert sheet.page_setup.orientation == "landscape"
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[0] == "合计"
    rows = list(sheet.iter_rows(min_row=4, max_row=sheet.max_row - 1, values_only=True))
    assert rows and last[8] == pytest.approx(sum(r[8] for r in rows), abs=0.05)
    cost = sum(i.cost_yuan for i in run.items.filter(year=year)) / 10_000
    assert last[8] == pytest.approx(cost, abs=0.05)


def test_excel_predicted_pqi_per_unit(client, make_user, solved):
    client.force_login(make_user("viewer", organisation=solved.organisation))
    page = client.get(f"/planning/scenarios/{solved.pk}/?level=100").content.decode()
    assert 'id="predictions-export"' in page
    response = client.get(
        f"/planning/scenarios/{solved.pk}/predictions.xlsx?level=100", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[2]]
    years = solved.years
    assert header[:6] == [
        "Route code",
        "Direction",
        "Start chainage",
        "End chainage",
        "Length (m)",
        "PQI now",
    ]
    assert header[6] == f"No treatment {years[0]}"
    assert header[6 + len(years)] == f"With plan {years[0]}"
    rows = [r for r in sheet.iter_rows(min_row=3, values_only=True)]
    run = solved.runs.get(budget_pct=100)
    assert len(rows) == len(run.unit_pqi["units"])
    planned = [r for r in rows if r[-1]]
    assert len(planned) == run.items.count()
    # Another organisation's user gets the same 404 as for a missing scenario.
    other = make_user("viewer", organisation=Organisation.objects.create(code="o2", name="O2"))
    client.force_login(other)
    assert client.get(f"/planning/scenarios/{solved.pk}/predictions.xlsx").status_code == 404


def test_catalogue_edit_and_reset_pages(client, make_user, surveyed):
    client.force_login(make_user("engineer", organisation=surveyed["org_all"]))
    row = Treatment.objects.get(code="chip_seal")
    page = client.get(f"/planning/treatments/{row.pk}/edit/")
    assert page.status_code == 200
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(
        {"unit_cost_yuan_per_m2": 27.5, "road_classes": ["class2"], "pavements": ["asphalt"]}
    )
    data = {k: v for k, v in data.items() if not (isinstance(v, bool) and not v)}
    assert client.post(f"/planning/treatments/{row.pk}/edit/", data).status_code == 302
    row.refresh_from_db()
    assert row.unit_cost_yuan_per_m2 == 27.5 and row.road_classes == ["class2"]
    client.post(f"/planning/treatments/{row.pk}/reset/")
    row.refresh_from_db()
    assert row.unit_cost_yuan_per_m2 == 25.0
    client.force_login(make_user("viewer", organisation=surveyed["org_all"]))
    assert client.get(f"/planning/treatments/{row.pk}/edit/").status_code == 403


def test_calibration_page_fits(client, make_user, surveyed):
    client.force_login(make_user("engineer", organisation=surveyed["org_all"]))
    assert client.post("/planning/calibration/").status_code == 302
    html = client.get("/planning/calibration/").content.decode()
    assert "chart-fit-" in html and "chart-curve-" in html


@pytest.mark.django_db(transaction=True)
def test_background_run_reports_progress(make_user, scenario):
    engineer = make_user("engineer", organisation=scenario.organisation)
    job = start_run(actor=engineer, scenario=scenario)
    call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())
    job.refresh_from_db()
    assert job.status == "succeeded" and job.progress == 100, (job.message, job.errors)
    assert job.result["units"] == 15 and scenario.runs.count() == 4


def test_dashboard_tile(client, make_user, solved):
    from zhiyang.planning.dashboard import tiles

    engineer = make_user("engineer", organisation=solved.organisation)
    [tile] = tiles(engineer)
    assert tile.key == "plan-good-rate" and tile.url.endswith(f"/planning/scenarios/{solved.pk}/")
    assert tiles(make_user("worker", organisation=solved.organisation)) == []
