"""A telematics import: snapshots and fault codes matched to machines and written in bulk
under one audit row, and the machines' last known state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from zhiyang.core import audit
from zhiyang.core.access import restrict
from zhiyang.core.actors import Actor, organisation_of
from zhiyang.core.choices import AuditAction
from zhiyang.core.models import Organisation
from zhiyang.fleet.choices import EquipmentType, ImportOrigin
from zhiyang.fleet.models import (
    Equipment,
    FaultCode,
    TelematicsImport,
    TelematicsSnapshot,
    TelematicsSource,
)
from zhiyang.fleet.telematics.parsers import MachineReading, parse_document


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
