"""Fleet services: machines, telematics import, service intervals and records, utilisation.

Keyword-only, transactional, audited. A telematics import writes its snapshots and fault
codes in bulk and is covered by ONE audit row on its ``TelematicsImport``; the machines' last
known state (``Equipment.last_*``) is telemetry, updated without an audit row of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import audit, crypto
from zhiyang.core.access import restrict
from zhiyang.core.actors import Actor, organisation_of
from zhiyang.core.choices import AuditAction
from zhiyang.core.models import Organisation
from zhiyang.core.services import create_object, delete_object, update_object
from zhiyang.fleet.choices import EquipmentType, ImportOrigin, ServiceState
from zhiyang.fleet.models import (
    Equipment,
    EquipmentAssignment,
    FaultCode,
    ServiceInterval,
    ServiceRecord,
    TelematicsImport,
    TelematicsSnapshot,
    TelematicsSource,
)
from zhiyang.fleet.policy import policy
from zhiyang.fleet.telematics.parsers import MachineReading, parse_document

# ---------------------------------------------------------------- machines


def create_equipment(*, actor: Actor, data: Mapping[str, Any]) -> Equipment:
    return create_object(actor=actor, model=Equipment, data=data)


def update_equipment(*, actor: Actor, equipment: Equipment, data: Mapping[str, Any]) -> Equipment:
    return update_object(actor=actor, obj=equipment, data=data)


def delete_equipment(*, actor: Actor, equipment: Equipment) -> None:
    delete_object(actor=actor, obj=equipment)


# ---------------------------------------------------------------- telematics sources

SOURCE_SECRET_FIELD = "auth_value_encrypted"  # noqa: S105 - a field name, not a secret


def _source_snapshot(source: TelematicsSource) -> dict[str, Any]:
    """The audit snapshot without the (encrypted) auth value: only whether one is set."""
    data = audit.snapshot(source)
    data[SOURCE_SECRET_FIELD] = "***" if data.get(SOURCE_SECRET_FIELD) else ""
    return data


def save_source(
    *,
    actor: Actor,
    data: Mapping[str, Any],
    source: TelematicsSource | None = None,
    auth_value: str | None = None,
) -> TelematicsSource:
    """Create or update a source; ``auth_value`` None keeps the stored one, '' clears it.

    The clear value is encrypted before it reaches the model and never enters the audit log.
    """
    from zhiyang.core.services import ensure_in_scope

    with transaction.atomic():
        creating = source is None
        obj = source or TelematicsSource()
        before = None if creating else _source_snapshot(obj)
        for name, value in data.items():
            setattr(obj, name, value)
        if auth_value is not None:
            obj.auth_value_encrypted = crypto.encrypt(auth_value)
        obj.full_clean()
        obj.save()
        ensure_in_scope(actor=actor, obj=obj, action="add" if creating else "change")
        after = _source_snapshot(obj)
        if creating or after != before:
            audit.record(
                actor=actor,
                action=AuditAction.CREATE if creating else AuditAction.UPDATE,
                obj=obj,
                before=before,
                after=after,
            )
    return obj


def delete_source(*, actor: Actor, source: TelematicsSource) -> None:
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=source,
            before=_source_snapshot(source),
            after=None,
        )
        source.delete()


# ---------------------------------------------------------------- telematics import


@dataclass
class ImportResult:
    """What an import (file or poll) did."""

    record: TelematicsImport | None
    machines: int = 0
    snapshots_created: int = 0
    duplicates: int = 0
    faults_created: int = 0
    machines_created: int = 0
    unknown: list[dict[str, str]] = field(default_factory=list)
    pages: int = 1
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "import_id": self.record.pk if self.record else None,
            "pages": self.pages,
            "machines": self.machines,
            "snapshots_created": self.snapshots_created,
            "duplicates": self.duplicates,
            "faults_created": self.faults_created,
            "machines_created": self.machines_created,
            "unknown": self.unknown,
            "warnings": self.warnings,
        }

    def labelled(self) -> list[tuple[str, int]]:
        return [
            (_("Machines in the document"), self.machines),
            (_("Snapshots written"), self.snapshots_created),
            (_("Duplicates skipped"), self.duplicates),
            (_("Fault codes written"), self.faults_created),
            (_("Machines created"), self.machines_created),
            (_("Unknown machines"), len(self.unknown)),
        ]


def _key(value: str) -> str:
    return value.strip().upper()


class _Matcher:
    """Finds the machine of a reading: by PIN, then serial number + OEM, then EquipmentID."""

    def __init__(self, equipment: Iterable[Equipment]) -> None:
        self.by_pin: dict[str, Equipment] = {}
        self.by_serial: dict[str, list[Equipment]] = {}
        self.by_id: dict[str, Equipment] = {}
        for machine in equipment:
            self.add(machine)

    def add(self, machine: Equipment) -> None:
        if machine.pin:
            self.by_pin[_key(machine.pin)] = machine
        if machine.serial_number:
            self.by_serial.setdefault(_key(machine.serial_number), []).append(machine)
        if machine.telematics_id:
            self.by_id.setdefault(_key(machine.telematics_id), machine)

    def find(self, reading: MachineReading) -> Equipment | None:
        if reading.pin and _key(reading.pin) in self.by_pin:
            return self.by_pin[_key(reading.pin)]
        if reading.serial_number:
            candidates = self.by_serial.get(_key(reading.serial_number), [])
            if reading.oem:
                same_oem = [m for m in candidates if _key(m.make) == _key(reading.oem)]
                if len(same_oem) == 1:
                    return same_oem[0]
            elif len(candidates) == 1:
                return candidates[0]
        if reading.equipment_id and _key(reading.equipment_id) in self.by_id:
            return self.by_id[_key(reading.equipment_id)]
        return None


def _unique_code(organisation: Organisation, reading: MachineReading) -> str:
    base = (reading.pin or reading.serial_number or reading.equipment_id)[-20:]
    code = f"T-{base}"
    taken = set(
        Equipment.objects.filter(organisation=organisation, code__startswith=code).values_list(
            "code", flat=True
        )
    )
    n = 1
    candidate = code
    while candidate in taken:
        n += 1
        candidate = f"{code}-{n}"
    return candidate


def matching_equipment(
    *, actor: Actor, organisation: Organisation | None
) -> models.QuerySet[Equipment]:
    """The machines an import may write to: those the user may change (all for the system),
    narrowed to ``organisation`` when given."""
    queryset = restrict(Equipment.objects.all(), actor, "change")
    if organisation is not None:
        queryset = queryset.filter(organisation=organisation)
    return queryset


def write_readings(
    readings: list[MachineReading],
    *,
    actor: Actor,
    organisation: Organisation | None,
    origin: str,
    source: TelematicsSource | None = None,
    filename: str = "",
    pages: int = 1,
    create_unknown: bool = False,
    equipment: models.QuerySet[Equipment] | None = None,
) -> ImportResult:
    """Write validated readings in ONE transaction: snapshots and faults in bulk, deduplicated
    on (machine, time, source key), the machines' last known state, one audit row."""
    if create_unknown and organisation is None:
        raise ValidationError(_("Choose the organisation that new machines belong to."))
    source_key = f"source:{source.pk}" if source is not None else str(origin)
    result = ImportResult(record=None, machines=len(readings), pages=pages)
    with transaction.atomic():
        pool = (
            equipment
            if equipment is not None
            else matching_equipment(actor=actor, organisation=organisation)
        )
        matcher = _Matcher(pool)
        pairs: list[tuple[Equipment, MachineReading]] = []
        for reading in readings:
            machine = matcher.find(reading)
            if machine is None and create_unknown:
                assert organisation is not None
                machine = Equipment.objects.create(
                    organisation=organisation,
                    code=_unique_code(organisation, reading),
                    equipment_type=EquipmentType.OTHER,
                    make=reading.oem[:80],
                    model=reading.model[:80],
                    serial_number=reading.serial_number[:80],
                    pin=reading.pin[:40],
                    telematics_id=reading.equipment_id[:80],
                    created_from_telematics=True,
                )
                matcher.add(machine)
                result.machines_created += 1
            if machine is None:
                result.unknown.append(reading.identity())
                continue
            pairs.append((machine, reading))

        record = TelematicsImport.objects.create(
            organisation=organisation
            or (pairs[0][0].organisation if pairs else _fallback_org(actor)),
            origin=origin,
            source=source,
            filename=filename[:255],
            pages=pages,
        )
        result.record = record

        machine_ids = {m.pk for m, _r in pairs}
        times = [r.snapshot_at for _m, r in pairs if r.snapshot_at]
        existing: set[tuple[int, datetime]] = set()
        if times:
            existing = set(
                TelematicsSnapshot.objects.filter(
                    equipment_id__in=machine_ids,
                    source_key=source_key,
                    snapshot_at__gte=min(times),
                    snapshot_at__lte=max(times),
                ).values_list("equipment_id", "snapshot_at")
            )
        new_rows: list[tuple[TelematicsSnapshot, Equipment, MachineReading]] = []
        for machine, reading in pairs:
            assert reading.snapshot_at is not None
            key = (machine.pk, reading.snapshot_at)
            if key in existing:
                result.duplicates += 1
                continue
            existing.add(key)
            row = TelematicsSnapshot(
                equipment=machine,
                imported_in=record,
                source_key=source_key,
                snapshot_at=reading.snapshot_at,
                latitude=reading.latitude,
                longitude=reading.longitude,
                altitude_m=reading.altitude_m,
                location_at=reading.location_at,
                operating_hours=reading.operating_hours,
                idle_hours=reading.idle_hours,
                fuel_used_l=reading.fuel_used_l,
                fuel_used_24h_l=reading.fuel_used_24h_l,
                fuel_remaining_pct=reading.fuel_remaining_pct,
                odometer_km=reading.odometer_km,
                engine_running=reading.engine_running,
                fuel_unit=reading.fuel_unit[:20],
                distance_unit=reading.distance_unit[:20],
            )
            new_rows.append((row, machine, reading))
        TelematicsSnapshot.objects.bulk_create([r for r, _m, _x in new_rows])
        result.snapshots_created = len(new_rows)

        fault_keys = set(
            FaultCode.objects.filter(equipment_id__in=machine_ids).values_list(
                "equipment_id", "identifier", "occurred_at"
            )
        )
        faults: list[FaultCode] = []
        snapshot_of = {(m.pk, r.snapshot_at): row for row, m, r in new_rows}
        for machine, reading in pairs:
            for fault in reading.faults:
                if fault.occurred_at is None:
                    continue
                fkey = (machine.pk, fault.identifier, fault.occurred_at)
                if fkey in fault_keys:
                    continue
                fault_keys.add(fkey)
                faults.append(
                    FaultCode(
                        equipment=machine,
                        snapshot=snapshot_of.get((machine.pk, reading.snapshot_at)),
                        identifier=fault.identifier,
                        description=fault.description,
                        severity=fault.severity,
                        source=fault.source,
                        occurred_at=fault.occurred_at,
                    )
                )
        FaultCode.objects.bulk_create(faults)
        result.faults_created = len(faults)

        _update_last_known(row for row, _m, _r in new_rows)

        record.machines = result.machines
        record.snapshots_created = result.snapshots_created
        record.duplicates = result.duplicates
        record.faults_created = result.faults_created
        record.machines_created = result.machines_created
        record.unknown = result.unknown
        record.save()
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=record,
            before=None,
            after=audit.snapshot(record),
        )
    return result


def _fallback_org(actor: Actor) -> Organisation:
    org = organisation_of(actor)
    if org is not None:
        return org
    first = Organisation.objects.order_by("pk").first()
    if first is None:
        raise ValidationError(_("Create an organisation first."))
    return first


def _update_last_known(rows: Iterable[TelematicsSnapshot]) -> None:
    """Move each machine's last known state forward to its newest new snapshot."""
    newest: dict[int, TelematicsSnapshot] = {}
    for row in rows:
        current = newest.get(row.equipment_id)
        if current is None or row.snapshot_at > current.snapshot_at:
            newest[row.equipment_id] = row
    if not newest:
        return
    machines = Equipment.objects.filter(pk__in=newest).only("pk", "last_snapshot_at")
    changed: list[Equipment] = []
    for machine in machines:
        row = newest[machine.pk]
        if machine.last_snapshot_at and machine.last_snapshot_at >= row.snapshot_at:
            continue
        machine.last_snapshot_at = row.snapshot_at
        if row.latitude is not None and row.longitude is not None:
            machine.last_latitude = row.latitude
            machine.last_longitude = row.longitude
            machine.last_position_at = row.location_at or row.snapshot_at
        for name, value in (
            ("last_operating_hours", row.operating_hours),
            ("last_idle_hours", row.idle_hours),
            ("last_fuel_used_l", row.fuel_used_l),
            ("last_odometer_km", row.odometer_km),
        ):
            if value is not None:
                setattr(machine, name, value)
        changed.append(machine)
    Equipment.objects.bulk_update(
        changed,
        [
            "last_snapshot_at",
            "last_latitude",
            "last_longitude",
            "last_position_at",
            "last_operating_hours",
            "last_idle_hours",
            "last_fuel_used_l",
            "last_odometer_km",
        ],
    )


def import_document(
    data: bytes,
    *,
    actor: Actor,
    organisation: Organisation | None = None,
    filename: str = "",
    content_type: str = "",
    create_unknown: bool = False,
) -> ImportResult:
    """Import one snapshot document (XML or JSON): validated whole first (raises
    ``TelematicsDocumentError``, nothing written), then written in one transaction."""
    document = parse_document(data, filename=filename, content_type=content_type)
    return write_readings(
        document.machines,
        actor=actor,
        organisation=organisation,
        origin=ImportOrigin.FILE,
        filename=filename,
        create_unknown=create_unknown,
    )


# ---------------------------------------------------------------- service intervals


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


# ---------------------------------------------------------------- utilisation


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
