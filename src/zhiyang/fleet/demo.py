"""Demo fleet: ~15 machines of the branch and 3 of 阳高天镇工区 with 30 days of telematics.

Deterministic: a machine's cumulative hours on a date depend only on its fleet number and the
date (counted from a fixed epoch), so loading again on another day extends the history
consistently. Idempotent: machines, intervals and assignments are looked up by their natural
keys, and snapshots already present are skipped (no import row is written when nothing is new).
Fast: positions come from one vectorised linear-referencing call per machine, the ~1 100
snapshots from one ``write_readings`` call (bulk insert, one audit row).
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM
from zhiyang.core.services import create_object
from zhiyang.fleet import services
from zhiyang.fleet.choices import EquipmentType as T
from zhiyang.fleet.choices import ImportOrigin, Ownership
from zhiyang.fleet.models import (
    Equipment,
    EquipmentAssignment,
    ServiceInterval,
    TelematicsSnapshot,
)
from zhiyang.fleet.telematics.parsers import FaultReading, MachineReading
from zhiyang.network import linref
from zhiyang.network.models import Route

HISTORY_DAYS = 30
EPOCH = date(2026, 1, 1)
# Snapshot times (UTC): 08:00 and 18:00 China Standard Time.
REPORT_TIMES = (time(0, 0, tzinfo=UTC), time(10, 0, tzinfo=UTC))

# code, type, make, model, width m, year, owned?, lessor, plate, route, chainage m, base hours,
# fuel L/h, working hours per day
BRANCH = [
    (
        "PV-01",
        T.PAVER,
        "Vögele",
        "SUPER 1800-3i",
        9.0,
        2019,
        True,
        "",
        "",
        "G109",
        326_000,
        5200,
        18,
        7.0,
    ),
    ("PV-02", T.PAVER, "徐工", "RP953", 9.5, 2021, True, "", "", "G208", 61_500, 3100, 17, 6.5),
    (
        "SR-01",
        T.STEEL_DRUM_ROLLER,
        "HAMM",
        "HD 128",
        2.14,
        2018,
        True,
        "",
        "",
        "G109",
        326_300,
        6100,
        9,
        7.0,
    ),
    (
        "SR-02",
        T.STEEL_DRUM_ROLLER,
        "徐工",
        "XD133",
        2.13,
        2020,
        True,
        "",
        "",
        "G208",
        61_700,
        4200,
        9,
        6.5,
    ),
    (
        "PR-01",
        T.PNEUMATIC_ROLLER,
        "徐工",
        "XP303",
        2.75,
        2019,
        True,
        "",
        "",
        "G109",
        326_500,
        5600,
        8,
        6.0,
    ),
    (
        "VR-01",
        T.VIBRATORY_ROLLER,
        "柳工",
        "CLG6626E",
        2.17,
        2020,
        False,
        "大同路达机械租赁有限公司",
        "",
        "S203",
        28_000,
        3900,
        10,
        5.5,
    ),
    (
        "VR-02",
        T.VIBRATORY_ROLLER,
        "三一",
        "SSR220C-8",
        2.17,
        2022,
        True,
        "",
        "",
        "S301",
        6_000,
        1800,
        10,
        5.0,
    ),
    (
        "ML-01",
        T.MILLING_MACHINE,
        "Wirtgen",
        "W 200 Fi",
        2.0,
        2019,
        True,
        "",
        "",
        "G109",
        330_000,
        4400,
        35,
        6.0,
    ),
    (
        "AD-01",
        T.ASPHALT_DISTRIBUTOR,
        "达刚",
        "DGL5160GLQ",
        4.5,
        2020,
        True,
        "",
        "晋B·D3271",
        "G208",
        63_000,
        2500,
        6,
        4.0,
    ),
    (
        "CS-01",
        T.CHIP_SPREADER,
        "达刚",
        "DGL5250TFC",
        3.5,
        2020,
        False,
        "山西晋通工程机械租赁",
        "晋B·D5582",
        "S342",
        4_000,
        1500,
        6,
        3.5,
    ),
    (
        "SW-01",
        T.SWEEPER,
        "宇通",
        "YTZ5180TXS",
        3.2,
        2021,
        True,
        "",
        "晋B·D6613",
        "S301",
        9_000,
        3300,
        7,
        5.0,
    ),
    (
        "MK-01",
        T.MARKING_MACHINE,
        "Graco",
        "LineLazer 250SPS",
        0.15,
        2022,
        True,
        "",
        "",
        "S342",
        8_000,
        900,
        3,
        4.0,
    ),
    (
        "TR-01",
        T.TRUCK,
        "陕汽",
        "德龙 X3000",
        None,
        2020,
        True,
        "",
        "晋B·D1126",
        "G109",
        327_000,
        7200,
        12,
        6.0,
    ),
    (
        "TR-02",
        T.TRUCK,
        "东风",
        "天龙 KL",
        None,
        2019,
        False,
        "大同路达机械租赁有限公司",
        "晋B·D1189",
        "G208",
        62_000,
        8100,
        12,
        6.0,
    ),
    (
        "TR-03",
        T.TRUCK,
        "重汽",
        "豪沃 TX",
        None,
        2021,
        True,
        "",
        "晋B·D2203",
        "S203",
        30_000,
        5100,
        12,
        5.5,
    ),
]
WORKS_AREA = [
    (
        "YT-SR-01",
        T.STEEL_DRUM_ROLLER,
        "徐工",
        "XD123",
        1.7,
        2018,
        True,
        "",
        "",
        "G110",
        272_000,
        6600,
        8,
        5.0,
    ),
    (
        "YT-TR-01",
        T.TRUCK,
        "陕汽",
        "德龙 F3000",
        None,
        2018,
        True,
        "",
        "晋B·Y0611",
        "G110",
        279_000,
        9300,
        12,
        5.0,
    ),
    (
        "YT-WT-01",
        T.WATER_TRUCK,
        "东风",
        "DFH5180GSS",
        None,
        2017,
        True,
        "",
        "晋B·Y0732",
        "G110",
        285_000,
        7700,
        8,
        4.0,
    ),
]
OEM_PREFIX = {"Vögele": "VOG", "HAMM": "HAM", "Wirtgen": "WIR", "Graco": "GRA"}


def _rng(*parts: Any) -> random.Random:
    seed = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:16]
    return random.Random(int(seed, 16))  # noqa: S311 - demo data, not security


def _day_hours(code: str, day: date, per_day: float) -> tuple[float, float]:
    """(operating, idle) hours of a machine on a day: idle on Sundays, jittered otherwise."""
    if day.weekday() == 6:
        return 0.0, 0.0
    rng = _rng(code, day.isoformat())
    operating = max(0.0, per_day * rng.uniform(0.55, 1.3))
    return round(operating, 2), round(operating * rng.uniform(0.12, 0.32), 2)


def _serial(code: str, make: str) -> tuple[str, str]:
    digits = int(hashlib.sha256(code.encode()).hexdigest()[:8], 16) % 10_000_000
    prefix = OEM_PREFIX.get(make, "ZY")
    serial = f"{prefix}{digits:07d}"
    return serial, f"{prefix}0{code.replace('-', '')}{digits:07d}"[:17]


def _ensure_machines(organisation: Any, rows: list[tuple[Any, ...]]) -> dict[str, Equipment]:
    existing = {m.code: m for m in Equipment.objects.filter(organisation=organisation)}
    out: dict[str, Equipment] = {}
    for code, kind, make, model, width, year, owned, lessor, plate, *_rest in rows:
        machine = existing.get(code)
        if machine is None:
            serial, pin = _serial(code, make)
            machine = services.create_equipment(
                actor=SYSTEM,
                data={
                    "organisation": organisation,
                    "code": code,
                    "equipment_type": kind,
                    "make": make,
                    "model": model,
                    "serial_number": serial,
                    "pin": pin,
                    "telematics_id": f"AEMP-{code}",
                    "plate": plate,
                    "ownership": Ownership.OWNED if owned else Ownership.LEASED,
                    "owner_name": lessor,
                    "working_width_m": width,
                    "year": year,
                },
            )
        out[code] = machine
    return out


def _readings(
    machine: Equipment, row: tuple[Any, ...], route: Route, today: date
) -> list[MachineReading]:
    code = row[0]
    chainage, base_hours, fuel_rate, per_day = row[10], row[11], row[12], row[13]
    first = today - timedelta(days=HISTORY_DAYS - 1)
    operating, idle = float(base_hours), float(base_hours) * 0.22
    day = EPOCH
    while day < first:  # the counters up to the first day of the history
        op, idl = _day_hours(code, day, per_day)
        operating, idle = operating + op, idle + idl
        day += timedelta(days=1)
    days = [first + timedelta(days=i) for i in range(HISTORY_DAYS)]
    drift = [chainage + _rng(code, "km", d.isoformat()).uniform(-1500, 1500) for d in days]
    drift = [min(max(c, route.start_m), route.end_m) for c in drift]
    lons, lats = linref.points_at_coords(
        linref.route_coords(route), route.start_m, route.end_m, drift
    )
    out: list[MachineReading] = []
    for i, d in enumerate(days):
        op, idl = _day_hours(code, d, per_day)
        for j, at in enumerate(REPORT_TIMES):
            if j == 1:
                operating, idle = operating + op, idle + idl
            when = datetime.combine(d, at)
            fuel_used = operating * fuel_rate
            reading = MachineReading(
                path=f"demo/{code}",
                pin=machine.pin,
                serial_number=machine.serial_number,
                oem=machine.make,
                equipment_id=machine.telematics_id,
                snapshot_at=when,
                latitude=round(float(lats[i]), 6),
                longitude=round(float(lons[i]), 6),
                location_at=when,
                operating_hours=round(operating, 2),
                idle_hours=round(idle, 2),
                fuel_used_l=round(fuel_used, 1),
                fuel_used_24h_l=round(op * fuel_rate, 1) if j == 1 else None,
                fuel_remaining_pct=round(_rng(code, "fuel", when).uniform(25, 95), 0),
                engine_running=j == 0 and op > 0,
                fuel_unit="litre",
            )
            if code == "ML-01" and i == HISTORY_DAYS - 3 and j == 1:
                reading.faults.append(
                    FaultReading(
                        identifier="SPN 110 FMI 0",
                        description="发动机冷却液温度过高",
                        severity="High",
                        source="Engine ECU",
                        occurred_at=when - timedelta(hours=2),
                        path="demo",
                    )
                )
            out.append(reading)
    return out


def load_demo_data(*, context: Any) -> str:
    from django.utils import timezone

    today = timezone.localdate()
    routes = {r.code: r for r in Route.objects.filter(geometry__isnull=False)}
    plan = [(context.branch, BRANCH), (context.works_area, WORKS_AREA)]
    machines: dict[str, Equipment] = {}
    for organisation, rows in plan:
        machines.update(_ensure_machines(organisation, rows))
    rows_by_code = {row[0]: row for _org, rows in plan for row in rows}

    readings: list[MachineReading] = []
    for code, row in rows_by_code.items():
        route = routes.get(row[9])
        if route is not None:
            readings.extend(_readings(machines[code], row, route, today))
    existing = set(
        TelematicsSnapshot.objects.filter(
            equipment__in=machines.values(), source_key=ImportOrigin.DEMO
        ).values_list("equipment__code", "snapshot_at")
    )
    by_pin = {m.pin: m for m in machines.values()}
    fresh = [r for r in readings if (by_pin[r.pin].code, r.snapshot_at) not in existing]
    created = 0
    for organisation, _rows in plan:
        mine = [r for r in fresh if by_pin[r.pin].organisation_id == organisation.pk]
        if mine:
            result = services.write_readings(
                mine,
                actor=SYSTEM,
                organisation=organisation,
                origin=ImportOrigin.DEMO,
                filename="demo",
                equipment=Equipment.objects.filter(organisation=organisation),
            )
            created += result.snapshots_created

    _ensure_assignments(machines, rows_by_code, routes, today)
    _ensure_intervals(machines, today)
    return _("Equipment: %(machines)d machines, %(snapshots)d new telematics snapshots.") % {
        "machines": len(machines),
        "snapshots": created,
    }


def _ensure_assignments(
    machines: dict[str, Equipment],
    rows: dict[str, tuple[Any, ...]],
    routes: dict[str, Route],
    today: date,
) -> None:
    have = set(
        EquipmentAssignment.objects.filter(equipment__in=machines.values()).values_list(
            "equipment__code", flat=True
        )
    )
    for code, machine in machines.items():
        if code in have:
            continue
        row = rows[code]
        route = routes.get(row[9])
        chainage = row[10]
        create_object(
            actor=SYSTEM,
            model=EquipmentAssignment,
            data={
                "equipment": machine,
                "start_date": today - timedelta(days=HISTORY_DAYS + 5),
                "end_date": today + timedelta(days=20),
                "site": f"{row[9]} 预防性养护"
                if code not in ("TR-03", "SW-01")
                else f"{row[9]} 日常养护",
                "route": route,
                "start_m": max(chainage - 2000, route.start_m) if route else None,
                "end_m": min(chainage + 2000, route.end_m) if route else None,
            },
        )


def _ensure_intervals(machines: dict[str, Equipment], today: date) -> None:
    have = set(
        ServiceInterval.objects.filter(equipment__in=machines.values()).values_list(
            "equipment__code", "name"
        )
    )
    for code, machine in machines.items():
        machine.refresh_from_db(fields=["last_operating_hours"])
        hours = machine.last_operating_hours or 0.0
        # One overdue (PV-01), one due soon (SR-01), the rest comfortably ahead.
        since = {"PV-01": 262.0, "SR-01": 236.0}.get(code, 60.0 + (sum(map(ord, code)) % 120))
        if (code, "发动机机油及滤芯") not in have:
            services.save_interval(
                actor=SYSTEM,
                data={
                    "equipment": machine,
                    "name": "发动机机油及滤芯",
                    "every_hours": 250.0,
                    "last_service_hours": round(hours - since, 1),
                    "last_service_date": today - timedelta(days=int(since / 6)),
                },
            )
        if machine.plate and (code, "年度安全检验") not in have:
            days_ago = 360 if code == "TR-02" else 120 + (sum(map(ord, code)) % 150)
            services.save_interval(
                actor=SYSTEM,
                data={
                    "equipment": machine,
                    "name": "年度安全检验",
                    "every_days": 365,
                    "last_service_date": today - timedelta(days=days_ago),
                },
            )
