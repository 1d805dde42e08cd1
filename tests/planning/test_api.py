"""Planning API: catalogue within roles, scenarios create/run/read, items, approve."""

from __future__ import annotations

import pytest

from zhiyang.core.actors import SYSTEM
from zhiyang.planning import services
from zhiyang.planning.models import PlanItem, Treatment
from zhiyang.works.models import Project

pytestmark = pytest.mark.django_db


def test_catalogue_crud_within_roles(surveyed, make_user, api_client_for):
    engineer = api_client_for(make_user("engineer", organisation=surveyed["org_all"]))
    viewer = api_client_for(make_user("viewer", organisation=surveyed["org_all"]))
    listed = viewer.get("/api/v1/planning/treatments/")
    assert listed.status_code == 200 and listed.json()["count"] == 10
    row = Treatment.objects.get(code="fog_seal")
    url = f"/api/v1/planning/treatments/{row.pk}/"
    assert viewer.patch(url, {"unit_cost_yuan_per_m2": 9.0}, format="json").status_code == 403
    changed = engineer.patch(url, {"unit_cost_yuan_per_m2": 9.0}, format="json")
    assert changed.status_code == 200 and changed.json()["unit_cost_yuan_per_m2"] == 9.0
    bad = engineer.patch(url, {"reset_to": 90.0}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"
    reset = engineer.post(f"{url}reset/")
    assert reset.status_code == 200 and reset.json()["unit_cost_yuan_per_m2"] == 8.0


def test_scenario_create_run_and_read(surveyed, make_user, api_client_for):
    client = api_client_for(make_user("engineer", organisation=surveyed["org_all"]))
    created = client.post(
        "/api/v1/planning/scenarios/",
        {
            "name": "API plan",
            "first_year": 2027,
            "horizon_years": 2,
            "base_budget_yuan": 1_000_000,
            "budget_levels_pct": [100, 0],
            "method": "worst-first",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["organisation"] == "all" and body["budget_levels_pct"] == [0, 100]
    ran = client.post(f"/api/v1/planning/scenarios/{body['id']}/run/")
    assert ran.status_code == 200 and len(ran.json()["summary"]["levels"]) == 2
    detail = client.get(f"/api/v1/planning/scenarios/{body['id']}/").json()
    assert detail["status"] == "solved" and len(detail["runs"]) == 2
    run = detail["runs"][1]
    assert run["trajectory"]["years"] == [2027, 2028]
    items = client.get(f"/api/v1/planning/plan-items/?run={run['id']}").json()
    assert items["count"] == PlanItem.objects.filter(run_id=run["id"]).count() > 0
    assert items["results"][0]["explanation"]["treatment"] == items["results"][0]["treatment"]
    assert "unit_pqi" not in run  # large: its own endpoint
    table = client.get(f"/api/v1/planning/scenario-runs/{run['id']}/unit-pqi/").json()
    assert table["years"] == [2027, 2028]
    assert len(table["with_plan"]) == len(table["units"]) == len(table["without"]) > 0
    bad = client.post(
        "/api/v1/planning/scenarios/", {"name": "x", "budget_levels_pct": ["a"]}, format="json"
    )
    assert bad.status_code == 400


def test_background_run_answers_202(scenario, make_user, api_client_for):
    client = api_client_for(make_user("engineer", organisation=scenario.organisation))
    response = client.post(f"/api/v1/planning/scenarios/{scenario.pk}/run/?background=1")
    assert response.status_code == 202 and response.json()["job"]["status"] == "queued"


def test_scope_another_organisations_scenario_is_404(surveyed, make_user, api_client_for):
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
    client = api_client_for(make_user("engineer", organisation=surveyed["org_west"]))
    assert client.get(f"/api/v1/planning/scenarios/{other.pk}/").status_code == 404
    assert client.post(f"/api/v1/planning/scenarios/{other.pk}/run/").status_code == 404
    assert client.get("/api/v1/planning/scenarios/").json()["count"] == 0
    services.run_scenario(actor=SYSTEM, scenario=other)
    run = other.runs.get()
    assert client.get(f"/api/v1/planning/scenario-runs/{run.pk}/unit-pqi/").status_code == 404


def test_approve_action(scenario, make_user, api_client_for):
    services.run_scenario(actor=SYSTEM, scenario=scenario)
    ids = list(
        PlanItem.objects.filter(run__scenario=scenario, run__budget_pct=100).values_list(
            "pk", flat=True
        )[:4]
    )
    engineer = api_client_for(make_user("engineer", organisation=scenario.organisation))
    denied = engineer.post("/api/v1/planning/plan-items/approve/", {"items": ids}, format="json")
    assert denied.status_code == 403
    manager = api_client_for(make_user("manager", organisation=scenario.organisation))
    done = manager.post("/api/v1/planning/plan-items/approve/", {"items": ids}, format="json")
    assert done.status_code == 200 and done.json()["projects"]
    count = Project.objects.count()
    again = manager.post("/api/v1/planning/plan-items/approve/", {"items": ids}, format="json")
    assert again.status_code == 200 and again.json()["projects"] == []
    assert Project.objects.count() == count
    assert (
        manager.post("/api/v1/planning/plan-items/approve/", {}, format="json").status_code == 400
    )


def test_calibration_fit_endpoint(surveyed, make_user, api_client_for):
    client = api_client_for(make_user("engineer", organisation=surveyed["org_all"]))
    fitted = client.post("/api/v1/planning/calibrations/fit/", {}, format="json")
    assert fitted.status_code == 201 and fitted.json()[0]["n"] == 10
    assert client.get("/api/v1/planning/calibrations/?active=true").json()["count"] == 1
    viewer = api_client_for(make_user("viewer", organisation=surveyed["org_all"]))
    assert viewer.post("/api/v1/planning/calibrations/fit/", {}, format="json").status_code == 403
