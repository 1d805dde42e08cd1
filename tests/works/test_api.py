"""Works API: scope (404 outside), projects and status, work-order steps with the close
guards, daily reports idempotent by client_uuid (201 then 200), approval by role."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests import factories
from tests.images import png
from zhiyang.works import guards
from zhiyang.works.models import DailyReport

pytestmark = pytest.mark.django_db
BASE = "/api/v1/works"


def test_scope_404_for_another_organisation(works_world: dict[str, Any], api_client_for: Any):
    w = works_world
    inside = api_client_for(w["viewer"])
    outside = api_client_for(w["outsider"])
    project, order = w["project"], w["paving"]
    assert inside.get(f"{BASE}/projects/{project.pk}/").status_code == 200
    assert outside.get(f"{BASE}/projects/{project.pk}/").status_code == 404
    assert outside.get(f"{BASE}/work-orders/{order.pk}/").status_code == 404
    assert outside.get(f"{BASE}/projects/").json()["results"] == []
    assert outside.post(f"{BASE}/work-orders/{order.pk}/close/").status_code == 404


def test_roles(works_world: dict[str, Any], api_client_for: Any):
    w = works_world
    body = {
        "name": "S 罩面",
        "route": "G109",
        "start_m": "K5+000",
        "end_m": "K6+000",
        "treatment": "fog_seal",
        "planned_start": str(w["today"]),
        "planned_end": str(w["today"]),
    }
    assert (
        api_client_for(w["viewer"]).post(f"{BASE}/projects/", body, format="json").status_code
        == 403
    )
    assert (
        api_client_for(w["worker"]).post(f"{BASE}/projects/", body, format="json").status_code
        == 403
    )
    response = api_client_for(w["engineer"]).post(f"{BASE}/projects/", body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "draft" and created["start_m"] == 5000.0
    assert created["chainage"] == "K5+000–K6+000"
    # The engineer may not approve; the manager may (without "change" on projects).
    url = f"{BASE}/projects/{created['id']}/status/"
    assert (
        api_client_for(w["engineer"]).post(url, {"status": "approved"}, format="json").status_code
        == 403
    )
    response = api_client_for(w["manager"]).post(url, {"status": "approved"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"
    # Starting without work orders: 400 with the reason.
    bad = api_client_for(w["engineer"]).post(url, {"status": "in_progress"}, format="json")
    assert bad.status_code == 400


def test_bad_input_is_400(works_world: dict[str, Any], api_client_for: Any):
    client = api_client_for(works_world["engineer"])
    response = client.post(
        f"{BASE}/projects/",
        {"name": "x", "route": "G109", "start_m": "K9+000", "end_m": "K1+000", "treatment": "nope"},
        format="json",
    )
    assert response.status_code == 400
    response = client.post(
        f"{BASE}/projects/",
        {
            "name": "x",
            "route": "G109",
            "start_m": 3000,
            "end_m": 2000,
            "treatment": "fog_seal",
            "planned_start": "2026-01-01",
            "planned_end": "2026-01-02",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "end_m" in str(response.json())


def test_work_order_steps_and_close_guard(works_world: dict[str, Any], api_client_for: Any):
    w = works_world
    client = api_client_for(w["engineer"])
    url = f"{BASE}/work-orders/{w['rolling'].pk}"
    response = client.post(
        f"{url}/assign/", {"crew": w["crew"].pk, "equipment": [w["roller"].pk]}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["crew"] == w["crew"].pk
    # Another organisation's machine is not even a valid choice.
    response = client.post(f"{url}/assign/", {"equipment": [w["east_truck"].pk]}, format="json")
    assert response.status_code == 400
    assert client.post(f"{url}/start/", {}, format="json").json()["status"] == "in_progress"
    assert client.post(f"{url}/complete/", {}, format="json").json()["status"] == "completed"

    def guard(work_order):
        return ["NCR open"]

    guards.register_close_guard(guard)
    try:
        blocked = client.post(f"{url}/close/")
        assert blocked.status_code == 400
        assert "NCR open" in str(blocked.json())
        assert client.get(f"{url}/").json()["close_blockers"] == ["NCR open"]
    finally:
        guards.unregister_close_guard(guard)
    closed = client.post(f"{url}/close/")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_daily_report_post_201_then_200(works_world: dict[str, Any], api_client_for: Any):
    w = works_world
    client = api_client_for(w["worker"])
    key = str(uuid.uuid4())
    body = {
        "client_uuid": key,
        "project": w["project"].pk,
        "date": str(w["today"]),
        "weather": "cloudy",
        "crew": w["crew"].pk,
        "workers_count": 7,
        "machines": [w["paver"].pk],
        "materials": "AC-13 180 t",
        "quantities": [
            {"work_order": w["paving"].pk, "quantity": "180", "cost_yuan": "93600"},
            {"work_order": w["rolling"].pk, "quantity": "2500"},
        ],
    }
    first = client.post(f"{BASE}/daily-reports/", body, format="json")
    assert first.status_code == 201, first.json()
    again = client.post(f"{BASE}/daily-reports/", body, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert DailyReport.objects.count() == 1
    data = first.json()
    assert data["status"] == "submitted" and data["submitted_by"] == "w-worker"
    assert [q["quantity"] for q in data["quantities"]] == ["180.00", "2500.00"]
    assert data["total_cost_yuan"] == "93600.00"
    # A photo, multipart.
    photo = client.post(
        f"{BASE}/daily-reports/{data['id']}/photos/", {"photo": png()}, format="multipart"
    )
    assert photo.status_code == 201, photo.json()
    # The worker may not approve; the manager may; the outsider does not even see it.
    url = f"{BASE}/daily-reports/{data['id']}"
    assert client.post(f"{url}/approve/").status_code == 403
    assert api_client_for(w["outside_manager"]).post(f"{url}/approve/").status_code == 404
    assert (
        api_client_for(w["manager"])
        .post(f"{url}/reject/", {"reason": ""}, format="json")
        .status_code
        == 400
    )
    approved = api_client_for(w["manager"]).post(f"{url}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_daily_report_refusals(works_world: dict[str, Any], api_client_for: Any):
    w = works_world
    client = api_client_for(w["worker"])
    base = {"project": w["project"].pk, "date": str(w["today"]), "weather": "sunny"}
    assert (
        api_client_for(w["viewer"]).post(f"{BASE}/daily-reports/", base, format="json").status_code
        == 403
    )
    other = factories.project(
        organisation=w["org_east"],
        route=w["s1"],
        code="EAST-1",
        name="east",
        treatment="fog_seal",
        start=w["today"],
        end=w["today"],
        status="approved",
    )
    response = client.post(f"{BASE}/daily-reports/", {**base, "project": other.pk}, format="json")
    assert response.status_code == 400
    response = client.post(
        f"{BASE}/daily-reports/",
        {**base, "quantities": [{"work_order": w["paving"].pk, "quantity": "-3"}]},
        format="json",
    )
    assert response.status_code == 400
    response = client.post(
        f"{BASE}/daily-reports/", {**base, "client_uuid": "not-a-uuid"}, format="json"
    )
    assert response.status_code == 400
    assert DailyReport.objects.count() == 0
