"""Repair tasks (小修保养): created from a triaged finding (or by hand) with a deadline from
the response-time table; the crew records the repair (photos before/after, quantity,
materials, machine); an engineer or QC inspector verifies and closes it, or rejects it
back. Late tasks escalate once a day through ``core.escalation``.

Permissions: the matrix resource ``patrol.repairtask`` for the rows, and the explicit
rights ``patrol.repair`` (record a repair; the assignee may always) and ``patrol.verify``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhiyang.core import audit, escalation, services
from zhiyang.core.access import in_scope, may
from zhiyang.core.actors import Actor, audit_user, is_system
from zhiyang.core.actors import may as actor_may
from zhiyang.core.choices import AuditAction
from zhiyang.notify.choices import Severity
from zhiyang.notify.events import raise_event
from zhiyang.patrol.choices import FindingStatus, TaskAction, TaskStatus
from zhiyang.patrol.models import Finding, RepairTask, TaskEvent
from zhiyang.patrol.services.patrols import _place
from zhiyang.patrol.services.rules import response_rule

REPAIR_RESOURCE = "patrol.repair"
VERIFY_RESOURCE = "patrol.verify"


def _event(task: RepairTask, action: str, actor: Actor, note: str = "") -> None:
    TaskEvent.objects.create(task=task, action=action, user=audit_user(actor), note=note)


def _notify_assigned(task: RepairTask, actor: Actor) -> None:
    raise_event(
        actor=actor,
        kind="patrol.task_new",
        obj=task,
        severity=Severity.WARNING if task.response_hours <= 24 else Severity.INFO,
        title=gettext_noop("Repair on %(place)s by %(deadline)s"),
        params={
            "place": str(task),
            "deadline": f"{timezone.localtime(task.deadline):%Y-%m-%d %H:%M}",
        },
        users=[task.assignee] if task.assignee else (),
        key=f"patrol-task:{task.pk}:new",
    )


def _with_deadline(values: dict[str, Any], *, severity: str, urgent: bool, start: Any) -> None:
    rule = response_rule(
        category=str(values["category"]),
        kind=str(values["kind"]),
        severity=severity,
        urgent=urgent,
    )
    values["response_rule"] = rule.key
    values["response_hours"] = rule.hours
    values["response_source"] = rule.source[:300]
    values["response_confirmed"] = rule.confirmed
    if not values.get("deadline"):
        values["deadline"] = start + datetime.timedelta(hours=rule.hours)


def create_task_for_finding(
    *, actor: Actor, finding: Finding, data: Mapping[str, Any]
) -> RepairTask:
    """The repair task of a finding triaged "repair" (called by ``triage_finding``)."""
    values: dict[str, Any] = {
        "finding": finding,
        "route": finding.route,
        "district": finding.district,
        "chainage_m": finding.chainage_m,
        "category": finding.category,
        "kind": finding.kind,
        "quantity_planned": finding.quantity,
        "unit": finding.unit,
        "description": str(data.get("description") or "").strip()
        or _("Repair: %(kind)s, %(quantity)g %(unit)s")
        % {
            "kind": finding.get_kind_display(),
            "quantity": finding.quantity,
            "unit": finding.get_unit_display(),
        },
    }
    for name in ("crew", "assignee", "work_item_code", "contract_ref", "deadline"):
        if data.get(name):
            values[name] = data[name]
    start = finding.triaged_at or timezone.now()
    values["created_at"] = start
    _with_deadline(values, severity=finding.severity, urgent=finding.urgent, start=start)
    return _create(actor=actor, values=values)


def create_task(*, actor: Actor, data: Mapping[str, Any]) -> RepairTask:
    """A routine-maintenance task raised by hand (no finding): route, chainage, kind."""
    values = dict(data)
    _place(values, float(values.get("chainage_m") or 0.0))
    _with_deadline(
        values,
        severity=str(values.pop("severity", "") or ""),
        urgent=bool(values.pop("urgent", False)),
        start=timezone.now(),
    )
    return _create(actor=actor, values=values)


def _create(*, actor: Actor, values: dict[str, Any]) -> RepairTask:
    if not may(actor, RepairTask, "add"):
        raise PermissionDenied(_("You may not create repair tasks."))
    values.setdefault("created_by", audit_user(actor))
    values["status"] = TaskStatus.OPEN
    with transaction.atomic():
        task = services.create_object(actor=actor, model=RepairTask, data=values)
        if task.assignee is not None and not in_scope(task.assignee, task, "change"):
            raise ValidationError(
                {"assignee": _("This user may not change repair tasks at this place.")}
            )
        _event(task, TaskAction.CREATE, actor, task.description[:500])
        _notify_assigned(task, actor)
    return task


def may_repair(actor: Actor, task: RepairTask) -> bool:
    if task.status != TaskStatus.OPEN or not in_scope(actor, task, "change"):
        return False
    own = task.assignee_id is not None and task.assignee_id == getattr(actor, "pk", None)
    return own or actor_may(actor, REPAIR_RESOURCE, "change")


def may_verify(actor: Actor, task: RepairTask) -> bool:
    return (
        task.status == TaskStatus.REPAIRED
        and actor_may(actor, VERIFY_RESOURCE, "change")
        and in_scope(actor, task, "change")
    )


def _step(
    *, actor: Actor, task: RepairTask, action: str, allowed: Any, changes: Mapping[str, Any]
) -> RepairTask:
    with transaction.atomic():
        task = RepairTask.objects.select_for_update().get(pk=task.pk)
        if not allowed(actor, task):
            if task.status not in _SOURCES[action]:
                raise ValidationError(
                    {
                        "status": _("A task that is “%(status)s” cannot take this step.")
                        % {"status": task.get_status_display()}
                    }
                )
            raise PermissionDenied(_("You may not take this step on this task."))
        before = audit.snapshot(task)
        for name, value in changes.items():
            setattr(task, name, value)
        task.full_clean()
        task.save()
        _event(
            task,
            action,
            actor,
            str(changes.get("repair_note") or changes.get("verification_note") or "")[:500],
        )
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=task,
            before=before,
            after={**audit.snapshot(task), "step": action},
        )
        if task.finding_id and action == TaskAction.VERIFY:
            Finding.objects.filter(pk=task.finding_id).update(status=FindingStatus.CLOSED)
    return task


_SOURCES: dict[str, set[str]] = {
    TaskAction.REPAIR: {TaskStatus.OPEN},
    TaskAction.VERIFY: {TaskStatus.REPAIRED},
    TaskAction.REJECT: {TaskStatus.REPAIRED},
}


def repair_task(*, actor: Actor, task: RepairTask, data: Mapping[str, Any]) -> RepairTask:
    """The crew's repair record: quantity done, materials, machine, photos, note."""
    quantity = data.get("quantity_done")
    if quantity in (None, ""):
        raise ValidationError({"quantity_done": _("Give the quantity repaired.")})
    changes: dict[str, Any] = {
        "status": TaskStatus.REPAIRED,
        "repaired_by": audit_user(actor),
        "repaired_at": data.get("repaired_at") or timezone.now(),
        "quantity_done": float(quantity),  # type: ignore[arg-type]
        "materials": str(data.get("materials") or ""),
        "repair_note": str(data.get("note") or data.get("repair_note") or ""),
    }
    for name in ("machine", "photo_before", "photo_after"):
        if data.get(name):
            changes[name] = data[name]
    return _step(
        actor=actor, task=task, action=TaskAction.REPAIR, allowed=may_repair, changes=changes
    )


def verify_task(*, actor: Actor, task: RepairTask, note: str = "", at: Any = None) -> RepairTask:
    """Accept the repair on site: the task (and its finding) are closed (``at``: when, if
    entered after the fact)."""
    return _step(
        actor=actor,
        task=task,
        action=TaskAction.VERIFY,
        allowed=may_verify,
        changes={
            "status": TaskStatus.CLOSED,
            "verified_by": audit_user(actor),
            "verified_at": at or timezone.now(),
            "verification_note": note,
        },
    )


def reject_task(*, actor: Actor, task: RepairTask, note: str) -> RepairTask:
    """The repair is not good enough: back to the crew, same deadline."""
    if not (note or "").strip():
        raise ValidationError({"note": _("Say why the repair is rejected.")})
    return _step(
        actor=actor,
        task=task,
        action=TaskAction.REJECT,
        allowed=may_verify,
        changes={
            "status": TaskStatus.OPEN,
            "rejections": task.rejections + 1,
            "verification_note": note.strip(),
        },
    )


def allowed_steps(actor: Actor, task: RepairTask) -> list[str]:
    steps: list[str] = []
    if may_repair(actor, task):
        steps.append(TaskAction.REPAIR)
    if may_verify(actor, task):
        steps += [TaskAction.VERIFY, TaskAction.REJECT]
    return steps


def overdue_tasks(now: datetime.datetime | None = None) -> QuerySet[RepairTask]:
    """Tasks past their deadline and not yet repaired."""
    return RepairTask.objects.filter(status=TaskStatus.OPEN, deadline__lt=now or timezone.now())


def escalate_overdue_tasks(*, actor: Actor, now: datetime.datetime | None = None) -> int:
    """Escalate late tasks once a day (shared engine), with an event and a notification."""
    now = now or timezone.now()
    today = timezone.localdate(now)

    def escalated(task: RepairTask) -> None:
        hours = int((now - task.deadline).total_seconds() // 3600)
        _event(
            task,
            TaskAction.ESCALATE,
            actor,
            _("Overdue by %(hours)d h; escalation level %(level)d.")
            % {"hours": hours, "level": task.escalation_level},
        )
        raise_event(
            actor=actor,
            kind="patrol.task_escalated",
            obj=task,
            severity=Severity.WARNING if task.escalation_level <= 1 else Severity.CRITICAL,
            title=gettext_noop("Repair overdue (escalation level %(level)d): %(place)s"),
            params={"level": task.escalation_level, "place": str(task)},
            roles=("engineer",) if task.escalation_level <= 1 else ("engineer", "manager"),
            users=[task.assignee] if task.assignee else (),
            key=f"patrol-task:{task.pk}:escalated:{task.escalation_level}",
        )

    return escalation.escalate_overdue(
        actor=actor, overdue=overdue_tasks(now), today=today, on_escalated=escalated
    )


def completed_repairs(
    *, actor: Actor, start: datetime.date, end: datetime.date, contract_ref: str | None = None
) -> QuerySet[RepairTask]:
    """The contracts hook: verified repairs of ``start``–``end`` (inclusive, by verification
    date) in the actor's scope, with ``work_item_code``, ``quantity_done`` and ``unit``."""
    from zhiyang.core.access import restrict

    rows = (
        restrict(RepairTask.objects.all(), actor, "view")
        if not is_system(actor)
        else (RepairTask.objects.all())
    )
    rows = rows.filter(
        status=TaskStatus.CLOSED,
        verified_at__date__gte=start,
        verified_at__date__lte=end,
    )
    if contract_ref is not None:
        rows = rows.filter(contract_ref=contract_ref)
    return rows.select_related("route").order_by("verified_at", "pk")
