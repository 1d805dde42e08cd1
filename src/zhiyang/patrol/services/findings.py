"""Findings: reported on patrol from the phone (GPS point or route + chainage, idempotent
by ``client_uuid``), then triaged: dismiss, monitor, repair (a ``RepairTask`` with its
deadline) or open a safety hazard. A pavement finding is also a condition distress record
with source "patrol" (outside any survey, so never part of a survey's rating)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.condition import services as condition_services
from zhiyang.condition.choices import DistressSource
from zhiyang.core import audit, offline, services
from zhiyang.core.access import in_scope, may
from zhiyang.core.actors import Actor, audit_user, is_system
from zhiyang.core.actors import may as actor_may
from zhiyang.core.choices import AuditAction
from zhiyang.network.services import locate_field_point
from zhiyang.patrol.choices import (
    KINDS_BY_CATEGORY,
    FindingCategory,
    FindingStatus,
    Triage,
)
from zhiyang.patrol.models import Finding, Patrol
from zhiyang.patrol.services.patrols import _place

TRIAGE_RESOURCE = "patrol.triage"


def _check_kind(values: dict[str, Any]) -> None:
    category, kind = values.get("category"), values.get("kind")
    if kind not in KINDS_BY_CATEGORY.get(str(category), ()):
        raise ValidationError({"kind": _("This type is not in the list of its category.")})


def _distress_data(finding: Finding) -> dict[str, Any]:
    return {
        "route": finding.route,
        "start_m": finding.chainage_m,
        "end_m": None,
        "distress": finding.kind,
        "severity": finding.severity,
        "quantity": finding.quantity,
        "unit": finding.unit,
        "lon": finding.lon,
        "lat": finding.lat,
        "note": finding.note,
        "reported_at": finding.reported_at,
    }


def report_finding(*, actor: Actor, data: Mapping[str, Any]) -> tuple[Finding, bool]:
    """Report a finding; returns (finding, created). A repeat ``client_uuid`` returns the
    first one. The chainage comes from the GPS point when not typed; it must lie on the
    route. ``patrol_uuid`` links it to its patrol now or when the patrol is uploaded."""
    if not may(actor, Finding, "add"):
        raise PermissionDenied(_("You may not report findings."))
    values = dict(data)
    client_uuid = values.get("client_uuid") or None
    if client_uuid:
        existing = offline.previous_submission(Finding, actor, client_uuid)
        if existing is not None:
            return existing, False
    _check_kind(values)
    if values.get("chainage_m") in (None, ""):
        lon, lat = values.get("lon"), values.get("lat")
        if lon is None or lat is None:
            raise ValidationError({"lon": _("Give the GPS position, or the route and chainage.")})
        found = locate_field_point(
            actor=actor, lon=float(lon), lat=float(lat), route=values.get("route")
        )
        values["route"] = found.route
        values["chainage_m"] = round(found.chainage_m, 1)
    try:
        _place(values, float(values["chainage_m"]))
    except ValidationError as exc:
        raise ValidationError({"chainage_m": exc.messages}) from exc
    if values["category"] == FindingCategory.PAVEMENT:
        pavement = condition_services.section_at(
            condition_services.sections_for(values["route"]), float(values["chainage_m"])
        )
        item = condition_services.validate_distress_kind(
            pavement=pavement.pavement if pavement else values["route"].pavement,
            edition="2018",
            distress=str(values["kind"]),
            severity=str(values.get("severity") or ""),
        )
        values["unit"] = item.unit  # the engine's unit (m² or m)
    patrol_uuid = values.get("patrol_uuid") or None
    if patrol_uuid and values.get("patrol") is None:
        values["patrol"] = Patrol.objects.filter(client_uuid=patrol_uuid).first()
    values["client_uuid"] = client_uuid
    values.setdefault("reported_by", audit_user(actor))
    values["status"] = FindingStatus.NEW
    try:
        with transaction.atomic():
            finding = services.create_object(actor=actor, model=Finding, data=values)
            if finding.category == FindingCategory.PAVEMENT:
                distress, _created = condition_services.create_distress(
                    user=None if is_system(actor) else actor,
                    data=_distress_data(finding),
                    source=DistressSource.PATROL,
                )
                finding.distress = distress
                finding.save(update_fields=["distress"])
    except (IntegrityError, ValidationError):
        if client_uuid:
            existing = offline.previous_submission(Finding, actor, client_uuid)
            if existing is not None:
                return existing, False
        raise
    return finding, True


def may_triage(actor: Actor, finding: Finding) -> bool:
    return (
        finding.status in (FindingStatus.NEW, FindingStatus.MONITOR)
        and actor_may(actor, TRIAGE_RESOURCE, "change")
        and in_scope(actor, finding, "change")
    )


def triage_finding(
    *,
    actor: Actor,
    finding: Finding,
    decision: str,
    data: Mapping[str, Any] | None = None,
    at: Any = None,
) -> Finding:
    """Decide what a finding becomes. ``repair`` creates the repair task (``data``: crew,
    assignee, description, work_item_code); ``hazard`` reports a safety hazard. ``at``
    records a decision taken earlier (entered after the fact); the deadline counts from it."""
    from zhiyang.patrol.services.tasks import create_task_for_finding

    data = dict(data or {})
    with transaction.atomic():
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        if finding.status not in (FindingStatus.NEW, FindingStatus.MONITOR):
            raise ValidationError(
                {
                    "decision": _("A finding that is “%(status)s” cannot be triaged again.")
                    % {"status": finding.get_status_display()}
                }
            )
        if not may_triage(actor, finding):
            raise PermissionDenied(_("You may not triage this finding."))
        before = audit.snapshot(finding)
        finding.triaged_by = audit_user(actor)
        finding.triaged_at = at or timezone.now()
        finding.triage_note = str(data.get("note") or "")
        if decision == Triage.DISMISS:
            if not finding.triage_note.strip():
                raise ValidationError({"note": _("Say why the finding is dismissed.")})
            finding.status = FindingStatus.DISMISSED
        elif decision == Triage.MONITOR:
            finding.status = FindingStatus.MONITOR
        elif decision == Triage.REPAIR:
            finding.status = FindingStatus.REPAIR
        elif decision == Triage.HAZARD:
            finding.status = FindingStatus.HAZARD
            finding.hazard = _open_hazard(actor=actor, finding=finding)
        else:
            raise ValidationError({"decision": _("Unknown decision.")})
        finding.full_clean()
        finding.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=finding,
            before=before,
            after={**audit.snapshot(finding), "step": f"triage:{decision}"},
        )
        if decision == Triage.REPAIR:
            create_task_for_finding(actor=actor, finding=finding, data=data)
    return finding


def _open_hazard(*, actor: Actor, finding: Finding) -> Any:
    from zhiyang.safety import services as safety_services

    hazard, _created = safety_services.report_hazard(
        actor=actor,
        data={
            "route": finding.route,
            "district": finding.district,
            "chainage_m": finding.chainage_m,
            "lon": finding.lon,
            "lat": finding.lat,
            "description": _("From patrol: %(kind)s. %(note)s")
            % {"kind": finding.get_kind_display(), "note": finding.note},
            "level": "larger" if finding.urgent else "general",
        },
    )
    return hazard
