"""Service intervals and records: what is due (by hours or days) and recording a service."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from zhiyang.core.actors import Actor
from zhiyang.core.services import create_object, update_object
from zhiyang.fleet.choices import ServiceState
from zhiyang.fleet.models import (
    ServiceInterval,
    ServiceRecord,
)
from zhiyang.fleet.policy import policy


@dataclass(frozen=True)
class ServiceDue:
    """The state of one service interval: when next due, by hours and/or date."""

    interval: ServiceInterval
    state: str
    current_hours: float | None
    due_at_hours: float | None
    hours_left: float | None
    due_on: date | None
    days_left: int | None

    @property
    def state_label(self) -> str:
        return str(ServiceState(self.state).label)


def service_status(
    interval: ServiceInterval,
    *,
    today: date | None = None,
    current_hours: float | None = None,
    hours_fraction: float | None = None,
    days_before: int | None = None,
) -> ServiceDue:
    """Due/overdue by whichever of hours and days comes first.

    Overdue when past the hour mark or the date; due when within ``hours_fraction`` of the
    hour interval (default 10 %) or ``days_before`` days of the date (default 7); the
    interval's own ``due_fraction``/``due_days`` override the policy.
    """
    rules = policy()
    today = today or timezone.localdate()
    fraction = (
        hours_fraction
        if hours_fraction is not None
        else (
            interval.due_fraction if interval.due_fraction is not None else rules.due_hours_fraction
        )
    )
    before = (
        days_before
        if days_before is not None
        else (interval.due_days if interval.due_days is not None else rules.due_days_before)
    )
    hours = current_hours if current_hours is not None else interval.equipment.last_operating_hours
    states: list[str] = []
    due_at_hours = hours_left = None
    if interval.every_hours:
        due_at_hours = (interval.last_service_hours or 0.0) + interval.every_hours
        if hours is None:
            states.append(ServiceState.UNKNOWN)
        else:
            hours_left = due_at_hours - hours
            if hours_left < 0:
                states.append(ServiceState.OVERDUE)
            elif hours_left <= fraction * interval.every_hours:
                states.append(ServiceState.DUE)
            else:
                states.append(ServiceState.OK)
    due_on = days_left = None
    if interval.every_days:
        if interval.last_service_date is None:
            states.append(ServiceState.UNKNOWN)
        else:
            due_on = interval.last_service_date + timedelta(days=interval.every_days)
            days_left = (due_on - today).days
            if days_left < 0:
                states.append(ServiceState.OVERDUE)
            elif days_left <= before:
                states.append(ServiceState.DUE)
            else:
                states.append(ServiceState.OK)
    order = [ServiceState.OVERDUE, ServiceState.DUE, ServiceState.UNKNOWN, ServiceState.OK]
    state = next((s for s in order if s in states), ServiceState.UNKNOWN)
    return ServiceDue(
        interval=interval,
        state=str(state),
        current_hours=hours,
        due_at_hours=due_at_hours,
        hours_left=hours_left,
        due_on=due_on,
        days_left=days_left,
    )


def due_services(
    intervals: models.QuerySet[ServiceInterval],
    *,
    today: date | None = None,
    only_due: bool = False,
) -> list[ServiceDue]:
    """Every active interval's state, most urgent first."""
    rows = [
        service_status(i, today=today)
        for i in intervals.filter(active=True).select_related("equipment")
    ]
    rank = {
        ServiceState.OVERDUE: 0,
        ServiceState.DUE: 1,
        ServiceState.UNKNOWN: 2,
        ServiceState.OK: 3,
    }
    if only_due:
        rows = [r for r in rows if r.state in (ServiceState.OVERDUE, ServiceState.DUE)]
    rows.sort(
        key=lambda r: (
            rank[ServiceState(r.state)],
            r.hours_left if r.hours_left is not None else 1e9,
            r.days_left if r.days_left is not None else 10**6,
            r.interval.equipment.code,
        )
    )
    return rows


def save_interval(
    *, actor: Actor, data: Mapping[str, Any], interval: ServiceInterval | None = None
) -> ServiceInterval:
    if interval is None:
        return create_object(actor=actor, model=ServiceInterval, data=data)
    return update_object(actor=actor, obj=interval, data=data)


def record_service(*, actor: Actor, data: Mapping[str, Any]) -> ServiceRecord:
    """Record a service; a record against an interval resets that interval's last service."""
    with transaction.atomic():
        record = create_object(actor=actor, model=ServiceRecord, data=data)
        interval = record.interval
        if interval is not None:
            changes: dict[str, Any] = {}
            if interval.last_service_date is None or record.date >= interval.last_service_date:
                changes["last_service_date"] = record.date
                if record.hours is not None:
                    changes["last_service_hours"] = record.hours
            if changes:
                update_object(actor=actor, obj=interval, data=changes)
    return record
