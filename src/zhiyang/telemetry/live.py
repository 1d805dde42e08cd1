"""The live stage: after each durable append the ingest hands the accepted readings here.

:func:`process_accepted` updates each device's latest state (one ``DeviceState`` row per
device per call), runs the live rules (``telemetry.rules``) and raises, updates and resolves
alarms (``telemetry.alarms``), in a handful of queries per call whatever its size:

1. equipment types and paving setups not cached yet (cached for ``CONFIG_TTL_S``);
2. the open alarms of the batch's devices (keeps the in-memory rule state in line with the
   database: alarms raised by another process, resolved by people);
3. the existing states (their reading counts and times);
4. one bulk upsert of the states, and the alarm writes with their audit rows.

Limitation: the rule state (how long a condition has held, the paver tracks) lives in the
memory of the calling process. Several ingest processes each see the readings they were
given; a device's readings should go to one process (MQTT: a shared subscription keyed by
device; HTTP: a device posts its own batches) for the debounce to be exact. After a restart
the state is rebuilt from the open alarms and the next readings (a breach in progress starts
its debounce again).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhiyang.telemetry import alarms
from zhiyang.telemetry.models import DeviceState, PavingSetup
from zhiyang.telemetry.rules import Event, RuleConfig, RuleEngine, Sample, build_config
from zhiyang.telemetry.schema import Accepted

CONFIG_TTL_S = 30.0

_engine = RuleEngine()
_last_time: dict[int, int] = {}
_equipment_types: dict[int, str] = {}
_configs: dict[int | None, tuple[float, RuleConfig]] = {}
_default: list[RuleConfig] = []
#: One batch at a time per process: the rule state is not shared between threads.
_lock = threading.Lock()


def engine() -> RuleEngine:
    return _engine


def reset() -> None:
    """Forget the in-memory rule state and caches (tests, or after changing setups)."""
    global _engine
    _engine = RuleEngine()
    _last_time.clear()
    _equipment_types.clear()
    _configs.clear()
    _default.clear()


def config_of_setup(setup: PavingSetup | None) -> RuleConfig:
    """The rule configuration of a setup (the JTG F40 defaults for None)."""
    if setup is None:
        if not _default:
            _default.append(build_config())
        return _default[0]
    return build_config(
        binder_grade=setup.binder_grade,
        season=setup.season,
        mix_type=setup.mix_type,
        design_thickness_mm=setup.design_thickness_mm,
        tolerance_mm=setup.tolerance_mm,
        spray_base=setup.spray_base,
        spray_product=setup.spray_product,
        roller_phases=setup.roller_phases,
        max_gap_m=setup.max_gap_m,
        max_gap_s=setup.max_gap_s,
        paver_stop_s=setup.paver_stop_s,
        debounce_s=setup.debounce_s,
        overrides=setup.overrides,
    )


def _configs_for(project_ids: set[int | None]) -> dict[int | None, RuleConfig]:
    clock = time.monotonic()
    stale = {p for p in project_ids if p not in _configs or clock - _configs[p][0] > CONFIG_TTL_S}
    wanted = {p for p in stale if p is not None}
    if wanted:
        setups = {s.project_id: s for s in PavingSetup.objects.filter(project_id__in=wanted)}
        for pid in wanted:
            _configs[pid] = (clock, config_of_setup(setups.get(pid)))
    if None in stale:
        _configs[None] = (clock, config_of_setup(None))
    return {p: _configs[p][1] for p in project_ids}


def _types_for(equipment_ids: set[int]) -> None:
    from zhiyang.fleet.models import Equipment

    missing = equipment_ids - _equipment_types.keys()
    if missing:
        for pk, kind in Equipment.objects.filter(pk__in=missing).values_list(
            "pk", "equipment_type"
        ):
            _equipment_types[pk] = kind


def _when(time_ms: int) -> datetime:
    return datetime.fromtimestamp(time_ms / 1000.0, UTC)


def process_accepted(accepted: list[Accepted]) -> None:
    """Update device states, evaluate the live rules and write alarms for a batch of
    accepted readings (any order, several devices). Safe to call from several processes
    and threads (a lock serialises the calls of one process)."""
    if not accepted:
        return
    with _lock:
        _process(accepted)


def _process(accepted: list[Accepted]) -> None:
    now = timezone.now()
    by_device: dict[int, list[Accepted]] = {}
    for item in accepted:
        by_device.setdefault(item.device_id, []).append(item)
    _types_for({item.equipment_id for item in accepted})
    configs = _configs_for({item.project_id for item in accepted})
    opened = alarms.open_alarms(by_device)
    eng = _engine
    for (device_id, rule), alarm in opened.items():
        if not eng.is_active(device_id, rule):
            eng.set_active(device_id, rule, True, int(alarm.started_at.timestamp() * 1000))
    for (device_id, rule), state in list(eng.states.items()):
        if state.active and device_id in by_device and (device_id, rule) not in opened:
            eng.set_active(device_id, rule, False)  # resolved by a person meanwhile

    events: list[Event] = []
    latest: dict[int, Accepted] = {}
    for device_id, items in by_device.items():
        if len(items) > 1:
            items.sort(key=lambda a: (a.reading.time_ms, a.reading.seq))
        last_t = _last_time.get(device_id, -1)
        for item in items:
            reading = item.reading
            if reading.time_ms < last_t:
                continue  # late (out of order): stored in the lake, not re-evaluated
            last_t = reading.time_ms
            sample = Sample(
                device_id=device_id,
                equipment_id=item.equipment_id,
                machine_type=item.machine_type,
                equipment_type=_equipment_types.get(item.equipment_id, ""),
                project_id=item.project_id,
                time_ms=reading.time_ms,
                lat=reading.lat,
                lon=reading.lon,
                values=reading.values,
            )
            events.extend(eng.evaluate(sample, configs[item.project_id]))
        _last_time[device_id] = last_t
        latest[device_id] = items[-1]

    _write_states(by_device, latest, now)
    if events:
        alarms.apply_events(events, opened=opened)


def _write_states(
    by_device: dict[int, list[Accepted]], latest: dict[int, Accepted], now: datetime
) -> None:
    existing = {
        pk: (readings, measured)
        for pk, readings, measured in DeviceState.objects.filter(
            device_id__in=list(by_device)
        ).values_list("device_id", "readings", "measured_at")
    }
    rows: list[DeviceState] = []
    for device_id, item in latest.items():
        reading = item.reading
        count, measured = existing.get(device_id, (0, None))
        row = DeviceState(
            device_id=device_id,
            project_id=item.project_id,
            seq=reading.seq,
            measured_at=_when(reading.time_ms),
            latitude=reading.lat,
            longitude=reading.lon,
            values=dict(reading.values),
            readings=count + len(by_device[device_id]),
            updated_at=now,
        )
        rows.append(row)
        if measured is not None and measured > row.measured_at:
            # An older batch (another process was faster): count it, keep the newer values.
            rows.pop()
            DeviceState.objects.filter(device_id=device_id).update(
                readings=count + len(by_device[device_id]), updated_at=now
            )
    if rows:
        with transaction.atomic():
            DeviceState.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["device"],
                update_fields=[
                    "project",
                    "seq",
                    "measured_at",
                    "latitude",
                    "longitude",
                    "values",
                    "readings",
                    "updated_at",
                ],
            )


def states_payload(states: Sequence[DeviceState]) -> list[dict[str, Any]]:
    """States as the live page and the stream send them (JSON-safe)."""
    return [state_payload(s) for s in states]


def state_payload(state: DeviceState) -> dict[str, Any]:
    device = state.device
    equipment = device.equipment
    return {
        "device": device.pk,
        "code": device.code,
        "equipment": equipment.pk,
        "equipment_code": equipment.code,
        "equipment_name": str(equipment),
        "equipment_type": equipment.equipment_type,
        "machine_type": device.machine_type,
        "project": state.project_id,
        "seq": state.seq,
        "measured_at": state.measured_at.isoformat(),
        "lat": state.latitude,
        "lon": state.longitude,
        "values": state.values,
        "readings": state.readings,
        "updated_at": state.updated_at.isoformat(),
    }
