"""Safety API: scope (404 outside), design without writes, hazard report + steps."""

from __future__ import annotations

import uuid
from typing import Any

from tests.images import png
from zhiyang.network import linref
from zhiyang.safety.models import Hazard, WorkZone


def test_work_zone_scope_and_actions(safety_world: dict[str, Any], api_client_for: Any) -> None:
    zone = safety_world["zone"]
    inside = api_client_for(safety_world["viewer"])
    outside = api_client_for(safety_world["outsider"])
    base = "/api/v1/safety/workzones/"
    assert inside.get(f"{base}{zone.pk}/").status_code == 200
    assert outside.get(f"{base}{zone.pk}/").status_code == 404
    assert outside.get(f"{base}{zone.pk}/geojson/").status_code == 404
    assert outside.get(base).json()["results"] == []
    layout = inside.get(f"{base}{zone.pk}/layout/").json()
    assert next(z["zone"] for z in layout["zones"]) == "warning"
    geo = inside.get(f"{base}{zone.pk}/geojson/").json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) > 6


def test_design_writes_nothing(safety_world: dict[str, Any], api_client_for: Any) -> None:
    client = api_client_for(safety_world["viewer"])
    before = WorkZone.objects.count()
    for url in ("/api/v1/safety/workzones/design/", "/api/v1/safety/workzone/design/"):
        response = client.post(
            url, {"speed_limit_kmh": 70, "downgrade_pct": 4, "work_length_m": 500}, format="json"
        )
        assert response.status_code == 200, response.json()
        zones = response.json()["zones"]
        assert zones[2]["zone"] == "buffer" and zones[2]["length_m"] == 120
    bad = client.post(
        "/api/v1/safety/workzones/design/",
        {"speed_limit_kmh": 100, "work_length_m": 500},
        format="json",
    )
    assert bad.status_code == 400
    assert WorkZone.objects.count() == before


def test_create_work_zone_by_api(safety_world: dict[str, Any], api_client_for: Any) -> None:
    client = api_client_for(safety_world["officer"])
    response = client.post(
        "/api/v1/safety/workzones/",
        {
            "name": "api zone",
            "route": "G109",
            "direction": "down",
            "work_start_m": "K2+000",
            "work_end_m": "K2+300",
            "normal_speed_kmh": 60,
            "speed_limit_kmh": 40,
            "planned_start": "2026-12-01",
            "planned_end": "2026-12-02",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["district"] == "140226" and body["layout"]["zones"][3]["from_m"] == 2300
    # The viewer role may not create.
    denied = api_client_for(safety_world["viewer"]).post(
        "/api/v1/safety/workzones/", {"name": "x"}, format="json"
    )
    assert denied.status_code == 403


def test_hazard_report_photo_retry_and_steps(
    safety_world: dict[str, Any], api_client_for: Any
) -> None:
    w = safety_world
    worker = api_client_for(w["worker"])
    lon, lat = linref.point_at(w["g1"], 5_150)
    key = str(uuid.uuid4())
    payload = {
        "lon": lon,
        "lat": lat,
        "description": "路面散落碎石",
        "level": "larger",
        "client_uuid": key,
    }
    first = worker.post("/api/v1/safety/hazards/", {**payload, "photo": png()}, format="multipart")
    assert first.status_code == 201, first.json()
    again = worker.post("/api/v1/safety/hazards/", {**payload, "photo": png()}, format="multipart")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Hazard.objects.count() == 1
    hazard_id = first.json()["id"]
    assert first.json()["chainage"] == "K5+150"
    url = f"/api/v1/safety/hazards/{hazard_id}/"

    # Outside the scope: 404 for reading and for steps.
    outsider = api_client_for(w["outsider"])
    assert outsider.get(url).status_code == 404
    assert outsider.post(f"{url}assign/", {}, format="json").status_code == 404

    # Worker may not assign (403); officer may.
    assert worker.post(f"{url}assign/", {"assignee": "worker"}, format="json").status_code == 403
    officer = api_client_for(w["officer"])
    assigned = officer.post(
        f"{url}assign/", {"assignee": "worker", "deadline": "2099-01-01"}, format="json"
    )
    assert assigned.status_code == 200, assigned.json()
    assert assigned.json()["status"] == "assigned"
    # Wrong state: verify before rectify is a 400.
    assert officer.post(f"{url}verify/", {}, format="json").status_code == 400
    rectified = worker.post(
        f"{url}rectify/", {"note": "已清扫", "photo": png()}, format="multipart"
    )
    assert rectified.status_code == 200, rectified.json()
    assert rectified.json()["rectification_photo"]
    assert (
        officer.post(f"{url}verify/", {"note": "ok"}, format="json").json()["status"] == "verified"
    )
    closed = officer.post(f"{url}close/", {}, format="json").json()
    assert closed["status"] == "closed" and closed["allowed_steps"] == []
    assert [e["action"] for e in closed["events"]] == [
        "report",
        "assign",
        "rectify",
        "verify",
        "close",
    ]


def test_hazard_far_from_road_is_refused(safety_world: dict[str, Any], api_client_for: Any) -> None:
    response = api_client_for(safety_world["worker"]).post(
        "/api/v1/safety/hazards/",
        {"lon": 100.0, "lat": 30.0, "description": "x", "level": "general"},
        format="json",
    )
    assert response.status_code == 400
    assert "lon" in response.json()["error"]["fields"]


def test_inspection_api_flow(safety_world: dict[str, Any], api_client_for: Any) -> None:
    officer = api_client_for(safety_world["officer"])
    template = officer.post(
        "/api/v1/safety/inspection-templates/",
        {"name": "每日检查", "item_texts": ["标志", "锥桶"]},
        format="json",
    ).json()
    items = [i["id"] for i in template["items"]]
    inspection = officer.post(
        "/api/v1/safety/inspections/",
        {
            "template": template["id"],
            "work_zone": safety_world["zone"].pk,
            "planned_date": "2026-12-01",
        },
        format="json",
    )
    assert inspection.status_code == 201, inspection.json()
    url = f"/api/v1/safety/inspections/{inspection.json()['id']}/"
    done = officer.post(
        f"{url}record/",
        {
            "results": [
                {"item": items[0], "result": "pass"},
                {"item": items[1], "result": "fail", "note": "倒伏"},
            ]
        },
        format="json",
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    raised = officer.post(f"{url}raise_hazard/", {"item": items[1]}, format="json")
    assert raised.status_code == 201 and raised.json()["status"] == "reported"
    assert api_client_for(safety_world["outsider"]).get(url).status_code == 404


def test_incident_api(safety_world: dict[str, Any], api_client_for: Any) -> None:
    officer = api_client_for(safety_world["officer"])
    response = officer.post(
        "/api/v1/safety/incidents/",
        {
            "route": "G109",
            "chainage_m": 5100,
            "occurred_at": "2026-11-20T08:00:00+08:00",
            "incident_type": "traffic",
            "severity": "near_miss",
            "description": "车辆闯入",
            "cause_categories": ["man", "environment"],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["district"] == "140226"
    bad = officer.post(
        "/api/v1/safety/incidents/",
        {
            "route": "G109",
            "occurred_at": "2026-11-20T08:00:00+08:00",
            "incident_type": "traffic",
            "severity": "near_miss",
            "description": "x",
            "cause_categories": ["weather"],
        },
        format="json",
    )
    assert bad.status_code == 400
    assert (
        api_client_for(safety_world["outsider"])
        .get(f"/api/v1/safety/incidents/{response.json()['id']}/")
        .status_code
        == 404
    )


def test_hazard_filters_and_list_scope(safety_world: dict[str, Any], api_client_for: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from zhiyang.safety import services

    w = safety_world
    late, _c = services.report_hazard(
        actor=w["worker"],
        data={
            "route": w["g1"],
            "chainage_m": 5100.0,
            "description": "late",
            "reported_at": timezone.now() - dt.timedelta(days=5),
        },
    )
    services.assign_hazard(
        actor=w["officer"],
        hazard=late,
        assignee=w["worker"],
        deadline=timezone.localdate() - dt.timedelta(days=1),
    )
    services.report_hazard(
        actor=w["worker"], data={"route": w["g1"], "chainage_m": 5200.0, "description": "fresh"}
    )
    worker = api_client_for(w["worker"])
    url = "/api/v1/safety/hazards/"
    assert [h["description"] for h in worker.get(url, {"overdue": "true"}).json()["results"]] == [
        "late"
    ]
    assert [h["description"] for h in worker.get(url, {"mine": "true"}).json()["results"]] == [
        "late"
    ]
    assert len(worker.get(url).json()["results"]) == 2
    assert api_client_for(w["outsider"]).get(url).json()["results"] == []


def test_every_accepted_work_zone_renders_its_geojson(
    safety_world: dict[str, Any], api_client_for: Any
) -> None:
    """issue 22: a PUT answered 200 and the zone's GeoJSON then gave 500 (format_chainage).
    Near K0 the layout's taper starts before the route; far values are refused."""
    client = api_client_for(safety_world["officer"])
    url = f"/api/v1/safety/workzones/{safety_world['zone'].pk}/"
    for start, end, ok in ((0.0, 50.0, True), (9_950.0, 10_000.0, True), (1e40, 2e40, False)):
        response = client.patch(url, {"work_start_m": start, "work_end_m": end}, format="json")
        assert (response.status_code == 200) is ok, response.content
        assert client.get(f"{url}geojson/").status_code == 200
