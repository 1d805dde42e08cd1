"""The hazard loop: a phone report (GPS point to route and chainage, idempotent by
``client_uuid``), then assign, rectify, verify or reject, close; each step a service with
its own permission rule (``HAZARD_STEPS``), a ``HazardEvent`` and an audit row.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import audit, offline, services
from zhiyang.core.access import may, restrict
from zhiyang.core.actors import Actor, audit_user, is_system
from zhiyang.core.choices import AuditAction, Role
from zhiyang.network import linref
from zhiyang.network.models import Route
from zhiyang.network.services import FIELD_LOCATE_TOLERANCE_M, district_at, locate_field_point
from zhiyang.network.validators import validate_on_route
from zhiyang.notify import hooks as notify_hooks
from zhiyang.safety.choices import HazardAction, HazardStatus
from zhiyang.safety.models import Hazard, HazardEvent, WorkZone

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


def may_take(actor: Actor, hazard: Hazard, action: str) -> bool:
    """True if ``actor`` may take ``action`` on ``hazard`` now (state, role, scope)."""
    return hazard.status in HAZARD_STEPS[action].sources and _may_step(actor, hazard, action)


def _may_step(actor: Actor, hazard: Hazard, action: str) -> bool:
    """True if ``actor``'s role, scope or assignment allows ``action`` (state not asked)."""
    step = HAZARD_STEPS[action]
    if not may(actor, Hazard, "change"):
        return False
    if not restrict(Hazard.objects.filter(pk=hazard.pk), actor, "change").exists():
        return False
    if is_system(actor) or getattr(actor, "is_superuser", False):
        return True
    if getattr(actor, "role", None) in step.roles:
        return True
    own = hazard.assignee_id is not None and hazard.assignee_id == getattr(actor, "pk", None)
    return step.assignee_may and own


def allowed_steps(actor: Actor, hazard: Hazard) -> list[str]:
    return [a for a in HAZARD_STEPS if may_take(actor, hazard, a)]


def check_step(*, actor: Actor, hazard: Hazard, action: str) -> None:
    """Refuse a step the user may not take (PermissionDenied), then one the hazard's state
    does not allow (ValidationError); both before the step's own inputs (the API's order:
    scope, permission, state, validation)."""
    step = HAZARD_STEPS[action]
    if not _may_step(actor, hazard, action):
        raise PermissionDenied(_("You may not take this step on this hazard."))
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


def _step(
    *,
    actor: Actor,
    hazard: Hazard,
    action: str,
    changes: Mapping[str, Any],
    note: str = "",
) -> Hazard:
    """Take one step of the loop: check state and permission, apply, record event + audit."""
    step = HAZARD_STEPS[action]
    with transaction.atomic():
        hazard = Hazard.objects.select_for_update().get(pk=hazard.pk)
        check_step(actor=actor, hazard=hazard, action=action)
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
            user=audit_user(actor),
            note=note,
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=hazard,
            before=before,
            after={**audit.snapshot(hazard), "step": action},
        )
    return hazard


def report_hazard(*, actor: Actor, data: Mapping[str, Any]) -> tuple[Hazard, bool]:
    """Report a hazard: GPS point → route and chainage (or route + chainage by hand).

    Returns (hazard, created). A ``client_uuid`` seen before returns the first report
    (an offline phone retrying), provided the user may see it; otherwise it is refused.
    """
    if not may(actor, Hazard, "add"):
        raise PermissionDenied(_("You may not report hazards."))
    values = dict(data)
    client_uuid = values.get("client_uuid") or None
    if client_uuid:
        existing = offline.previous_submission(Hazard, actor, client_uuid)
        if existing is not None:
            return existing, False
    if values.get("chainage_m") in (None, ""):
        lon, lat = values.get("lon"), values.get("lat")
        if lon is None or lat is None:
            raise ValidationError({"lon": _("Give the GPS position, or the route and chainage.")})
        found = locate_field_point(actor=actor, lon=float(lon), lat=float(lat))
        if values.get("route") is not None and values["route"].pk != found.route.pk:
            found = linref.Location(values["route"], *_on_route(values["route"], lon, lat))
        values["route"] = found.route
        values["chainage_m"] = round(found.chainage_m, 1)
    elif values.get("route") is None:
        raise ValidationError({"route": _("Choose the route of the chainage.")})
    # Before the district is guessed from it: a chainage off the route has none.
    validate_on_route(values["route"], {"chainage_m": values.get("chainage_m")})
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
    values.setdefault("reported_by", audit_user(actor))
    values["status"] = HazardStatus.REPORTED
    try:
        with transaction.atomic():
            hazard = services.create_object(actor=actor, model=Hazard, data=values)
            HazardEvent.objects.create(
                hazard=hazard,
                action=HazardAction.REPORT,
                to_status=hazard.status,
                user=audit_user(actor),
                at=hazard.reported_at,
                note=hazard.description[:500],
            )
    except (IntegrityError, ValidationError):
        # Two retries racing: the first one won.
        if client_uuid:
            existing = offline.previous_submission(Hazard, actor, client_uuid)
            if existing is not None:
                return existing, False
        raise
    notify_hooks.hazard_reported(hazard, actor=actor)
    return hazard, True


def _on_route(route: Route, lon: float, lat: float) -> tuple[float, float, float]:
    found = linref.locate_on_coords(
        linref.route_coords(route), route.start_m, route.end_m, float(lon), float(lat)
    )
    if found.distance_m > FIELD_LOCATE_TOLERANCE_M:
        raise ValidationError({"lon": _("The position is not on the chosen route.")})
    return found.chainage_m, found.offset_m, found.distance_m


def assign_hazard(
    *, actor: Actor, hazard: Hazard, assignee: Any, deadline: datetime.date, note: str = ""
) -> Hazard:
    """Give the hazard to someone to rectify by ``deadline`` (re-assigning is allowed)."""
    hazard = Hazard.objects.get(pk=hazard.pk)  # the caller's copy may be stale
    check_step(actor=actor, hazard=hazard, action=HazardAction.ASSIGN)
    if assignee is None or not getattr(assignee, "is_active", False):
        raise ValidationError({"assignee": _("Choose an active user.")})
    if not restrict(Hazard.objects.filter(pk=hazard.pk), assignee, "change").exists():
        raise ValidationError({"assignee": _("This user may not change hazards at this place.")})
    if deadline is None:
        raise ValidationError({"deadline": _("Set a rectification deadline.")})
    if deadline < timezone.localdate(hazard.reported_at):
        raise ValidationError({"deadline": _("The deadline must not be before the report.")})
    return _step(
        actor=actor,
        hazard=hazard,
        action=HazardAction.ASSIGN,
        changes={"assignee": assignee, "deadline": deadline, "assigned_at": timezone.now()},
        note=note,
    )


def rectify_hazard(*, actor: Actor, hazard: Hazard, note: str, photo: Any = None) -> Hazard:
    """The assignee reports the hazard fixed, with a note and (usually) a photo."""
    hazard = Hazard.objects.get(pk=hazard.pk)  # the caller's copy may be stale
    check_step(actor=actor, hazard=hazard, action=HazardAction.RECTIFY)
    if not (note or "").strip():
        raise ValidationError({"note": _("Say what was done.")})
    changes: dict[str, Any] = {"rectification_note": note.strip(), "rectified_at": timezone.now()}
    if photo:
        changes["rectification_photo"] = photo
    return _step(
        actor=actor, hazard=hazard, action=HazardAction.RECTIFY, changes=changes, note=note
    )


def verify_hazard(*, actor: Actor, hazard: Hazard, note: str = "") -> Hazard:
    """A safety officer checks the rectification on site and accepts it."""
    return _step(
        actor=actor,
        hazard=hazard,
        action=HazardAction.VERIFY,
        changes={
            "verified_by": audit_user(actor),
            "verified_at": timezone.now(),
            "verification_note": note,
        },
        note=note,
    )


def reject_hazard(*, actor: Actor, hazard: Hazard, note: str) -> Hazard:
    """The rectification is not good enough: back to the assignee (same deadline)."""
    hazard = Hazard.objects.get(pk=hazard.pk)  # the caller's copy may be stale
    check_step(actor=actor, hazard=hazard, action=HazardAction.REJECT)
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the rectification is rejected.")})
    return _step(
        actor=actor,
        hazard=hazard,
        action=HazardAction.REJECT,
        changes={"rejections": hazard.rejections + 1, "verification_note": note.strip()},
        note=note,
    )


def close_hazard(*, actor: Actor, hazard: Hazard, note: str = "") -> Hazard:
    return _step(
        actor=actor,
        hazard=hazard,
        action=HazardAction.CLOSE,
        changes={"closed_at": timezone.now()},
        note=note,
    )


def take_step(*, actor: Actor, hazard: Hazard, action: str, data: Mapping[str, Any]) -> Hazard:
    """Dispatch a step by name (pages and API share it)."""
    note = str(data.get("note") or "")
    if action == HazardAction.ASSIGN:
        return assign_hazard(
            actor=actor,
            hazard=hazard,
            assignee=data.get("assignee"),
            deadline=data.get("deadline"),  # type: ignore[arg-type]
            note=note,
        )
    if action == HazardAction.RECTIFY:
        return rectify_hazard(actor=actor, hazard=hazard, note=note, photo=data.get("photo"))
    if action == HazardAction.VERIFY:
        return verify_hazard(actor=actor, hazard=hazard, note=note)
    if action == HazardAction.REJECT:
        return reject_hazard(actor=actor, hazard=hazard, note=note)
    if action == HazardAction.CLOSE:
        return close_hazard(actor=actor, hazard=hazard, note=note)
    raise ValidationError({"action": _("Unknown step.")})
