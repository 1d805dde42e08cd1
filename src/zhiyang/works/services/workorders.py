"""Work orders: create and edit, assign a qualified crew and machines in service, start,
complete, reopen, and close once no close guard objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import actors, audit
from zhiyang.core import services as core_services
from zhiyang.core.access import restrict
from zhiyang.core.actors import Actor, audit_user
from zhiyang.works import guards
from zhiyang.works.choices import DailyReportStatus, ProjectStatus, WorkOrderStatus
from zhiyang.works.models import Project, WorkOrder
from zhiyang.works.services.common import _record_update
from zhiyang.works.services.daily import _project_started

# Work-order fields a plain edit may change (status moves through the step services).
WORK_ORDER_FIELDS = (
    "process",
    "title",
    "sequence",
    "start_m",
    "end_m",
    "planned_quantity",
    "unit",
    "unit_cost_yuan",
    "planned_start",
    "planned_end",
    "note",
)


def _check_assignment(
    *, actor: Actor, project: Project, crew: Any, equipment: Iterable[Any] | None, day: dt.date
) -> None:
    """The crew and machines must be visible to the user, in service, and the crew's members
    qualified (their trade's certificates valid) on ``day``."""
    from zhiyang.fleet.choices import EquipmentStatus
    from zhiyang.fleet.models import Equipment
    from zhiyang.people.models import Crew
    from zhiyang.people.services import ensure_qualified

    errors: dict[str, list[str]] = {}
    if crew is not None:
        if not restrict(Crew.objects.filter(pk=crew.pk), actor).exists():
            errors.setdefault("crew", []).append(_("This crew is not in your organisation."))
        else:
            members = list(crew.members.prefetch_related("certificates"))
            if crew.leader is not None and crew.leader_id not in {m.pk for m in members}:
                members.append(crew.leader)
            for member in members:
                if not member.active:
                    continue
                try:
                    ensure_qualified(member, day)
                except ValidationError as exc:
                    errors.setdefault("crew", []).extend(exc.messages)
    for machine in equipment or []:
        if not restrict(Equipment.objects.filter(pk=machine.pk), actor).exists():
            errors.setdefault("equipment", []).append(
                _("%(machine)s is not in your organisation.") % {"machine": machine}
            )
        elif machine.status in (EquipmentStatus.RETIRED, EquipmentStatus.REPAIR):
            errors.setdefault("equipment", []).append(
                _("%(machine)s is %(status)s.")
                % {"machine": machine, "status": machine.get_status_display()}
            )
    if errors:
        raise ValidationError(errors)


def _assignment_day(values: Mapping[str, Any], work_order: WorkOrder | None = None) -> dt.date:
    start = values.get("planned_start") or (work_order.planned_start if work_order else None)
    today = timezone.localdate()
    return max(start, today) if start else today


def create_work_order(*, actor: Actor, project: Project, **values: Any) -> WorkOrder:
    """Add a work order to ``project``; ``crew`` and ``equipment`` are checked like an
    assignment."""
    actors.require(actor, WorkOrder, "add", _("You may not create work orders."))
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.CLOSED):
        raise ValidationError(_("The project is completed; it takes no new work orders."))
    allowed = set(WORK_ORDER_FIELDS) | {"crew", "equipment", "status"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(
            _("Unknown work-order fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    data = dict(values)
    data["project"] = project
    data.setdefault("title", "")
    if not data["title"] and data.get("process"):
        from zhiyang.works.choices import Process

        if data["process"] in Process.values:
            data["title"] = str(Process(data["process"]).label)
    if data.get("crew") is not None or data.get("equipment"):
        _check_assignment(
            actor=actor,
            project=project,
            crew=data.get("crew"),
            equipment=data.get("equipment"),
            day=_assignment_day(data),
        )
    return core_services.create_object(actor=actor, model=WorkOrder, data=data)


def update_work_order(*, actor: Actor, work_order: WorkOrder, **values: Any) -> WorkOrder:
    """Edit a work order's plain fields (not a closed one)."""
    actors.require(actor, WorkOrder, "change", _("You may not change work orders."))
    unknown = set(values) - set(WORK_ORDER_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown work-order fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    work_order = WorkOrder.objects.get(pk=work_order.pk)
    if work_order.status == WorkOrderStatus.CLOSED:
        raise ValidationError(_("A closed work order cannot be changed."))
    return core_services.update_object(actor=actor, obj=work_order, data=values)


def assign_work_order(
    *, actor: Actor, work_order: WorkOrder, crew: Any = None, equipment: Iterable[Any] | None = None
) -> WorkOrder:
    """Give the work order a crew and machines (replacing the previous ones)."""
    actors.require(actor, WorkOrder, "change", _("You may not change work orders."))
    work_order = WorkOrder.objects.select_related("project").get(pk=work_order.pk)
    if work_order.status == WorkOrderStatus.CLOSED:
        raise ValidationError(_("A closed work order cannot be changed."))
    machines = list(equipment or [])
    _check_assignment(
        actor=actor,
        project=work_order.project,
        crew=crew,
        equipment=machines,
        day=_assignment_day({}, work_order),
    )
    return core_services.update_object(
        actor=actor, obj=work_order, data={"crew": crew, "equipment": machines}
    )


def _set_work_order_status(
    *, actor: Actor, work_order: WorkOrder, status: str, allowed_from: tuple[str, ...], **extra: Any
) -> WorkOrder:
    actors.require(actor, WorkOrder, "change", _("You may not change work orders."))
    with transaction.atomic():
        work_order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
        if work_order.status not in allowed_from:
            raise ValidationError(
                {
                    "status": _("A work order cannot go from “%(old)s” to “%(new)s”.")
                    % {
                        "old": WorkOrderStatus(work_order.status).label,
                        "new": WorkOrderStatus(status).label,
                    }
                }
            )
        before = audit.snapshot(work_order)
        work_order.status = status
        for name, value in extra.items():
            setattr(work_order, name, value)
        work_order.full_clean()
        work_order.save()
        _record_update(actor, work_order, before)
    return work_order


def start_work_order(
    *, actor: Actor, work_order: WorkOrder, day: dt.date | None = None
) -> WorkOrder:
    day = day or timezone.localdate()
    wo = _set_work_order_status(
        actor=actor,
        work_order=work_order,
        status=WorkOrderStatus.IN_PROGRESS,
        allowed_from=(WorkOrderStatus.PLANNED,),
        actual_start=work_order.actual_start or day,
    )
    _project_started(actor, wo.project, day)
    return wo


def complete_work_order(
    *, actor: Actor, work_order: WorkOrder, day: dt.date | None = None
) -> WorkOrder:
    day = day or timezone.localdate()
    return _set_work_order_status(
        actor=actor,
        work_order=work_order,
        status=WorkOrderStatus.COMPLETED,
        allowed_from=(WorkOrderStatus.PLANNED, WorkOrderStatus.IN_PROGRESS),
        actual_start=work_order.actual_start or day,
        actual_finish=day,
    )


def reopen_work_order(*, actor: Actor, work_order: WorkOrder) -> WorkOrder:
    """A completed (not closed) work order back to in progress."""
    return _set_work_order_status(
        actor=actor,
        work_order=work_order,
        status=WorkOrderStatus.IN_PROGRESS,
        allowed_from=(WorkOrderStatus.COMPLETED,),
        actual_finish=None,
    )


def close_blockers(work_order: WorkOrder) -> list[str]:
    """Why ``work_order`` may not be closed now: its own state, then every close guard."""
    reasons: list[str] = []
    if work_order.status == WorkOrderStatus.CLOSED:
        reasons.append(_("The work order is already closed."))
        return reasons
    if work_order.status != WorkOrderStatus.COMPLETED:
        reasons.append(_("Complete the work order before closing it."))
    pending = work_order.daily_quantities.filter(report__status=DailyReportStatus.SUBMITTED).count()
    if pending:
        reasons.append(
            _("%(count)d daily reports with quantities of this work order await approval.")
            % {"count": pending}
        )
    reasons.extend(guards.close_blockers(work_order))
    return reasons


def close_work_order(*, actor: Actor, work_order: WorkOrder) -> WorkOrder:
    """Close a completed work order unless something blocks it (``close_blockers``)."""
    actors.require(actor, WorkOrder, "change", _("You may not change work orders."))
    with transaction.atomic():
        work_order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
        reasons = close_blockers(work_order)
        if reasons:
            raise ValidationError({"status": reasons}, code="close_blocked")
        before = audit.snapshot(work_order)
        work_order.status = WorkOrderStatus.CLOSED
        work_order.closed_by = audit_user(actor)
        work_order.closed_at = timezone.now()
        work_order.save()
        _record_update(actor, work_order, before)
    return work_order


def delete_work_order(*, actor: Actor, work_order: WorkOrder) -> None:
    actors.require(actor, WorkOrder, "delete", _("You may not delete work orders."))
    if work_order.status != WorkOrderStatus.PLANNED or work_order.daily_quantities.exists():
        raise ValidationError(_("Only a planned work order without reported quantities can go."))
    core_services.delete_object(actor=actor, obj=work_order)
