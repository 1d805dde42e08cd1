"""The whole loop through the API: plan → patrol with track → finding → triage → task →
repair → verify → closed; a late task escalates; scope and step permissions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from tests.images import png
from tests.patrol.conftest import track_along
from zhiyang.core.actors import SYSTEM
from zhiyang.patrol import services
from zhiyang.patrol.models import Finding, Patrol

BASE = "/api/v1/patrol/"


def test_whole_loop(patrol_world: dict[str, Any], api_client_for: Any) -> None:
    eng = api_client_for(patrol_world["engineer"])
    phone = api_client_for(patrol_world["patroller"])
    qc = api_client_for(patrol_world["qc"])
    outsider = api_client_for(patrol_world["outsider"])
    plan = eng.post(
        f"{BASE}plans/",
        {"name": "G109 daily", "route": "G109", "start_m": "K0+000", "end_m": "K8+000"},
        format="json",
    )
    assert plan.status_code == 201, plan.json()
    plan_id = plan.json()["id"]
    patrol_key = str(uuid.uuid4())
    # a finding first (the phone was offline; its patrol is uploaded at the end)
    finding_body = {
        "client_uuid": str(uuid.uuid4()),
        "patrol_uuid": patrol_key,
        "route": "G109",
        "chainage_m": "K3+250",
        "category": "pavement",
        "kind": "pothole",
        "severity": "heavy",
        "quantity": "1.2",
        "photo": png(),
    }
    found = phone.post(f"{BASE}findings/", finding_body, format="multipart")
    assert found.status_code == 201, found.json()
    finding_body["photo"] = png()
    again = phone.post(f"{BASE}findings/", finding_body, format="multipart")
    assert again.status_code == 200 and again.json()["id"] == found.json()["id"]
    track = track_along(patrol_world["g1"], 0, 8000)
    body = {"client_uuid": patrol_key, "plan": plan_id, "track": track, "weather": "晴"}
    up = phone.post(f"{BASE}patrols/", body, format="json")
    assert up.status_code == 201, up.json()
    assert abs(up.json()["covered_km"] - 8.0) < 0.05
    assert phone.post(f"{BASE}patrols/", body, format="json").status_code == 200
    assert Patrol.objects.count() == 1
    fid = found.json()["id"]
    assert Finding.objects.get(pk=fid).patrol_id == up.json()["id"]
    # triage: a worker may not, an outsider does not see it
    assert phone.post(f"{BASE}findings/{fid}/triage/", {"decision": "repair"}).status_code == 403
    assert outsider.post(f"{BASE}findings/{fid}/triage/", {"decision": "repair"}).status_code == 404
    tri = eng.post(
        f"{BASE}findings/{fid}/triage/",
        {"decision": "repair", "assignee": "patroller", "work_item_code": "303-1"},
        format="json",
    )
    assert tri.status_code == 200, tri.json()
    task_id = tri.json()["task"]
    task = phone.get(f"{BASE}tasks/{task_id}/").json()
    assert task["response_rule"] == "pavement.pothole.heavy" and task["response_hours"] == 48
    assert task["allowed_steps"] == ["repair"]
    assert eng.post(f"{BASE}findings/{fid}/triage/", {"decision": "monitor"}).status_code == 400
    # the crew repairs
    rep = phone.post(
        f"{BASE}tasks/{task_id}/repair/",
        {
            "quantity_done": "1.4",
            "materials": "冷补料 0.2 t",
            "photo_before": png(),
            "photo_after": png(),
        },
        format="multipart",
    )
    assert rep.status_code == 200, rep.json()
    assert rep.json()["status"] == "repaired" and rep.json()["photo_after"]
    assert phone.post(f"{BASE}tasks/{task_id}/verify/", {}).status_code == 403
    ver = qc.post(f"{BASE}tasks/{task_id}/verify/", {"note": "ok"}, format="json")
    assert ver.status_code == 200 and ver.json()["status"] == "closed"
    assert eng.get(f"{BASE}findings/{fid}/").json()["status"] == "closed"
    today = timezone.localdate().isoformat()
    done = eng.get(f"{BASE}tasks/", {"status": "closed", "verified_since": today}).json()
    assert [(t["work_item_code"], t["quantity_done"]) for t in done["results"]] == [("303-1", 1.4)]
    m = eng.get(f"{BASE}tasks/measures/").json()
    assert m["patrols"] == 1 and m["findings"] == 1 and m["share_closed_within_deadline"] == 1.0
    assert m["findings_per_km"] == round(1 / 8.0, 3)
    assert m["coverage"][0]["route"] == "G109" and m["coverage"][0]["patrolled_km"] > 7.9
    assert outsider.get(f"{BASE}tasks/{task_id}/").status_code == 404


def test_late_task_escalates(patrol_world: dict[str, Any], api_client_for: Any) -> None:
    eng = api_client_for(patrol_world["engineer"])
    made = eng.post(
        f"{BASE}tasks/",
        {
            "route": "G109",
            "chainage_m": "K1+000",
            "category": "drainage",
            "kind": "blocked_drain",
            "description": "clear culvert",
            "unit": "ea",
            "quantity_planned": 1,
        },
        format="json",
    )
    assert made.status_code == 201, made.json()
    assert made.json()["response_hours"] == 168 and not made.json()["response_confirmed"]
    later = timezone.now() + dt.timedelta(days=8)
    assert services.escalate_overdue_tasks(actor=SYSTEM, now=later) == 1
    task = eng.get(f"{BASE}tasks/{made.json()['id']}/").json()
    assert task["escalation_level"] == 1 and task["events"][-1]["action"] == "escalate"
