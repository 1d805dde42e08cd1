"""Safety services: every write of the safety app, audited, in one transaction each.

Work zones get their layout from the JTG H30-2015 kernel (analytics/workzone.py) placed on
the route's chainage. Hazards follow a closed loop whose steps are separate services with
their own permission rule (``HAZARD_STEPS``): who may assign, rectify, verify, reject and
close. Each step writes a ``HazardEvent`` (the timeline) and an audit row (before/after).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.analytics import workzone as kernel
from zhiyang.core import audit, offline, services
from zhiyang.core.access import may, restrict
from zhiyang.core.choices import AuditAction, Role
from zhiyang.network import linref
from zhiyang.network.chainage import format_chainage
from zhiyang.network.models import Route
from zhiyang.network.services import (
    FIELD_LOCATE_TOLERANCE_M,
    district_at,
    locate_field_point,
)
from zhiyang.notify import hooks as notify_hooks
from zhiyang.safety.choices import (
    ClosedLane,
    HazardAction,
    HazardStatus,
    InspectionStatus,
    ItemResult,
    WorkZoneDirection,
)
from zhiyang.safety.models import (
    Hazard,
    HazardEvent,
    Incident,
    Inspection,
    InspectionResult,
    InspectionTemplate,
    TemplateItem,
    WorkZone,
)

# A phone report farther than this from every route in the user's scope is refused.

# Zone colours on the map and in the legend (driving order).
ZONE_COLORS = {
    "warning": "#f0ad4e",
    "upstream_taper": "#ffd500",
    "buffer": "#9e9e9e",
    "work": "#d9534f",
    "downstream_taper": "#5bc0de",
    "termination": "#5cb85c",
}
SIGN_COLOR = "#1f4e99"
# Signs are drawn this far to the right of the driving direction (metres).
SIGN_OFFSET_M = 8.0


def _user_or_none(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


# =========================================================================== work zones


STANDARD_CODE = "jtg_h30_2015"


def standard_overrides(user: Any) -> dict[str, Any]:
    """The JTG H30-2015 overrides that apply to the user's organisation (the standards
    app's, when installed); ``{}`` means the packaged, cited values."""
    from django.apps import apps

    if not apps.is_installed("zhiyang.standards"):
        return {}
    from zhiyang.standards.services import overrides_for

    return overrides_for(STANDARD_CODE, getattr(user, "organisation_id", None))


def design(values: Mapping[str, Any], *, user: Any = None) -> kernel.WorkZoneLayout:
    """Run the kernel for a work zone's values (with the organisation's overrides); kernel
    errors become field errors."""
    closed_lane = values.get("closed_lane") or ClosedLane.OUTER
    work_length = float(values["work_end_m"]) - float(values["work_start_m"])
    try:
        return kernel.design_work_zone(
            speed_limit_kmh=float(values["speed_limit_kmh"]),
            downgrade_pct=float(values.get("downgrade_pct") or 0.0),
            work_length_m=work_length,
            lane_width_m=float(values.get("lane_width_m") or 3.75),
            closed_lanes=int(values.get("closed_lanes") or 1),
            design_speed_kmh=float(values.get("normal_speed_kmh") or values["speed_limit_kmh"]),
            shoulder_only=closed_lane == ClosedLane.SHOULDER,
            opposite_carriageway=closed_lane == ClosedLane.HALF,
            parameters=standard_overrides(user) or None,
        )
    except kernel.WorkZoneInputError as exc:
        message = str(exc)
        if message.startswith("work length"):
            field = "work_end_m"
        elif message.startswith("normal speed"):
            field = "normal_speed_kmh"
        elif message.startswith("lane width"):
            field = "lane_width_m"
        else:
            field = "speed_limit_kmh"
        raise ValidationError({field: message}) from exc
    except kernel.ParameterError as exc:
        raise ValidationError(
            _("The work-zone standard's parameters are invalid: %(error)s") % {"error": exc}
        ) from exc


def place_layout(
    layout: kernel.WorkZoneLayout, *, direction: str, work_start_m: float, work_end_m: float
) -> dict[str, Any]:
    """The kernel's layout with chainages: each zone gets ``from_m``/``to_m`` in driving
    order and ``start_m``/``end_m`` in increasing chainage; signs and speed steps a
    ``chainage_m``. On the down carriageway driving runs against chainage."""
    data = layout.to_dict()
    work_offset = layout.zone("work").start_offset_m
    up = direction != WorkZoneDirection.DOWN

    def at(offset: float) -> float:
        if up:
            return round(work_start_m - work_offset + offset, 3)
        return round(work_end_m + work_offset - offset, 3)

    for zone in data["zones"]:
        zone["from_m"] = at(zone["start_offset_m"])
        zone["to_m"] = at(zone["end_offset_m"])
        zone["start_m"] = min(zone["from_m"], zone["to_m"])
        zone["end_m"] = max(zone["from_m"], zone["to_m"])
    for item in (*data["signs"], *data["speed_steps"]):
        item["chainage_m"] = at(item["offset_m"])
    data["direction"] = direction
    data["start_m"] = min(z["start_m"] for z in data["zones"])
    data["end_m"] = max(z["end_m"] for z in data["zones"])
    return data


def _work_zone_values(
    data: Mapping[str, Any], current: WorkZone | None = None, *, user: Any = None
) -> dict[str, Any]:
    """The values to save, with the layout (and the layout's chainage range) recomputed."""
    values = dict(data)
    merged: dict[str, Any] = {}
    if current is not None:
        for name in (
            "direction",
            "work_start_m",
            "work_end_m",
            "closed_lane",
            "closed_lanes",
            "lane_width_m",
            "normal_speed_kmh",
            "speed_limit_kmh",
            "downgrade_pct",
            "route",
        ):
            merged[name] = getattr(current, name)
    merged.update(values)
    missing = [
        name
        for name in ("work_start_m", "work_end_m", "speed_limit_kmh", "direction")
        if merged.get(name) in (None, "")
    ]
    if missing:
        raise ValidationError({name: _("This field is required.") for name in missing})
    if float(merged["work_end_m"]) <= float(merged["work_start_m"]):
        raise ValidationError({"work_end_m": _("The end chainage must be after the start.")})
    if merged.get("normal_speed_kmh") in (None, ""):
        merged["normal_speed_kmh"] = merged["speed_limit_kmh"]
        values["normal_speed_kmh"] = merged["speed_limit_kmh"]
    if float(merged["speed_limit_kmh"]) > float(merged["normal_speed_kmh"]):
        raise ValidationError(
            {
                "speed_limit_kmh": _(
                    "The work-zone speed limit must not exceed the normal speed limit."
                )
            }
        )
    route = merged.get("route")
    if route is not None and not route.covers(merged["work_start_m"], merged["work_end_m"]):
        raise ValidationError(
            {"work_start_m": _("The work area must lie within the route's chainage range.")}
        )
    layout = place_layout(
        design(merged, user=user),
        direction=merged["direction"],
        work_start_m=float(merged["work_start_m"]),
        work_end_m=float(merged["work_end_m"]),
    )
    values["layout"] = layout
    values["start_m"] = layout["start_m"]
    values["end_m"] = layout["end_m"]
    if (
        route is not None
        and not values.get("district")
        and (current is None or "route" in data or "work_start_m" in data)
    ):
        district = district_at(route, float(merged["work_start_m"]))
        if district is not None:
            values["district"] = district
    return values


def create_work_zone(*, user: Any, data: Mapping[str, Any]) -> WorkZone:
    """A new work zone with its layout computed; district from the route when not given."""
    values = _work_zone_values(data, user=user)
    values.setdefault("created_by", _user_or_none(user))
    return services.create_object(user=user, model=WorkZone, data=values)


def update_work_zone(*, user: Any, work_zone: WorkZone, data: Mapping[str, Any]) -> WorkZone:
    values = _work_zone_values(data, current=work_zone, user=user)
    return services.update_object(user=user, obj=work_zone, data=values)


def delete_work_zone(*, user: Any, work_zone: WorkZone) -> None:
    services.delete_object(user=user, obj=work_zone)


def work_zone_geojson(work_zone: WorkZone) -> dict[str, Any]:
    """The layout as a FeatureCollection for map.js: each zone a coloured LineString along
    the route, each sign a Point a few metres to the right of the driving direction."""
    layout = work_zone.layout or {}
    route = work_zone.route
    features: list[dict[str, Any]] = []
    try:
        coords = linref.route_coords(route)
    except linref.GeometryError:
        return {"type": "FeatureCollection", "features": []}
    for zone in layout.get("zones", []):
        try:
            geometry = linref.substring(route, zone["start_m"], zone["end_m"])
        except linref.GeometryError:
            geometry = None
        if geometry is None:
            continue
        if work_zone.direction == WorkZoneDirection.DOWN:
            geometry = {**geometry, "coordinates": list(reversed(geometry["coordinates"]))}
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "kind": "zone",
                    "zone": zone["zone"],
                    "color": ZONE_COLORS.get(zone["zone"], "#333333"),
                    "weight": 8 if zone["zone"] == "work" else 6,
                    "title": f"{zone['name_zh']} {zone['symbol']}",
                    "popup": [
                        [_("Length"), f"{zone['length_m']:g} m"],
                        [_("From"), format_chainage(zone["from_m"])],
                        [_("To"), format_chainage(zone["to_m"])],
                        [_("Confirmed"), _("yes") if zone.get("confirmed") else _("verify")],
                    ],
                },
            }
        )
    side = 1.0 if work_zone.direction != WorkZoneDirection.DOWN else -1.0
    for sign in layout.get("signs", []):
        try:
            lon, lat = linref.offset_point_coords(
                coords, route.start_m, route.end_m, sign["chainage_m"], side * SIGN_OFFSET_M
            )
        except linref.GeometryError:
            continue
        title = sign["name_zh"] + (f" {sign['speed_kmh']} km/h" if sign.get("speed_kmh") else "")
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
                "properties": {
                    "kind": "sign",
                    "sign": sign["kind"],
                    "color": SIGN_COLOR,
                    "title": title,
                    "popup": [
                        [_("Chainage"), format_chainage(sign["chainage_m"])],
                        [_("Sign"), sign["name_en"]],
                    ],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


# =========================================================================== inspections


def create_template(
    *, user: Any, data: Mapping[str, Any], items: Iterable[str | Mapping[str, Any]]
) -> InspectionTemplate:
    """A checklist template with its items (in the given order); one audit row."""
    with transaction.atomic():
        template = services.create_object(user=user, model=InspectionTemplate, data=data)
        rows = []
        for order, item in enumerate(items, start=1):
            values = {"text": item} if isinstance(item, str) else dict(item)
            row = TemplateItem(template=template, order=order, **values)
            row.full_clean(exclude=["template"])
            rows.append(row)
        if not rows:
            raise ValidationError({"items": _("A template needs at least one item.")})
        TemplateItem.objects.bulk_create(rows)
    return template


def plan_inspection(*, user: Any, data: Mapping[str, Any]) -> Inspection:
    """A planned inspection with one blank result per template item.

    The route and district come from the work zone when one is given.
    """
    values = dict(data)
    work_zone = values.get("work_zone")
    if work_zone is not None:
        values.setdefault("route", work_zone.route)
        values.setdefault("district", work_zone.district)
        if values.get("chainage_m") is None:
            values["chainage_m"] = work_zone.work_start_m
    if values.get("district") is None and values.get("route") is not None:
        values["district"] = district_at(values["route"], float(values.get("chainage_m") or 0))
    with transaction.atomic():
        inspection = services.create_object(user=user, model=Inspection, data=values)
        InspectionResult.objects.bulk_create(
            [
                InspectionResult(inspection=inspection, item=item)
                for item in inspection.template.items.all()
            ]
        )
    return inspection


@dataclass(frozen=True)
class ItemEntry:
    result: str
    note: str = ""
    photo: Any = None


def record_inspection(
    *,
    user: Any,
    inspection: Inspection,
    entries: Mapping[int, ItemEntry],
    note: str = "",
) -> Inspection:
    """Record the results (by template item id) and mark the inspection done.

    Every item needs a result; a failed item needs a note saying what is wrong.
    """
    results = {r.item_id: r for r in inspection.results.select_related("item")}
    errors: dict[str, Any] = {}
    for item_id, _result in results.items():
        entry = entries.get(item_id)
        if entry is None or entry.result not in ItemResult.values:
            errors[f"item_{item_id}"] = _("Choose pass, fail or not applicable.")
        elif entry.result == ItemResult.FAIL and not entry.note.strip():
            errors[f"item_{item_id}"] = _("Say what is wrong with a failed item.")
    unknown = set(entries) - set(results)
    if unknown:
        errors["items"] = _("Unknown checklist items: %(ids)s") % {
            "ids": ", ".join(str(i) for i in sorted(unknown))
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = audit.snapshot(inspection)
        for item_id, row in results.items():
            entry = entries[item_id]
            row.result = entry.result
            row.note = entry.note.strip()
            if entry.photo:
                row.photo = entry.photo
            row.full_clean(exclude=["inspection", "item"])
            row.save()
        inspection.status = InspectionStatus.DONE
        inspection.done_at = timezone.now()
        inspection.inspector = _user_or_none(user) or inspection.inspector
        if note:
            inspection.note = note
        inspection.full_clean()
        inspection.save()
        after = audit.snapshot(inspection)
        after["results"] = {str(k): entries[k].result for k in sorted(results)}
        audit.record(
            user=user, action=AuditAction.UPDATE, obj=inspection, before=before, after=after
        )
    return inspection


def raise_hazard_from_result(
    *, user: Any, result: InspectionResult, level: str | None = None
) -> Hazard:
    """One click on a failed item: a hazard at the inspection's place with the item's note
    and photo. Raising it again returns the hazard already raised."""
    if result.result != ItemResult.FAIL:
        raise ValidationError(_("Only a failed item can raise a hazard."))
    existing = result.hazards.first()
    if existing is not None:
        return existing
    inspection = result.inspection
    chainage = inspection.chainage_m
    if chainage is None:
        chainage = (
            inspection.work_zone.work_start_m if inspection.work_zone else inspection.route.start_m
        )
    data: dict[str, Any] = {
        "route": inspection.route,
        "district": inspection.district,
        "chainage_m": chainage,
        "work_zone": inspection.work_zone,
        "source_result": result,
        "description": f"{result.item.text}: {result.note}".strip(": "),
    }
    if level:
        data["level"] = level
    if result.photo:
        data["photo"] = result.photo.name
    return report_hazard(user=user, data=data)[0]


# =========================================================================== hazards

SAFETY_ROLES = frozenset({Role.SAFETY_OFFICER, Role.ADMIN})


@dataclass(frozen=True)
class Step:
    """One step of the hazard loop: from which states, to which, and who may take it."""

    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]  # roles allowed outright (with change permission on hazards)
    assignee_may: bool = False  # the assigned user may take it whatever the role


HAZARD_STEPS: dict[str, Step] = {
    HazardAction.ASSIGN: Step(
        HazardAction.ASSIGN,
        frozenset({HazardStatus.REPORTED, HazardStatus.ASSIGNED}),
        HazardStatus.ASSIGNED,
        SAFETY_ROLES | {Role.ENGINEER},
    ),
    HazardAction.RECTIFY: Step(
        HazardAction.RECTIFY,
        frozenset({HazardStatus.ASSIGNED}),
        HazardStatus.RECTIFIED,
        SAFETY_ROLES,
        assignee_may=True,
    ),
    HazardAction.VERIFY: Step(
        HazardAction.VERIFY,
        frozenset({HazardStatus.RECTIFIED}),
        HazardStatus.VERIFIED,
        SAFETY_ROLES,
    ),
    HazardAction.REJECT: Step(
        HazardAction.REJECT,
        frozenset({HazardStatus.RECTIFIED}),
        HazardStatus.ASSIGNED,
        SAFETY_ROLES,
    ),
    HazardAction.CLOSE: Step(
        HazardAction.CLOSE,
        frozenset({HazardStatus.VERIFIED}),
        HazardStatus.CLOSED,
        SAFETY_ROLES,
    ),
}


def may_take(user: Any, hazard: Hazard, action: str) -> bool:
    """True if ``user`` may take ``action`` on ``hazard`` now (state, role, scope)."""
    step = HAZARD_STEPS[action]
    if hazard.status not in step.sources:
        return False
    if not may(user, Hazard, "change"):
        return False
    if not restrict(Hazard.objects.filter(pk=hazard.pk), user, "change").exists():
        return False
    if getattr(user, "is_superuser", False) or getattr(user, "role", None) in step.roles:
        return True
    return step.assignee_may and hazard.assignee_id is not None and hazard.assignee_id == user.pk


def allowed_steps(user: Any, hazard: Hazard) -> list[str]:
    return [a for a in HAZARD_STEPS if may_take(user, hazard, a)]


def check_step(*, user: Any, hazard: Hazard, action: str) -> None:
    """Refuse a step the hazard's state does not allow (ValidationError) or the user may
    not take (PermissionDenied); checked before the step's own inputs."""
    step = HAZARD_STEPS[action]
    if hazard.status not in step.sources:
        raise ValidationError(
            {
                "status": _("A hazard that is “%(status)s” cannot be %(action)s.")
                % {
                    "status": hazard.get_status_display(),
                    "action": HazardAction(action).label.lower(),
                }
            }
        )
    if not may_take(user, hazard, action):
        raise PermissionDenied(_("You may not take this step on this hazard."))


def _step(
    *,
    user: Any,
    hazard: Hazard,
    action: str,
    changes: Mapping[str, Any],
    note: str = "",
) -> Hazard:
    """Take one step of the loop: check state and permission, apply, record event + audit."""
    step = HAZARD_STEPS[action]
    with transaction.atomic():
        hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
        check_step(user=user, hazard=hazard, action=action)
        before = audit.snapshot(hazard)
        previous = hazard.status
        for name, value in changes.items():
            setattr(hazard, name, value)
        hazard.status = step.target
        hazard.full_clean()
        hazard.save()
        HazardEvent.objects.create(
            hazard=hazard,
            action=action,
            from_status=previous,
            to_status=hazard.status,
            user=_user_or_none(user),
            note=note,
        )
        audit.record(
            user=user,
            action=AuditAction.UPDATE,
            obj=hazard,
            before=before,
            after={**audit.snapshot(hazard), "step": action},
        )
    return hazard


def report_hazard(*, user: Any, data: Mapping[str, Any]) -> tuple[Hazard, bool]:
    """Report a hazard: GPS point → route and chainage (or route + chainage by hand).

    Returns (hazard, created). A ``client_uuid`` seen before returns the first report
    (an offline phone retrying), provided the user may see it; otherwise it is refused.
    """
    if user is not None and not may(user, Hazard, "add"):
        raise PermissionDenied(_("You may not report hazards."))
    values = dict(data)
    client_uuid = values.get("client_uuid") or None
    if client_uuid:
        existing = offline.previous_submission(Hazard, user, client_uuid)
        if existing is not None:
            return existing, False
    if values.get("chainage_m") in (None, ""):
        lon, lat = values.get("lon"), values.get("lat")
        if lon is None or lat is None:
            raise ValidationError({"lon": _("Give the GPS position, or the route and chainage.")})
        found = locate_field_point(user=user, lon=float(lon), lat=float(lat))
        if values.get("route") is not None and values["route"].pk != found.route.pk:
            found = linref.Location(values["route"], *_on_route(values["route"], lon, lat))
        values["route"] = found.route
        values["chainage_m"] = round(found.chainage_m, 1)
    elif values.get("route") is None:
        raise ValidationError({"route": _("Choose the route of the chainage.")})
    if values.get("district") is None:
        district = district_at(values["route"], float(values["chainage_m"]))
        if district is None:
            raise ValidationError({"route": _("This route has no section in any district.")})
        values["district"] = district
    if values.get("work_zone") is None:
        values["work_zone"] = WorkZone.objects.filter(
            route=values["route"],
            start_m__lte=values["chainage_m"],
            end_m__gte=values["chainage_m"],
            status="active",
        ).first()
    values["client_uuid"] = client_uuid
    values.setdefault("reported_by", _user_or_none(user))
    values["status"] = HazardStatus.REPORTED
    try:
        with transaction.atomic():
            hazard = services.create_object(user=user, model=Hazard, data=values)
            HazardEvent.objects.create(
                hazard=hazard,
                action=HazardAction.REPORT,
                to_status=hazard.status,
                user=_user_or_none(user),
                at=hazard.reported_at,
                note=hazard.description[:500],
            )
    except (IntegrityError, ValidationError):
        # Two retries racing: the first one won.
        if client_uuid:
            existing = offline.previous_submission(Hazard, user, client_uuid)
            if existing is not None:
                return existing, False
        raise
    notify_hooks.hazard_reported(hazard, actor=user)
    return hazard, True


def _on_route(route: Route, lon: float, lat: float) -> tuple[float, float, float]:
    found = linref.locate_on_coords(
        linref.route_coords(route), route.start_m, route.end_m, float(lon), float(lat)
    )
    if found.distance_m > FIELD_LOCATE_TOLERANCE_M:
        raise ValidationError({"lon": _("The position is not on the chosen route.")})
    return found.chainage_m, found.offset_m, found.distance_m


def assign_hazard(
    *, user: Any, hazard: Hazard, assignee: Any, deadline: datetime.date, note: str = ""
) -> Hazard:
    """Give the hazard to someone to rectify by ``deadline`` (re-assigning is allowed)."""
    hazard = Hazard.objects.get(pk=hazard.pk)  # the caller's copy may be stale
    check_step(user=user, hazard=hazard, action=HazardAction.ASSIGN)
    if assignee is None or not getattr(assignee, "is_active", False):
        raise ValidationError({"assignee": _("Choose an active user.")})
    if not restrict(Hazard.objects.filter(pk=hazard.pk), assignee, "change").exists():
        raise ValidationError({"assignee": _("This user may not change hazards at this place.")})
    if deadline is None:
        raise ValidationError({"deadline": _("Set a rectification deadline.")})
    if deadline < timezone.localdate(hazard.reported_at):
        raise ValidationError({"deadline": _("The deadline must not be before the report.")})
    return _step(
        user=user,
        hazard=hazard,
        action=HazardAction.ASSIGN,
        changes={"assignee": assignee, "deadline": deadline, "assigned_at": timezone.now()},
        note=note,
    )


def rectify_hazard(*, user: Any, hazard: Hazard, note: str, photo: Any = None) -> Hazard:
    """The assignee reports the hazard fixed, with a note and (usually) a photo."""
    hazard = Hazard.objects.get(pk=hazard.pk)  # the caller's copy may be stale
    check_step(user=user, hazard=hazard, action=HazardAction.RECTIFY)
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what was done.")})
    changes: dict[str, Any] = {"rectification_note": note.strip(), "rectified_at": timezone.now()}
    if photo:
        changes["rectification_photo"] = photo
    return _step(user=user, hazard=hazard, action=HazardAction.RECTIFY, changes=changes, note=note)


def verify_hazard(*, user: Any, hazard: Hazard, note: str = "") -> Hazard:
    """A safety officer checks the rectification on site and accepts it."""
    return _step(
        user=user,
        hazard=hazard,
        action=HazardAction.VERIFY,
        changes={
            "verified_by": _user_or_none(user),
            "verified_at": timezone.now(),
            "verification_note": note,
        },
        note=note,
    )


def reject_hazard(*, user: Any, hazard: Hazard, note: str) -> Hazard:
    """The rectification is not good enough: back to the assignee (same deadline)."""
    hazard = Hazard.objects.get(pk=hazard.pk)  # the caller's copy may be stale
    check_step(user=user, hazard=hazard, action=HazardAction.REJECT)
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the rectification is rejected.")})
    return _step(
        user=user,
        hazard=hazard,
        action=HazardAction.REJECT,
        changes={"rejections": hazard.rejections + 1, "verification_note": note.strip()},
        note=note,
    )


def close_hazard(*, user: Any, hazard: Hazard, note: str = "") -> Hazard:
    return _step(
        user=user,
        hazard=hazard,
        action=HazardAction.CLOSE,
        changes={"closed_at": timezone.now()},
        note=note,
    )


def take_step(*, user: Any, hazard: Hazard, action: str, data: Mapping[str, Any]) -> Hazard:
    """Dispatch a step by name (pages and API share it)."""
    note = str(data.get("note") or "")
    if action == HazardAction.ASSIGN:
        return assign_hazard(
            user=user,
            hazard=hazard,
            assignee=data.get("assignee"),
            deadline=data.get("deadline"),  # type: ignore[arg-type]
            note=note,
        )
    if action == HazardAction.RECTIFY:
        return rectify_hazard(user=user, hazard=hazard, note=note, photo=data.get("photo"))
    if action == HazardAction.VERIFY:
        return verify_hazard(user=user, hazard=hazard, note=note)
    if action == HazardAction.REJECT:
        return reject_hazard(user=user, hazard=hazard, note=note)
    if action == HazardAction.CLOSE:
        return close_hazard(user=user, hazard=hazard, note=note)
    raise ValidationError({"action": _("Unknown step.")})


def overdue_hazards(today: datetime.date | None = None) -> QuerySet[Hazard]:
    """Hazards past their deadline that are not yet rectified."""
    today = today or timezone.localdate()
    return Hazard.objects.filter(
        deadline__lt=today, status__in=[HazardStatus.REPORTED, HazardStatus.ASSIGNED]
    )


def escalate_overdue(*, user: Any = None, today: datetime.date | None = None) -> int:
    """Raise the escalation level of each overdue hazard once per day; audited.

    Idempotent per day: a hazard escalated today is left alone, so the command and the
    task may run as often as wanted. Returns the number of hazards escalated.
    """
    today = today or timezone.localdate()
    count = 0
    candidates = overdue_hazards(today).exclude(escalated_on__gte=today)
    for hazard_id in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            hazard = Hazard.objects.select_for_update().get(pk=hazard_id)
            if hazard.escalated_on is not None and hazard.escalated_on >= today:
                continue
            before = audit.snapshot(hazard)
            hazard.escalation_level += 1
            hazard.escalated_on = today
            hazard.save(update_fields=["escalation_level", "escalated_on"])
            days = (today - hazard.deadline).days if hazard.deadline else 0
            HazardEvent.objects.create(
                hazard=hazard,
                action=HazardAction.ESCALATE,
                from_status=hazard.status,
                to_status=hazard.status,
                user=_user_or_none(user),
                note=_("Overdue by %(days)d days; escalation level %(level)d.")
                % {"days": days, "level": hazard.escalation_level},
            )
            audit.record(
                user=user,
                action=AuditAction.UPDATE,
                obj=hazard,
                before=before,
                after={**audit.snapshot(hazard), "step": HazardAction.ESCALATE},
            )
            notify_hooks.hazard_escalated(hazard)
            count += 1
    return count


# =========================================================================== incidents


def create_incident(*, user: Any, data: Mapping[str, Any]) -> Incident:
    values = dict(data)
    if values.get("district") is None and values.get("route") is not None:
        values["district"] = district_at(values["route"], float(values.get("chainage_m") or 0))
    values.setdefault("reported_by", _user_or_none(user))
    return services.create_object(user=user, model=Incident, data=values)


def update_incident(*, user: Any, incident: Incident, data: Mapping[str, Any]) -> Incident:
    return services.update_object(user=user, obj=incident, data=data)


def delete_incident(*, user: Any, incident: Incident) -> None:
    services.delete_object(user=user, obj=incident)
