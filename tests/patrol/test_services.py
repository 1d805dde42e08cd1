"""Patrol services: coverage from a track, idempotent uploads, triage, the repair loop,
escalation through the shared engine, the contracts hook."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.patrol.conftest import track_along
from zhiyang.analytics import patrol as kernel
from zhiyang.condition.models import Distress
from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import AuditLog
from zhiyang.patrol import services
from zhiyang.patrol.models import Finding, Patrol, RepairTask


def test_kernel_merges_and_breaks_on_gaps() -> None:
    ch = [0, 100, 200, 300, 5000, 5100, 150]
    dist = [1, 1, 1, 500, 1, 1, 1]
    t = [0, 10, 20, 30, 40, 50, 60]
    got = kernel.covered_intervals(ch, dist, t, lo_m=0, hi_m=10_000)
    # 200→300 is off the road, 300→5000 too; 5100→150 is a jump > 3 km.
    assert got == [(0.0, 200.0), (5000.0, 5100.0)]
    assert kernel.covered_length_m(got) == 300.0
    assert kernel.covered_intervals([0, 100], [1, 1], [0, 1000], lo_m=0, hi_m=1e4) == []


def _plan(world: dict[str, Any]) -> Any:
    return services.create_plan(
        actor=world["engineer"],
        data={"name": "G109 daily", "route": world["g1"], "start_m": 0.0, "end_m": 8000.0},
    )


def test_patrol_upload_covers_km_and_is_idempotent(patrol_world: dict[str, Any]) -> None:
    plan = _plan(patrol_world)
    key = uuid.uuid4()
    track = track_along(patrol_world["g1"], 1000, 9000)  # past the plan's end: clipped
    data = {"plan": plan, "route": None, "track": track, "client_uuid": key}
    patrol, created = services.record_patrol(actor=patrol_world["patroller"], data=data)
    assert created and patrol.district == patrol_world["west"]
    assert patrol.covered_km == pytest.approx(7.0, abs=0.05)
    again, created = services.record_patrol(actor=patrol_world["patroller"], data=data)
    assert not created and again.pk == patrol.pk and Patrol.objects.count() == 1


def test_finding_before_patrol_is_linked_later(patrol_world: dict[str, Any]) -> None:
    key = uuid.uuid4()
    finding, _ = services.report_finding(
        actor=patrol_world["patroller"],
        data={
            "route": patrol_world["g1"],
            "chainage_m": 2500.0,
            "category": "pavement",
            "kind": "pothole",
            "severity": "heavy",
            "quantity": 1.5,
            "patrol_uuid": key,
        },
    )
    assert finding.patrol is None
    # the pavement finding is a distress record of source "patrol", outside any survey
    distress = Distress.objects.get(pk=finding.distress_id)
    assert distress.source == "patrol" and distress.survey_id is None and distress.unit == "m2"
    patrol, _ = services.record_patrol(
        actor=patrol_world["patroller"],
        data={
            "route": patrol_world["g1"],
            "client_uuid": key,
            "track": track_along(patrol_world["g1"], 0, 3000),
        },
    )
    finding.refresh_from_db()
    assert finding.patrol == patrol


def test_finding_validation(patrol_world: dict[str, Any]) -> None:
    actor = patrol_world["patroller"]
    base = {
        "route": patrol_world["g1"],
        "category": "drainage",
        "kind": "blocked_drain",
        "chainage_m": 20_000.0,
    }
    with pytest.raises(ValidationError) as err:
        services.report_finding(actor=actor, data=base)
    assert "chainage_m" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.report_finding(actor=actor, data={**base, "chainage_m": 10, "kind": "pothole"})
    assert "kind" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        services.report_finding(actor=patrol_world["viewer"], data={**base, "chainage_m": 10})


def _triaged(world: dict[str, Any], **extra: Any) -> RepairTask:
    finding, _ = services.report_finding(
        actor=world["patroller"],
        data={
            "route": world["g1"],
            "chainage_m": 4200.0,
            "category": "pavement",
            "kind": "pothole",
            "severity": "heavy",
            "quantity": 2.0,
            **extra,
        },
    )
    services.triage_finding(
        actor=world["engineer"],
        finding=finding,
        decision="repair",
        data={"assignee": world["patroller"], "work_item_code": "303-1"},
    )
    return RepairTask.objects.get(finding=finding)


def test_triage_repair_verify_close(patrol_world: dict[str, Any]) -> None:
    task = _triaged(patrol_world)
    assert task.response_rule == "pavement.pothole.heavy" and task.response_hours == 48
    assert not task.response_confirmed
    assert abs((task.deadline - task.finding.triaged_at).total_seconds() - 48 * 3600) < 1
    with pytest.raises(ValidationError):  # not repaired yet: the state refuses first
        services.verify_task(actor=patrol_world["qc"], task=task)
    with pytest.raises(ValidationError):
        services.repair_task(actor=patrol_world["patroller"], task=task, data={})
    task = services.repair_task(
        actor=patrol_world["patroller"],
        task=task,
        data={"quantity_done": 2.2, "materials": "cold mix 0.3 t"},
    )
    with pytest.raises(PermissionDenied):  # a worker may not verify
        services.verify_task(actor=patrol_world["patroller"], task=task)
    task = services.reject_task(actor=patrol_world["qc"], task=task, note="edges not sealed")
    assert task.status == "open" and task.rejections == 1
    task = services.repair_task(
        actor=patrol_world["patroller"], task=task, data={"quantity_done": 2.2}
    )
    task = services.verify_task(actor=patrol_world["qc"], task=task, note="ok")
    assert task.status == "closed" and task.closed_in_time
    assert Finding.objects.get(pk=task.finding_id).status == "closed"
    assert [e.action for e in task.events.all()] == [
        "create",
        "repair",
        "reject",
        "repair",
        "verify",
    ]
    assert (
        AuditLog.objects.filter(resource="patrol.repairtask", object_id=str(task.pk)).count() >= 5
    )
    with pytest.raises(ValidationError):
        services.triage_finding(
            actor=patrol_world["engineer"],
            finding=task.finding,
            decision="dismiss",
            data={"note": "x"},
        )
    today = timezone.localdate()
    done = services.completed_repairs(actor=patrol_world["viewer"], start=today, end=today)
    assert [(t.work_item_code, t.quantity_done, t.unit) for t in done] == [("303-1", 2.2, "m2")]
    assert not services.completed_repairs(actor=patrol_world["outsider"], start=today, end=today)


def test_urgent_and_hazard_and_dismiss(patrol_world: dict[str, Any]) -> None:
    task = _triaged(patrol_world, urgent=True)
    assert task.response_rule == "urgent" and task.response_hours == 24
    actor = patrol_world["patroller"]
    guard, _ = services.report_finding(
        actor=actor,
        data={
            "route": patrol_world["g1"],
            "chainage_m": 300.0,
            "category": "traffic_facility",
            "kind": "guardrail",
            "quantity": 4,
            "unit": "m",
        },
    )
    guard = services.triage_finding(
        actor=patrol_world["engineer"], finding=guard, decision="hazard"
    )
    assert guard.hazard is not None and guard.hazard.route == patrol_world["g1"]
    litter, _ = services.report_finding(
        actor=actor,
        data={
            "route": patrol_world["g1"],
            "chainage_m": 350.0,
            "category": "roadside",
            "kind": "litter",
        },
    )
    with pytest.raises(ValidationError):
        services.triage_finding(actor=patrol_world["engineer"], finding=litter, decision="dismiss")
    with pytest.raises(PermissionDenied):
        services.triage_finding(actor=patrol_world["patroller"], finding=litter, decision="monitor")


def test_late_task_escalates_once_a_day(patrol_world: dict[str, Any]) -> None:
    task = _triaged(patrol_world)
    late = task.deadline + dt.timedelta(hours=5)
    assert services.escalate_overdue_tasks(actor=SYSTEM, now=late) == 1
    assert services.escalate_overdue_tasks(actor=SYSTEM, now=late) == 0
    assert services.escalate_overdue_tasks(actor=SYSTEM, now=late + dt.timedelta(days=1)) == 1
    task.refresh_from_db()
    assert task.escalation_level == 2
    assert task.events.filter(action="escalate").count() == 2
    from zhiyang.notify.models import Event

    assert Event.objects.filter(kind="patrol.task_escalated").count() == 2


def test_vectorised_snapping_matches_one_by_one(patrol_world: dict[str, Any]) -> None:
    from zhiyang.network import linref

    route = patrol_world["g1"]
    coords = linref.route_coords(route)
    track = track_along(route, 0, 10_000, step_m=370)
    lons = [p[0] + 0.0004 for p in track]
    lats = [p[1] for p in track]
    ch, dist = linref.locate_many_on_coords(coords, route.start_m, route.end_m, lons, lats)
    for i in range(0, len(track), 7):
        one = linref.locate_on_coords(coords, route.start_m, route.end_m, lons[i], lats[i])
        assert ch[i] == pytest.approx(one.chainage_m, abs=1e-6)
        assert dist[i] == pytest.approx(one.distance_m, abs=1e-6)
