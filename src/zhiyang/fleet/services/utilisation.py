"""Utilisation of machines over a period from their hour-meter snapshots."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from zhiyang.fleet.models import (
    Equipment,
    EquipmentAssignment,
    TelematicsSnapshot,
)
from zhiyang.fleet.policy import policy


@dataclass(frozen=True)
class Utilisation:
    equipment: Equipment
    assigned_days: int
    operating_hours: float | None
    idle_hours: float | None
    available_hours: float
    utilisation: float | None  # operating / (assigned days × shift hours)
    idle_ratio: float | None  # idle / operating


def _overlap_days(a: EquipmentAssignment, start: date, end: date) -> set[date]:
    first = max(a.start_date, start)
    last = min(a.end_date, end)
    return (
        {first + timedelta(days=i) for i in range((last - first).days + 1)}
        if first <= last
        else set()
    )


def _hours_in_period(
    snapshots: list[TelematicsSnapshot], attr: str, start: date, end: date
) -> float | None:
    """Cumulative counter increase over the period: last reading in it minus the last reading
    before it (or its first reading if there is none before)."""
    tz = timezone.get_current_timezone()
    before = [
        s
        for s in snapshots
        if getattr(s, attr) is not None and timezone.localtime(s.snapshot_at, tz).date() < start
    ]
    inside = [
        s
        for s in snapshots
        if getattr(s, attr) is not None
        and start <= timezone.localtime(s.snapshot_at, tz).date() <= end
    ]
    if not inside:
        return None
    base = getattr(before[-1], attr) if before else getattr(inside[0], attr)
    return max(0.0, getattr(inside[-1], attr) - base)


BASE_LOOKBACK_DAYS = 90


def utilisation(
    equipment: Iterable[Equipment],
    *,
    start: date,
    end: date,
    shift_hours: float | None = None,
) -> list[Utilisation]:
    """Engine hours in [start, end] against the days each machine was assigned in it.

    utilisation = operating hours / (assigned days × shift hours); idle ratio = idle hours /
    operating hours. Hours are the increase of the cumulative counters over the period.
    """
    shift = shift_hours if shift_hours is not None else policy().shift_hours
    machines = list(equipment)
    ids = [m.pk for m in machines]
    assignments: dict[int, list[EquipmentAssignment]] = {}
    for a in EquipmentAssignment.objects.filter(
        equipment_id__in=ids, start_date__lte=end, end_date__gte=start
    ):
        assignments.setdefault(a.equipment_id, []).append(a)
    history: dict[int, list[TelematicsSnapshot]] = {}
    for s in (
        TelematicsSnapshot.objects.filter(
            equipment_id__in=ids,
            snapshot_at__lt=timezone.make_aware(
                datetime.combine(end + timedelta(days=1), datetime.min.time())
            ),
            # The base reading before the period is looked for this far back only.
            snapshot_at__gte=timezone.make_aware(
                datetime.combine(start - timedelta(days=BASE_LOOKBACK_DAYS), datetime.min.time())
            ),
        )
        .filter(Q(operating_hours__isnull=False) | Q(idle_hours__isnull=False))
        .only("equipment_id", "snapshot_at", "operating_hours", "idle_hours")
        .order_by("snapshot_at")
    ):
        history.setdefault(s.equipment_id, []).append(s)
    rows = []
    for machine in machines:
        days: set[date] = set()
        for a in assignments.get(machine.pk, []):
            days |= _overlap_days(a, start, end)
        snaps = history.get(machine.pk, [])
        operating = _hours_in_period(snaps, "operating_hours", start, end)
        idle = _hours_in_period(snaps, "idle_hours", start, end)
        available = len(days) * shift
        rows.append(
            Utilisation(
                equipment=machine,
                assigned_days=len(days),
                operating_hours=operating,
                idle_hours=idle,
                available_hours=available,
                utilisation=(operating / available)
                if operating is not None and available
                else None,
                idle_ratio=(idle / operating) if idle is not None and operating else None,
            )
        )
    return rows
