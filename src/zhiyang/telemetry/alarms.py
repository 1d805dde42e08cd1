"""Alarm and paving-setup services: raise, update and resolve alarms from rule events (in
bulk, for the live stage), acknowledge and resolve them for people, and save setups.

Every status change is audited: an alarm raised or resolved by itself has an audit row
without a user (the system), in the same transaction. Value updates of an active alarm
(its latest value, severity, last seen) are telemetry and carry no audit row of their own.
Messages are rendered at display time from the rule code and parameters, so they follow the
reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.core import audit
from zhiyang.core.actors import SYSTEM, Actor, audit_user
from zhiyang.core.choices import AuditAction
from zhiyang.core.models import AuditLog
from zhiyang.core.roles import resource_of
from zhiyang.core.services import create_object, update_object
from zhiyang.notify import hooks as notify_hooks
from zhiyang.telemetry.models import OPEN_ALARM_STATUSES, Alarm, AlarmStatus, PavingSetup, Severity
from zhiyang.telemetry.rules import Event, notified_roles

RULE_LABELS: dict[str, Any] = {
    "paving_temp": gettext_lazy("Paving temperature"),
    "arrival_temp": gettext_lazy("Mix temperature on arrival"),
    "rolling_start_temp": gettext_lazy("Temperature at the start of rolling"),
    "rolling_end_temp": gettext_lazy("Temperature at the end of rolling"),
    "paver_speed": gettext_lazy("Paver speed"),
    "paver_stop": gettext_lazy("Paver stopped"),
    "roller_speed": gettext_lazy("Roller speed"),
    "roller_gap_distance": gettext_lazy("Initial roller too far behind the paver"),
    "roller_gap_time": gettext_lazy("Initial roller too late behind the paver"),
    "spray_rate": gettext_lazy("Spray rate"),
    "thickness": gettext_lazy("Thickness"),
}

SEVERITY_RANK: dict[str, int] = {Severity.INFO: 0, Severity.WARNING: 1, Severity.CRITICAL: 2}


def rule_label(rule: str) -> str:
    return str(RULE_LABELS.get(rule, rule))


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:.0f}"


def alarm_message(alarm: Alarm) -> str:
    """``Paving temperature: 155 °C, below the minimum 160 °C`` in the active language."""
    value, limit, unit = _num(alarm.value), _num(alarm.limit), alarm.unit
    label = rule_label(alarm.rule)
    if alarm.limit is None:
        return _("%(rule)s: %(value)s %(unit)s") % {"rule": label, "value": value, "unit": unit}
    if alarm.value < alarm.limit:
        text = _("%(rule)s: %(value)s %(unit)s, below the minimum %(limit)s %(unit)s")
    else:
        text = _("%(rule)s: %(value)s %(unit)s, above the maximum %(limit)s %(unit)s")
    return text % {"rule": label, "value": value, "unit": unit, "limit": limit}


def _when(time_ms: int) -> datetime:
    return datetime.fromtimestamp(time_ms / 1000.0, UTC)


def _audit_rows(alarms: Iterable[tuple[Alarm, str, dict[str, Any] | None]]) -> None:
    """Audit rows of system changes, in bulk (``audit.record`` writes one at a time)."""
    resource = resource_of(Alarm)
    AuditLog.objects.bulk_create(
        [
            AuditLog(
                user=None,
                username=str(SYSTEM),
                action=action,
                resource=resource,
                object_id=str(alarm.pk),
                object_repr=str(alarm)[:200],
                before=before,
                after=audit.snapshot(alarm),
            )
            for alarm, action, before in alarms
        ]
    )


def open_alarms(device_ids: Iterable[int]) -> dict[tuple[int, str], Alarm]:
    """The open (active or acknowledged) alarms of the devices, by (device, rule)."""
    found = Alarm.objects.filter(device_id__in=list(device_ids)).exclude(
        status=AlarmStatus.RESOLVED
    )
    return {(a.device_id, a.rule): a for a in found}


def apply_events(
    events: list[Event], *, opened: dict[tuple[int, str], Alarm] | None = None
) -> list[Alarm]:
    """Create, update and resolve alarms for the engine's events, in few queries.

    ``opened`` is :func:`open_alarms` of the events' devices when the caller has it. One open
    alarm per device and rule: a ``raise`` for a pair that is already open (raised by another
    process) updates it. Returns the alarms written.
    """
    if not events:
        return []
    if opened is None:
        opened = open_alarms({e.device_id for e in events})
    now = timezone.now()
    created: list[Alarm] = []
    dirty: dict[int, Alarm] = {}
    before: dict[int, dict[str, Any]] = {}
    resolved: list[Alarm] = []
    for event in events:
        key = (event.device_id, event.rule)
        alarm = opened.get(key)
        if event.kind in ("raise", "update"):
            if alarm is None:
                alarm = Alarm(
                    device_id=event.device_id,
                    equipment_id=event.equipment_id,
                    project_id=event.project_id,
                    rule=event.rule,
                    severity=event.severity,
                    status=AlarmStatus.ACTIVE,
                    value=event.value,
                    limit=event.limit,
                    unit=event.unit,
                    params=dict(event.params),
                    started_at=_when(event.started_ms),
                    # The machine's time when the debounce was over, like ``resolved_at``
                    # below: a shift replayed or a backlog synced later keeps its own
                    # order (raised before resolved); ``changed_at`` is when we wrote it.
                    raised_at=_when(event.time_ms),
                    last_seen_at=_when(event.time_ms),
                    notified_roles=notified_roles(event.rule, event.severity),
                    changed_at=now,
                )
                opened[key] = alarm
                created.append(alarm)
                continue
            alarm.value = event.value
            alarm.limit = event.limit
            alarm.last_seen_at = _when(event.time_ms)
            if SEVERITY_RANK.get(event.severity, 1) > SEVERITY_RANK.get(alarm.severity, 1):
                alarm.severity = event.severity
                alarm.notified_roles = notified_roles(event.rule, event.severity)
                alarm.changed_at = now
        elif event.kind == "resolve" and alarm is not None:
            if alarm.pk is not None and alarm.pk not in before:
                before[alarm.pk] = audit.snapshot(alarm)
            alarm.status = AlarmStatus.RESOLVED
            alarm.auto_resolved = True
            alarm.resolved_at = _when(event.time_ms)
            alarm.last_seen_at = _when(event.time_ms)
            alarm.changed_at = now
            opened.pop(key, None)
            resolved.append(alarm)
        else:
            continue
        if alarm.pk is not None:
            dirty[alarm.pk] = alarm
    with transaction.atomic():
        if created:
            _create(created, opened)
        if dirty:
            Alarm.objects.bulk_update(
                list(dirty.values()),
                [
                    "value",
                    "limit",
                    "last_seen_at",
                    "severity",
                    "notified_roles",
                    "status",
                    "auto_resolved",
                    "resolved_at",
                    "changed_at",
                ],
            )
        rows: list[tuple[Alarm, str, dict[str, Any] | None]] = [
            (a, AuditAction.CREATE, None) for a in created if a.pk is not None
        ]
        rows += [
            (a, AuditAction.UPDATE, before.get(a.pk))
            for a in resolved
            if a.pk is not None and a not in created
        ]
        if rows:
            _audit_rows(rows)
        notify_hooks.alarms_changed(created=created, resolved=resolved)
    return created + list(dirty.values())


def _create(created: list[Alarm], opened: dict[tuple[int, str], Alarm]) -> None:
    try:
        with transaction.atomic():
            Alarm.objects.bulk_create(created)
    except IntegrityError:
        # Another process opened one of these meanwhile: create one at a time, skip those.
        for alarm in list(created):
            try:
                with transaction.atomic():
                    alarm.save(force_insert=True)
            except IntegrityError:
                alarm.pk = None
                created.remove(alarm)
                opened.pop((alarm.device_id, alarm.rule), None)


# --------------------------------------------------------------------------- people


def _change(
    *, actor: Actor, alarm: Alarm, status: str, allowed: tuple[str, ...], message: str
) -> Alarm:
    with transaction.atomic():
        alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
        if alarm.status not in allowed:
            raise ValidationError(message)
        before = audit.snapshot(alarm)
        now = timezone.now()
        alarm.status = status
        alarm.changed_at = now
        if status == AlarmStatus.ACKNOWLEDGED:
            alarm.acknowledged_at, alarm.acknowledged_by = now, audit_user(actor)
        else:
            alarm.resolved_at, alarm.resolved_by = now, audit_user(actor)
            alarm.auto_resolved = False
            if alarm.acknowledged_at is None:
                alarm.acknowledged_at, alarm.acknowledged_by = now, audit_user(actor)
        alarm.save()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=alarm,
            before=before,
            after=audit.snapshot(alarm),
        )
    return alarm


def acknowledge_alarm(*, actor: Actor, alarm: Alarm) -> Alarm:
    """Someone has seen the alarm and acts on it (active → acknowledged); audited."""
    return _change(
        actor=actor,
        alarm=alarm,
        status=AlarmStatus.ACKNOWLEDGED,
        allowed=(AlarmStatus.ACTIVE,),
        message=_("Only an active alarm can be acknowledged."),
    )


def resolve_alarm(*, actor: Actor, alarm: Alarm) -> Alarm:
    """Close the alarm (active or acknowledged → resolved); audited. If the condition still
    holds, the rules raise a new alarm after the debounce."""
    return _change(
        actor=actor,
        alarm=alarm,
        status=AlarmStatus.RESOLVED,
        allowed=OPEN_ALARM_STATUSES,
        message=_("This alarm is already resolved."),
    )


def save_setup(
    *, actor: Actor, data: Mapping[str, Any], setup: PavingSetup | None = None
) -> PavingSetup:
    """Create or update a project's paving setup; audited. The live stage picks the change
    up within its cache time (live.CONFIG_TTL_S)."""
    values = {**data, "updated_at": timezone.now()}
    if setup is None:
        return create_object(actor=actor, model=PavingSetup, data=values)
    return update_object(actor=actor, obj=setup, data=values)
