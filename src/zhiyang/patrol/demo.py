"""Demo patrol data: a plan per demo route (whole route, default frequency of its class),
the last seven days of patrols with GPS tracks (two missed patrols so the calendar shows
some), findings of every category, and their repairs: closed in time, closed late, one
waiting for verification, open ones (one overdue, escalated) and one monitored, one
dismissed, one turned into a safety hazard.

Dates are relative to today. Idempotent: once the first demo patrol exists nothing is added.
Writes go through the services (``at=`` records decisions entered after the fact). Tracks
have a fix every 500 m, so the whole week loads in a few seconds.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM
from zhiyang.network import linref
from zhiyang.network.models import Route
from zhiyang.patrol import services
from zhiyang.patrol.models import Patrol, PatrolPlan, RepairTask

UUID_NAMESPACE = uuid.UUID("5d0f3e8c-8a51-4f0e-9f5c-7d1c2a9b4e60")
DAYS = 7
FIX_EVERY_M = 500.0
SPEED_M_PER_S = 11.0  # about 40 km/h with stops

# (route, fraction along the route, category, kind, severity, quantity, unit, urgent, fate)
# fate: closed (in time), late (closed after its deadline), repaired (waiting for the QC),
# open, overdue, monitor, dismiss, hazard, new (not triaged yet).
FINDINGS: tuple[tuple[str, float, str, str, str, float, str, bool, str], ...] = (
    ("G109", 0.20, "pavement", "pothole", "heavy", 1.6, "m2", False, "closed"),
    ("G109", 0.55, "pavement", "pothole", "heavy", 1.2, "m2", False, "late"),
    ("G109", 0.80, "traffic_facility", "guardrail", "", 8.0, "m", True, "hazard"),
    ("G208", 0.30, "pavement", "pothole", "heavy", 0.6, "m2", False, "overdue"),
    ("G208", 0.62, "drainage", "blocked_drain", "", 1.0, "ea", False, "closed"),
    ("G208", 0.90, "roadside", "debris", "", 2.0, "m3", True, "closed"),
    ("G110", 0.15, "pavement", "alligator", "medium", 25.0, "m2", False, "monitor"),
    ("G110", 0.70, "traffic_facility", "sign", "", 1.0, "ea", False, "repaired"),
    ("S203", 0.40, "pavement", "pothole", "heavy", 2.4, "m2", False, "late"),
    ("S203", 0.75, "encroachment", "storage_on_road", "", 15.0, "m2", False, "open"),
    ("S301", 0.35, "pavement", "pothole", "", 0.9, "m2", False, "closed"),
    ("S301", 0.60, "bridge_deck", "expansion_joint", "", 6.0, "m", False, "open"),
    ("S342", 0.25, "subgrade", "shoulder_damage", "", 20.0, "m", False, "dismiss"),
    ("S342", 0.50, "roadside", "litter", "", 1.0, "ea", False, "new"),
)
# Patrols that did not happen (route, days ago): the calendar shows them missed.
MISSED = {("S203", 3), ("G110", 5)}


def _uuid(key: str) -> uuid.UUID:
    return uuid.uuid5(UUID_NAMESPACE, key)


def _track(route: Route, start: dt.datetime) -> list[list[float]]:
    length = route.end_m - route.start_m
    n = max(2, int(length // FIX_EVERY_M) + 1)
    chainages = [route.start_m + length * i / (n - 1) for i in range(n)]
    lons, lats = linref.points_at_coords(
        linref.route_coords(route), route.start_m, route.end_m, chainages
    )
    t0 = start.timestamp()
    return [
        [
            round(float(lon), 7),
            round(float(lat), 7),
            round(t0 + (ch - route.start_m) / SPEED_M_PER_S),
        ]
        for lon, lat, ch in zip(lons, lats, chainages, strict=True)
    ]


def load_demo_data(*, context: Any) -> str:
    if Patrol.objects.filter(client_uuid=_uuid("patrol:G109:0")).exists():
        return _("Patrol: already loaded.")
    users = context.users
    worker, engineer, qc = users["worker"], users["engineer"], users["qc_inspector"]
    routes = {r.code: r for r in Route.objects.filter(geometry__isnull=False)}
    now = timezone.now()
    today = timezone.localdate()
    plans: dict[str, PatrolPlan] = {}
    for code, route in sorted(routes.items()):
        plan = PatrolPlan.objects.filter(route=route, name__startswith=code).first()
        plans[code] = plan or services.create_plan(
            actor=SYSTEM,
            data={
                "name": f"{code} {route.name} 日常巡查",
                "route": route,
                "start_m": route.start_m,
                "end_m": route.end_m,
                "starts_on": today - dt.timedelta(days=30),
            },
        )
    patrols: dict[tuple[str, int], Patrol] = {}
    for code, route in sorted(routes.items()):
        for days_ago in range(DAYS - 1, -1, -1):
            if (code, days_ago) in MISSED:
                continue
            day = today - dt.timedelta(days=days_ago)
            start = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 30)))
            if start > now:
                start = now - dt.timedelta(hours=2)
            patrol, _created = services.record_patrol(
                actor=worker,
                data={
                    "plan": plans[code],
                    "track": _track(route, start),
                    "weather": "晴" if days_ago % 3 else "多云",
                    "client_uuid": _uuid(f"patrol:{code}:{days_ago}"),
                },
            )
            patrols[(code, days_ago)] = patrol
    counts = {"closed": 0, "late": 0}
    for i, (code, fraction, category, kind, severity, qty, unit, urgent, fate) in enumerate(
        FINDINGS
    ):
        route = routes.get(code)
        if route is None:
            continue
        days_ago = {"closed": 5, "late": 6, "overdue": 6, "repaired": 2}.get(fate, 1)
        patrol = patrols.get((code, days_ago)) or patrols.get((code, 1))
        seen = (patrol.started_at if patrol else now) + dt.timedelta(minutes=20 + 5 * i)
        finding, _created = services.report_finding(
            actor=worker,
            data={
                "patrol": patrol,
                "route": route,
                "chainage_m": round(route.start_m + fraction * (route.end_m - route.start_m)),
                "category": category,
                "kind": kind,
                "severity": severity,
                "urgent": urgent,
                "quantity": qty,
                "unit": unit,
                "reported_at": seen,
                "client_uuid": _uuid(f"finding:{i}"),
            },
        )
        if fate == "new":
            continue
        triaged = seen + dt.timedelta(hours=2)
        decision = {"monitor": "monitor", "dismiss": "dismiss", "hazard": "hazard"}.get(
            fate, "repair"
        )
        services.triage_finding(
            actor=engineer,
            finding=finding,
            decision=decision,
            data={
                "assignee": worker,
                "note": "路肩已由地方修复" if fate == "dismiss" else "",
                "work_item_code": {"pavement": "303-1", "drainage": "206-2"}.get(category, ""),
            },
            at=triaged,
        )
        if decision != "repair":
            continue
        task = RepairTask.objects.get(finding=finding)
        if fate in ("open", "overdue"):
            continue
        hours = task.response_hours
        late_by = (
            dt.timedelta(hours=hours + 20) if fate == "late" else dt.timedelta(hours=hours * 0.4)
        )
        repaired = triaged + late_by
        repaired = min(repaired, now - dt.timedelta(minutes=30))
        services.repair_task(
            actor=worker,
            task=task,
            data={
                "quantity_done": round(qty * 1.1, 2),
                "materials": "沥青冷补料" if category == "pavement" else "",
                "repaired_at": repaired,
                "note": "已处理",
            },
        )
        if fate == "repaired":
            continue
        services.verify_task(
            actor=qc, task=task, note="验收合格", at=min(repaired + dt.timedelta(hours=3), now)
        )
        counts["late" if fate == "late" else "closed"] += 1
    escalated = services.escalate_overdue_tasks(actor=SYSTEM)
    return _(
        "Patrol: %(plans)d plans, %(patrols)d patrols, %(findings)d findings, "
        "%(closed)d repairs closed in time, %(late)d late, %(escalated)d escalated."
    ) % {
        "plans": len(plans),
        "patrols": len(patrols),
        "findings": len(FINDINGS),
        "closed": counts["closed"],
        "late": counts["late"],
        "escalated": escalated,
    }
