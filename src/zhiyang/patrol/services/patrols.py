"""Patrol plans and patrols: a plan's district follows its start chainage; a patrol is
uploaded once by the phone at its end (idempotent by ``client_uuid``) with its GPS track,
snapped to the route to compute what it covered (``analytics.patrol``)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.analytics import patrol as kernel
from zhiyang.core import offline, services
from zhiyang.core.access import may
from zhiyang.core.actors import Actor, audit_user
from zhiyang.network import linref
from zhiyang.network.models import Route
from zhiyang.network.services import district_at
from zhiyang.patrol.models import Finding, Patrol, PatrolPlan

#: Track points kept per patrol (one every 5 s for 14 h); more is refused, not truncated.
MAX_TRACK_POINTS = 10_000


def _place(values: dict[str, Any], chainage_m: float) -> None:
    route: Route | None = values.get("route")
    if route is None:
        raise ValidationError({"route": _("Choose the route.")})
    if not (route.start_m <= chainage_m <= route.end_m):
        raise ValidationError(
            {
                "start_m": _("The chainage is outside the route (%(start)s–%(end)s m).")
                % {"start": route.start_m, "end": route.end_m}
            }
        )
    district = district_at(route, chainage_m)
    if district is None:
        raise ValidationError({"route": _("This route has no section in any district.")})
    values["district"] = district


def create_plan(*, actor: Actor, data: Mapping[str, Any]) -> PatrolPlan:
    values = dict(data)
    _place(values, float(values.get("start_m") or 0.0))
    if values.get("end_m") is not None and values["end_m"] > values["route"].end_m:
        raise ValidationError({"end_m": _("The chainage is outside the route.")})
    return services.create_object(actor=actor, model=PatrolPlan, data=values)


def update_plan(*, actor: Actor, plan: PatrolPlan, data: Mapping[str, Any]) -> PatrolPlan:
    values = {"route": plan.route, "start_m": plan.start_m, **dict(data)}
    _place(values, float(values["start_m"]))
    return services.update_object(actor=actor, obj=plan, data=values)


def delete_plan(*, actor: Actor, plan: PatrolPlan) -> None:
    services.delete_object(actor=actor, obj=plan)


def parse_track(raw: Any) -> list[list[float]]:
    """``[[lon, lat, unix_s], ...]`` from a list or its JSON text; ValidationError if not."""
    if isinstance(raw, str):
        raw = raw.strip()
        if not raw:
            return []
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ValidationError({"track": _("The GPS track is not valid JSON.")}) from exc
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_TRACK_POINTS:
        raise ValidationError(
            {
                "track": _("The GPS track must be a list of at most %(n)d points.")
                % {"n": MAX_TRACK_POINTS}
            }
        )
    track: list[list[float]] = []
    for point in raw:
        try:
            lon, lat, t = (float(v) for v in point[:3])
        except (TypeError, ValueError, IndexError) as exc:
            raise ValidationError(
                {"track": _("Each track point is [longitude, latitude, time].")}
            ) from exc
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError({"track": _("A track point is outside the globe.")})
        track.append([round(lon, 7), round(lat, 7), t])
    track.sort(key=lambda p: p[2])
    return track


def coverage(route: Route, track: list[list[float]], lo_m: float, hi_m: float) -> Any:
    """Covered chainage intervals of a track on ``route`` (clipped to ``lo_m``–``hi_m``)."""
    coords = linref.route_coords(route)
    if not coords or len(track) < 2:
        return []
    points = np.asarray(track, dtype=float)
    chainages, distances = linref.locate_many_on_coords(
        coords, route.start_m, route.end_m, points[:, 0], points[:, 1]
    )
    times = points[:, 2]
    return kernel.covered_intervals(chainages, distances, times, lo_m=lo_m, hi_m=hi_m)


def record_patrol(*, actor: Actor, data: Mapping[str, Any]) -> tuple[Patrol, bool]:
    """Store a finished patrol (the phone sends it once, at its end); returns (patrol,
    created). The same ``client_uuid`` again returns the first one. Findings sent before
    with this patrol's client id are linked to it."""
    if not may(actor, Patrol, "add"):
        raise PermissionDenied(_("You may not record patrols."))
    values = dict(data)
    client_uuid = values.get("client_uuid") or None
    if client_uuid:
        existing = offline.previous_submission(Patrol, actor, client_uuid)
        if existing is not None:
            return existing, False
    plan: PatrolPlan | None = values.get("plan")
    if plan is not None:
        values.setdefault("route", plan.route)
        if values["route"] is None:
            values["route"] = plan.route
        if values["route"].pk != plan.route_id:
            raise ValidationError({"plan": _("The plan is of another route.")})
        values.setdefault("vehicle", plan.vehicle)
    track = parse_track(values.get("track"))
    values["track"] = track
    route = values.get("route")
    if route is None:
        raise ValidationError({"route": _("Choose the route.")})
    lo = plan.start_m if plan is not None else route.start_m
    hi = plan.end_m if plan is not None else route.end_m
    intervals = coverage(route, track, lo, hi)
    values["covered"] = [[round(a, 1), round(b, 1)] for a, b in intervals]
    values["covered_km"] = round(kernel.covered_length_m(intervals) / 1000.0, 3)
    if intervals:
        values["start_m"] = values["covered"][0][0]
        values["end_m"] = values["covered"][-1][1]
    now = timezone.now()
    if not values.get("started_at"):
        values["started_at"] = (
            datetime.datetime.fromtimestamp(track[0][2], tz=datetime.UTC) if track else now
        )
    if not values.get("ended_at"):
        values["ended_at"] = (
            datetime.datetime.fromtimestamp(track[-1][2], tz=datetime.UTC) if track else now
        )
    _place(values, float(values.get("start_m") or lo))
    values["client_uuid"] = client_uuid
    values.setdefault("patroller", audit_user(actor))
    try:
        with transaction.atomic():
            patrol = services.create_object(actor=actor, model=Patrol, data=values)
            if client_uuid:
                Finding.objects.filter(patrol_uuid=client_uuid, patrol__isnull=True).update(
                    patrol=patrol
                )
    except (IntegrityError, ValidationError):
        if client_uuid:
            existing = offline.previous_submission(Patrol, actor, client_uuid)
            if existing is not None:
                return existing, False
        raise
    return patrol, True
