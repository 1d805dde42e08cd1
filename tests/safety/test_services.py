"""Safety services: work-zone placement, geofence, hazard loop, escalation, inspections."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import AuditLog
from zhiyang.network import linref
from zhiyang.safety import services
from zhiyang.safety.choices import HazardStatus, ItemResult
from zhiyang.safety.models import Hazard, HazardEvent


def test_work_zone_layout_placed_on_chainage(safety_world: dict[str, Any]) -> None:
    zone = safety_world["zone"]
    zones = {z["zone"]: z for z in zone.layout["zones"]}
    assert zones["work"]["from_m"] == 5000 and zones["work"]["to_m"] == 5400
    assert zones["buffer"]["to_m"] == 5000 and zones["buffer"]["length_m"] == 80
    assert (
        zones["warning"]["from_m"] < zones["warning"]["to_m"] <= zones["upstream_taper"]["from_m"]
    )
    assert zone.start_m == zones["warning"]["from_m"]
    assert zone.end_m == zones["termination"]["to_m"]
    assert zone.district == safety_world["west"]
    assert AuditLog.objects.filter(resource="safety.workzone", action="create").count() == 1


def test_down_direction_runs_against_chainage(safety_world: dict[str, Any]) -> None:
    zone = services.update_work_zone(
        actor=safety_world["officer"], work_zone=safety_world["zone"], data={"direction": "down"}
    )
    zones = {z["zone"]: z for z in zone.layout["zones"]}
    # Drivers reach K5+400 first: the buffer lies above the work area.
    assert zones["work"]["from_m"] == 5400 and zones["work"]["to_m"] == 5000
    assert zones["buffer"]["from_m"] > zones["buffer"]["to_m"] == 5400
    assert zones["warning"]["from_m"] == zone.end_m
    assert zones["termination"]["to_m"] == zone.start_m
    geo = services.work_zone_geojson(zone)
    lines = [f for f in geo["features"] if f["geometry"]["type"] == "LineString"]
    points = [f for f in geo["features"] if f["geometry"]["type"] == "Point"]
    assert len(lines) == 6 and points
    assert all({"color", "title", "popup"} <= f["properties"].keys() for f in geo["features"])
    # The warning line starts (driving order) at the higher chainage: further east on G109.
    warning = lines[0]["geometry"]["coordinates"]
    assert warning[0][0] > warning[-1][0]


def test_geofence(safety_world: dict[str, Any]) -> None:
    zone = safety_world["zone"]
    route = safety_world["g1"]
    lon, lat = linref.point_at(route, 5200)
    assert zone.contains(lon, lat) and zone.geofence_distance_m(lon, lat) == 0
    coords = linref.route_coords(route)
    off_lon, off_lat = linref.offset_point_coords(coords, route.start_m, route.end_m, 5200, 300)
    # 300 m off the centre line, margin 50 m + half the 12 m section width.
    assert zone.geofence_distance_m(off_lon, off_lat) == pytest.approx(244, abs=1)
    far_lon, far_lat = linref.point_at(route, 9_900)
    assert not zone.contains(far_lon, far_lat)
    assert zone.geofence_distance_m(float("nan"), 40.0) == float("inf")


def test_work_zone_kernel_errors_are_field_errors(safety_world: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as err:
        services.update_work_zone(
            actor=safety_world["officer"],
            work_zone=safety_world["zone"],
            data={"speed_limit_kmh": 100, "normal_speed_kmh": 120},
        )
    assert "speed_limit_kmh" in err.value.message_dict


def _report(world: dict[str, Any], **extra: Any) -> Hazard:
    lon, lat = linref.point_at(world["g1"], 5100)
    hazard, created = services.report_hazard(
        actor=world["worker"],
        data={"lon": lon, "lat": lat, "description": "锥桶倒伏", "level": "general", **extra},
    )
    assert created
    return hazard


def test_report_locates_and_is_idempotent_by_client_uuid(safety_world: dict[str, Any]) -> None:
    key = uuid.uuid4()
    hazard = _report(safety_world, client_uuid=key)
    assert hazard.route == safety_world["g1"]
    assert hazard.chainage_m == pytest.approx(5100, abs=1)
    assert hazard.district == safety_world["west"]
    assert hazard.work_zone == safety_world["zone"]
    again, created = services.report_hazard(
        actor=safety_world["worker"],
        data={"lon": 0, "lat": 0, "description": "x", "client_uuid": key},
    )
    assert not created and again.pk == hazard.pk
    assert Hazard.objects.count() == 1


def test_full_loop_with_reject(safety_world: dict[str, Any]) -> None:
    w = safety_world
    hazard = _report(w)
    deadline = timezone.localdate() + dt.timedelta(days=2)
    # A worker may not assign; an outsider cannot even see it.
    with pytest.raises(PermissionDenied):
        services.assign_hazard(
            actor=w["worker"], hazard=hazard, assignee=w["worker"], deadline=deadline
        )
    with pytest.raises(PermissionDenied):
        services.assign_hazard(
            actor=w["outsider"], hazard=hazard, assignee=w["worker"], deadline=deadline
        )
    # Cannot rectify before being assigned.
    # Not yet assigned to them: the role is refused before the state (issue 22's order).
    with pytest.raises(PermissionDenied):
        services.rectify_hazard(actor=w["worker"], hazard=hazard, note="done")
    with pytest.raises(ValidationError):
        services.rectify_hazard(actor=w["officer"], hazard=hazard, note="done")
    hazard = services.assign_hazard(
        actor=w["officer"], hazard=hazard, assignee=w["worker"], deadline=deadline
    )
    assert hazard.status == HazardStatus.ASSIGNED
    # Another worker is not the assignee.
    with pytest.raises(PermissionDenied):
        services.rectify_hazard(actor=w["worker2"], hazard=hazard, note="done")
    with pytest.raises(ValidationError):
        services.rectify_hazard(actor=w["worker"], hazard=hazard, note="  ")
    hazard = services.rectify_hazard(actor=w["worker"], hazard=hazard, note="扶正并加固")
    assert hazard.status == HazardStatus.RECTIFIED
    with pytest.raises(PermissionDenied):
        services.verify_hazard(actor=w["worker"], hazard=hazard)
    with pytest.raises(ValidationError):
        services.close_hazard(actor=w["officer"], hazard=hazard)
    hazard = services.reject_hazard(actor=w["officer"], hazard=hazard, note="仍有一个未加固")
    assert hazard.status == HazardStatus.ASSIGNED and hazard.rejections == 1
    hazard = services.rectify_hazard(actor=w["worker"], hazard=hazard, note="全部加固")
    hazard = services.verify_hazard(actor=w["officer"], hazard=hazard, note="合格")
    hazard = services.close_hazard(actor=w["officer"], hazard=hazard)
    assert hazard.status == HazardStatus.CLOSED and hazard.closed_at is not None
    actions = list(HazardEvent.objects.filter(hazard=hazard).values_list("action", flat=True))
    assert actions == ["report", "assign", "rectify", "reject", "rectify", "verify", "close"]
    audits = AuditLog.objects.filter(resource="safety.hazard", object_id=str(hazard.pk))
    assert audits.count() == 7  # created + six steps
    assert services.allowed_steps(w["officer"], hazard) == []


def test_escalation_is_idempotent_per_day(safety_world: dict[str, Any]) -> None:
    w = safety_world
    hazard = _report(w, reported_at=timezone.now() - dt.timedelta(days=10))
    today = timezone.localdate()
    services.assign_hazard(
        actor=w["officer"],
        hazard=hazard,
        assignee=w["worker"],
        deadline=today - dt.timedelta(days=3),
    )
    assert services.escalate_overdue(today=today, actor=SYSTEM) == 1
    assert services.escalate_overdue(today=today, actor=SYSTEM) == 0
    hazard.refresh_from_db()
    assert hazard.escalation_level == 1 and hazard.escalated_on == today and hazard.is_overdue()
    assert services.escalate_overdue(today=today + dt.timedelta(days=1), actor=SYSTEM) == 1
    hazard.refresh_from_db()
    assert hazard.escalation_level == 2
    assert HazardEvent.objects.filter(hazard=hazard, action="escalate").count() == 2
    # A rectified hazard is no longer overdue.
    services.rectify_hazard(actor=w["worker"], hazard=hazard, note="ok")
    assert services.escalate_overdue(today=today + dt.timedelta(days=2), actor=SYSTEM) == 0


def test_escalation_task(safety_world: dict[str, Any]) -> None:
    from zhiyang.safety.tasks import escalate_overdue_hazards

    assert escalate_overdue_hazards.call() == 0


def test_inspection_and_one_click_hazard(safety_world: dict[str, Any]) -> None:
    w = safety_world
    template = services.create_template(
        actor=w["officer"], data={"name": "daily"}, items=["标志齐全", "锥桶间距", "反光背心"]
    )
    inspection = services.plan_inspection(
        actor=w["officer"],
        data={"template": template, "work_zone": w["zone"], "planned_date": timezone.localdate()},
    )
    items = list(template.items.all())
    assert inspection.results.count() == 3 and inspection.route == w["g1"]
    entries = {i.pk: services.ItemEntry(ItemResult.PASS) for i in items}
    entries[items[1].pk] = services.ItemEntry(ItemResult.FAIL, "")
    with pytest.raises(ValidationError):
        services.record_inspection(actor=w["officer"], inspection=inspection, entries=entries)
    entries[items[1].pk] = services.ItemEntry(ItemResult.FAIL, "间距 20 m")
    services.record_inspection(actor=w["officer"], inspection=inspection, entries=entries)
    inspection.refresh_from_db()
    assert inspection.status == "done" and inspection.done_at is not None
    failed = inspection.results.get(item=items[1])
    hazard = services.raise_hazard_from_result(actor=w["officer"], result=failed)
    assert hazard.source_result == failed and "间距" in hazard.description
    assert services.raise_hazard_from_result(actor=w["officer"], result=failed).pk == hazard.pk
    with pytest.raises(ValidationError):
        services.raise_hazard_from_result(
            actor=w["officer"], result=inspection.results.get(item=items[0])
        )
