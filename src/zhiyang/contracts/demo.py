"""Demo contracts on the demo network: a routine-maintenance contract (G109, G208, S203)
with three months measured and certified, one approved variation and one final owner's
assessment; and the project contract of the works demo project (G109 mill and inlay),
its current month opened with quantities from the approved daily reports.

Both BOQs go through the real importer (an owner-style workbook and a GB18030 CSV built
here). Months are the three before today's. Idempotent: once the routine contract exists
nothing is added. Writes go through the services; small on purpose (loads in well under a
second).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from zhiyang.contracts import services
from zhiyang.contracts.models import Contract, MeasurementPeriod
from zhiyang.core.actors import SYSTEM
from zhiyang.network.models import Route

ROUTINE_CODE = "DT-YH-2026"
PROJECT_CODE = "DT-GC-2026-01"
WORKS_PROJECT = "DEMO-G109-2026"
D = Decimal

ROUTINE_BOQ = (
    ("第100章 总则",),
    ("101-1", "保险费", "总额", None, None, "12,000.00"),
    ("102-1", "安全文明施工措施费", "总额", None, None, "30000"),
    ("第200章 路面日常养护",),
    ("201-1", "路面清扫保洁", "km·月", "1,200", "180.00", "216,000.00"),
    ("202-1", "沥青路面坑槽修补", "m2", "2500", "165.50", "413750"),
    ("202-2", "沥青路面裂缝灌缝（密封胶）", "m", "18000", "9.80", "176400"),
    ("203-1", "标线修复（热熔）", "m2", "1500", "42.00", "63000"),
    ("第300章 附属设施",),
    ("301-1", "波形护栏修复", "m", "800", "156.00", "124800"),
)

PROJECT_BOQ_CSV = (
    "清单编号,项目名称,单位,工程量,综合单价,金额\n"
    "第300章 路面,,,,,\n"
    '302-1,铣刨旧沥青面层（4 cm）,m2,"21,000",6.80,"142,800.00"\n'
    '308-1,AC-13C SBS改性沥青混凝土上面层（4 cm）,m2,"21,000",58.00,"1,218,000.00"\n'
    '310-1,粘层（乳化沥青）,m2,"21,000",2.60,"54,600.00"\n'
    "第600章 交通安全设施,,,,,\n"
    "604-1,热熔标线,m2,1800,42.00,75600\n"
)


def _workbook(rows: tuple[tuple[Any, ...], ...]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "工程量清单"
    ws.append(["大同公路养护分部 2026 年度日常养护工程 工程量清单"])
    ws.merge_cells("A1:F1")
    ws.append(["子目号", "子目名称", "单位", "数量", "单价（元）", "合价（元）"])
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _months(today: dt.date) -> list[dt.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(3):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    return sorted(months)


def _measure(
    contract: Contract,
    month: dt.date,
    quantities: dict[str, str],
    users: Any,
    adjust: dict[str, tuple[str, str]] | None = None,
) -> MeasurementPeriod:
    engineer = users.get("engineer", SYSTEM)
    supervisor = users.get("supervisor", SYSTEM)
    owner = users.get("owner", SYSTEM)
    period = services.open_period(actor=engineer, contract=contract, month=month)
    lines = {line.item.code: line for line in period.lines.select_related("item")}
    for code, value in quantities.items():
        services.set_line(actor=engineer, line=lines[code], quantity=value)
    services.propose(actor=engineer, period=period)
    for code, (value, reason) in (adjust or {}).items():
        services.set_line(actor=supervisor, line=lines[code], quantity=value, reason=reason)
    services.supervisor_approve(actor=supervisor, period=period)
    services.certify(actor=owner, period=period)
    return period


def _routine(context: Any, today: dt.date) -> Contract:
    users = context.users
    start = today.replace(month=1, day=1) if today.month > 3 else dt.date(today.year - 1, 1, 1)
    contract = services.create_contract(
        actor=SYSTEM,
        data={
            "organisation": context.branch,
            "code": ROUTINE_CODE,
            "name": "国省道日常养护（G109/G208/S203）",
            "kind": "routine",
            "owner_name": "大同市公路事业发展中心",
            "contractor_name": context.branch.name,
            "supervisor_name": "山西交通建设监理有限公司",
            "start_date": start,
            "end_date": start.replace(year=start.year + 1) - dt.timedelta(days=1),
            "value_yuan": D("1035950.00"),
            "retention_pct": D("3"),
            "retention_cap_pct": D("3"),
            "advance_yuan": D("100000.00"),
            "advance_recovery_pct": D("25"),
        },
    )
    contract.routes.set(Route.objects.filter(code__in=("G109", "G208", "S203")))
    services.import_boq(
        actor=SYSTEM, contract=contract, data=_workbook(ROUTINE_BOQ), filename="日常养护清单.xlsx"
    )
    m1, m2, m3 = _months(today)
    _measure(
        contract,
        m1,
        {"101-1": "1", "201-1": "100", "202-1": "210.5", "202-2": "1500"},
        users,
        adjust={"202-1": ("198.0", "现场复核面积，扣除重复计量")},
    )
    _measure(
        contract,
        m2,
        {"102-1": "1", "201-1": "100", "202-1": "320", "202-2": "2200", "203-1": "180"},
        users,
    )
    variation = services.create_variation(
        actor=users.get("engineer", SYSTEM),
        contract=contract,
        code="BG-2026-001",
        title="增加桥头跳车处治，坑槽修补数量调整",
        reason="雨季坑槽集中出现，原清单数量不足；新增桥头跳车处治子目。",
        lines=[
            {"item": "202-1", "new_quantity": "3200"},
            {
                "code": "204-1",
                "name": "桥头跳车处治",
                "unit": "m2",
                "chapter_number": 200,
                "new_quantity": "300",
                "new_unit_price_yuan": "220.00",
            },
        ],
    )
    services.submit_variation(actor=users.get("engineer", SYSTEM), variation=variation)
    services.supervisor_approve_variation(
        actor=users.get("supervisor", SYSTEM), variation=variation
    )
    services.approve_variation(actor=users.get("owner", SYSTEM), variation=variation)
    template = services.create_template(
        actor=SYSTEM,
        name="国省道日常养护月度考核表",
        max_score=100,
        yuan_per_point=200,
        items=[
            {
                "code": "A1",
                "name": "路面坑槽未及时修补",
                "rule": "per_count",
                "max_points": D("20"),
                "points_per_unit": D("2"),
                "yuan_per_unit": D("100"),
            },
            {
                "code": "A2",
                "name": "路面清扫保洁不到位",
                "rule": "per_metre",
                "max_points": D("10"),
                "points_per_unit": D("0.01"),
                "yuan_per_unit": D("0"),
            },
            {
                "code": "B1",
                "name": "整改逾期",
                "rule": "per_day_late",
                "max_points": D("15"),
                "points_per_unit": D("1"),
                "yuan_per_unit": D("200"),
            },
            {
                "code": "C1",
                "name": "作业区安全设施缺失",
                "rule": "once",
                "max_points": D("10"),
                "points_per_unit": D("5"),
                "yuan_per_unit": D("1000"),
            },
        ],
    )
    services.record_assessment(
        actor=users.get("owner", SYSTEM),
        contract=contract,
        template=template,
        month=m3,
        route=Route.objects.filter(code="G109").first(),
        entries={
            "A1": {"count": 3, "note": "K326+450 等处"},
            "A2": {"count": 200},
            "B1": {"count": 2},
            "C1": {"count": 0},
        },
        final=True,
        note="月度例行考核",
    )
    _measure(
        contract,
        m3,
        {"201-1": "100", "202-1": "2500", "202-2": "1800", "203-1": "250", "204-1": "120"},
        users,
    )
    return contract


def _project(context: Any, today: dt.date) -> Contract | None:
    from zhiyang.works.models import Project

    project = Project.objects.filter(code=WORKS_PROJECT).first()
    if project is None:
        return None
    contract = services.create_contract(
        actor=SYSTEM,
        data={
            "organisation": context.branch,
            "code": PROJECT_CODE,
            "name": project.name,
            "kind": "project",
            "owner_name": "大同市公路事业发展中心",
            "contractor_name": context.branch.name,
            "supervisor_name": "山西交通建设监理有限公司",
            "start_date": project.planned_start,
            "end_date": project.planned_end + dt.timedelta(days=60),
            "value_yuan": D("1491000.00"),
            "retention_pct": D("5"),
            "advance_yuan": D("0"),
            "advance_recovery_pct": D("0"),
        },
    )
    contract.projects.set([project])
    contract.routes.set([project.route])
    services.import_boq(
        actor=SYSTEM, contract=contract, data=PROJECT_BOQ_CSV.encode("gb18030"), filename="清单.csv"
    )
    items = {i.code: i for i in contract.items.all()}
    for code, process in (
        ("302-1", "milling"),
        ("308-1", "paving"),
        ("310-1", "tack_coat"),
        ("604-1", "road_marking"),
    ):
        services.map_quantity(
            actor=SYSTEM, data={"contract": contract, "item": items[code], "activity": process}
        )
    services.map_quantity(
        actor=SYSTEM,
        data={
            "contract": contract,
            "item": items["308-1"],
            "source": "machine",
            "activity": "paver_area_m2",
        },
    )
    services.open_period(
        actor=context.users.get("engineer", SYSTEM), contract=contract, month=today.replace(day=1)
    )
    return contract


def load_demo_data(*, context: Any) -> str:
    if Contract.objects.filter(code=ROUTINE_CODE).exists():
        return "contracts: already loaded"
    today = timezone.localdate()
    routine = _routine(context, today)
    project = _project(context, today)
    periods = MeasurementPeriod.objects.filter(contract__in=[routine, project]).count()
    return (
        f"contracts: {1 + (project is not None)} contracts, {periods} measurement periods, "
        f"1 variation, 1 assessment"
    )
