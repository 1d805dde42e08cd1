"""Demo data: a mill-and-inlay project on G109 (K326+000–K329+000, 大同公路养护分部) with
six work orders in every state — milling closed, base cleaning completed, tack coat, paving
and rolling in progress, road marking planned — the crew 路面养护一班 and the G109 machines of
the fleet demo, and two weeks of daily reports ending today (approved, two waiting for
approval, one rejected). A small crack-sealing project on G110 belongs to 阳高天镇工区.

Idempotent (projects by code, daily reports by a client id derived from the project and the
day's offset), deterministic (quantities from a hash, no random state), written through the
services. Dates are relative to the day it is loaded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM
from zhiyang.fleet.models import Equipment
from zhiyang.network.models import Route
from zhiyang.people.models import Crew
from zhiyang.works import services
from zhiyang.works.choices import (
    DailyReportStatus,
    Process,
    ProjectStatus,
    Treatment,
    Unit,
    Weather,
    WorkOrderStatus,
)
from zhiyang.works.models import DailyReport, Project, WorkOrder

UUID_NAMESPACE = uuid.UUID("0b7f7d7e-6c1e-4c55-9a0e-6a1f2d4c9e31")
DAYS = 14  # daily reports from 13 days ago to today

MAIN_CODE = "DEMO-G109-2026"
AREA_CODE = "DEMO-G110-2026"

# process, title, unit, planned quantity, unit cost (yuan), planned (start, end) offsets from
# today, worked days (offsets), final state, machine codes. Quantities are spread over the
# worked days; the last worked day of a completed order finishes it.
MAIN_ORDERS: tuple[tuple[Any, ...], ...] = (
    (
        Process.MILLING,
        "K326+000–K329+000 旧面层铣刨 4 cm",
        Unit.M2,
        Decimal("22500"),
        Decimal("12.50"),
        (-13, -8),
        range(-13, -7),
        WorkOrderStatus.CLOSED,
        ("ML-01", "TR-01", "TR-02"),
    ),
    (
        Process.BASE_CLEANING,
        "铣刨面清扫与吹净",
        Unit.M2,
        Decimal("22500"),
        Decimal("1.20"),
        (-11, -6),
        range(-11, -5),
        WorkOrderStatus.COMPLETED,
        ("SW-01",),
    ),
    (
        Process.TACK_COAT,
        "PC-3 乳化沥青粘层 0.4 L/m²",
        Unit.M2,
        Decimal("22500"),
        Decimal("3.10"),
        (-7, 1),
        range(-7, 1),
        WorkOrderStatus.IN_PROGRESS,
        ("AD-01",),
    ),
    (
        Process.PAVING,
        "AC-13C 改性沥青混合料摊铺 4 cm",
        Unit.T,
        Decimal("2160"),
        Decimal("535.00"),
        (-6, 2),
        range(-6, 1),
        WorkOrderStatus.IN_PROGRESS,
        ("PV-01", "TR-01", "TR-02", "TR-03"),
    ),
    (
        Process.ROLLING,
        "初压、复压、终压",
        Unit.M2,
        Decimal("22500"),
        Decimal("2.40"),
        (-6, 2),
        range(-6, 1),
        WorkOrderStatus.IN_PROGRESS,
        ("SR-01", "PR-01"),
    ),
    (
        Process.ROAD_MARKING,
        "热熔标线恢复",
        Unit.M,
        Decimal("9000"),
        Decimal("24.00"),
        (3, 5),
        range(0),
        WorkOrderStatus.PLANNED,
        ("MK-01",),
    ),
)
# Share of the planned quantity done by today for the orders still in progress.
IN_PROGRESS_SHARE: dict[str, Decimal] = {
    Process.TACK_COAT: Decimal("0.86"),
    Process.PAVING: Decimal("0.72"),
    Process.ROLLING: Decimal("0.70"),
}
WEATHER = (
    (Weather.SUNNY, 8, 22),
    (Weather.SUNNY, 9, 23),
    (Weather.CLOUDY, 7, 20),
    (Weather.SUNNY, 10, 24),
    (Weather.OVERCAST, 6, 17),
    (Weather.SUNNY, 9, 22),
    (Weather.WINDY, 5, 16),
    (Weather.LIGHT_RAIN, 6, 13),
    (Weather.CLOUDY, 7, 18),
    (Weather.SUNNY, 8, 21),
    (Weather.SUNNY, 9, 23),
    (Weather.CLOUDY, 8, 20),
    (Weather.SUNNY, 10, 24),
    (Weather.SUNNY, 9, 22),
)
PROBLEMS = {
    -12: "铣刨机 ML-01 刀头磨损，更换 40 把刀头，停机 1 小时。",
    -6: "下午 16:00 后风力 5 级，粘层油撒布暂停，洒布车覆盖保温。",
    -5: "K327+450 处铣刨面有局部松散，人工清除后补洒粘层油。",
    -4: "小雨，摊铺暂停 2 小时；已摊铺段覆盖保温，雨停后检测表面温度再碾压。",
    -1: "到场混合料温度 148 °C 偏低一车（K328+120），已退场处理。",
}
MATERIALS: dict[str, str] = {
    Process.MILLING: "铣刨料外运 {q:.0f} m² × 4 cm",
    Process.TACK_COAT: "PC-3 乳化沥青 {l:.0f} L",
    Process.PAVING: "AC-13C SBS 改性沥青混合料 {q:.0f} t（拌和站：大同东拌和站）",
}


def _factor(*parts: Any) -> Decimal:
    """A deterministic factor between 0.85 and 1.15 from ``parts``."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    return Decimal(850 + int(digest[:6], 16) % 301) / Decimal(1000)


def _split(total: Decimal, days: list[int], key: str) -> dict[int, Decimal]:
    """``total`` over ``days`` in uneven, deterministic shares (summing to ``total``)."""
    weights = [_factor(key, d) for d in days]
    scale = total / sum(weights)
    shares = [(w * scale).quantize(Decimal("1")) for w in weights]
    if shares:
        shares[-1] += total - sum(shares)
    return dict(zip(days, shares, strict=True))


def _machines(codes: tuple[str, ...]) -> list[Equipment]:
    return list(Equipment.objects.filter(code__in=codes).order_by("code"))


def _main_project(context: Any, today: dt.date) -> tuple[Project, int]:
    project = Project.objects.filter(code=MAIN_CODE).first()
    if project is not None:
        return project, 0
    g109 = Route.objects.get(code="G109")
    crew = Crew.objects.filter(organisation=context.branch, name="路面养护一班").first()
    engineer = context.users.get("engineer")
    manager = context.users.get("manager")
    project = services.create_project(
        actor=SYSTEM,
        organisation=context.branch,
        code=MAIN_CODE,
        name="G109 京拉线 K326+000–K329+000 路面铣刨重铺工程",
        route=g109,
        start_m=326_000.0,
        end_m=329_000.0,
        treatment=Treatment.MILL_AND_INLAY,
        contract_value_yuan=Decimal("1580000.00"),
        planned_start=today + dt.timedelta(days=-13),
        planned_end=today + dt.timedelta(days=5),
        contractor="大同公路养护分部 路面养护一班",
        description="上面层 4 cm 铣刨后加铺 4 cm AC-13C SBS 改性沥青混凝土，恢复标线。"
        "半幅封闭施工，作业区按 JTG H30-2015 布设。",
        created_by=engineer,
    )
    project = services.set_project_status(
        actor=manager, project=project, status=ProjectStatus.APPROVED
    )
    plan = []
    for seq, row in enumerate(MAIN_ORDERS, start=1):
        process, title, unit, qty, cost, (p0, p1), worked, final, codes = row
        order = services.create_work_order(
            actor=SYSTEM,
            project=project,
            process=process,
            title=title,
            sequence=seq,
            planned_quantity=qty,
            unit=unit,
            unit_cost_yuan=cost,
            planned_start=today + dt.timedelta(days=p0),
            planned_end=today + dt.timedelta(days=p1),
            start_m=326_000.0,
            end_m=329_000.0,
        )
        # Machines always; the crew only where every member is qualified on the start day
        # (road marking waits for its crew).
        use_crew = crew if crew is not None and final != WorkOrderStatus.PLANNED else None
        services.assign_work_order(
            actor=SYSTEM, work_order=order, crew=use_crew, equipment=_machines(codes)
        )
        done = qty * IN_PROGRESS_SHARE.get(process, Decimal("1"))
        plan.append((order, list(worked), done, final))
    reports = _main_reports(context, project, crew, plan, today)
    for order, worked, _done, final in plan:
        if final in (WorkOrderStatus.COMPLETED, WorkOrderStatus.CLOSED):
            services.complete_work_order(
                actor=SYSTEM, work_order=order, day=today + dt.timedelta(days=worked[-1])
            )
        if final == WorkOrderStatus.CLOSED:
            services.close_work_order(actor=SYSTEM, work_order=order)
    return project, reports


def _main_reports(
    context: Any,
    project: Project,
    crew: Crew | None,
    plan: list[tuple[WorkOrder, list[int], Decimal, str]],
    today: dt.date,
) -> int:
    worker = context.users.get("worker")
    manager = context.users.get("manager")
    splits = {o.pk: _split(done, worked, o.process) for o, worked, done, _f in plan if worked}
    created = 0
    for index, offset in enumerate(range(-(DAYS - 1), 1)):
        weather, low, high = WEATHER[index % len(WEATHER)]
        rows = []
        materials = []
        machines: list[Equipment] = []
        for order, _worked, _done, _final in plan:
            quantity = splits.get(order.pk, {}).get(offset)
            if not quantity:
                continue
            cost = (
                quantity * order.unit_cost_yuan * _factor("cost", order.process, offset)
            ).quantize(Decimal("0.01"))
            rows.append({"work_order": order, "quantity": quantity, "cost_yuan": cost})
            machines.extend(order.equipment.all())
            template = MATERIALS.get(order.process)
            if template:
                materials.append(template.format(q=quantity, l=quantity * Decimal("0.4")))
        if not rows:
            continue
        titles = "；".join(
            f"{r['work_order'].title} {r['quantity']} {r['work_order'].get_unit_display()}"
            for r in rows
        )
        report, new = services.submit_daily_report(
            actor=worker,
            data={
                "project": project,
                "client_uuid": uuid.uuid5(UUID_NAMESPACE, f"{project.code}:{offset}"),
                "date": today + dt.timedelta(days=offset),
                "weather": weather,
                "temp_min_c": low,
                "temp_max_c": high,
                "crew": crew,
                "workers_count": 7 + int(_factor("workers", offset) * 3),
                "machines": sorted(set(machines), key=lambda m: m.code),
                "work_done": titles,
                "materials": "\n".join(materials),
                "problems": PROBLEMS.get(offset, ""),
            },
            quantities=rows,
        )
        created += int(new)
        if new and offset <= -2:
            services.approve_daily_report(actor=manager, report=report)
    # One report sent twice by mistake for day -4 and rejected by the supervisor.
    day = today + dt.timedelta(days=-4)
    report, new = services.submit_daily_report(
        actor=worker,
        data={
            "project": project,
            "client_uuid": uuid.uuid5(UUID_NAMESPACE, f"{project.code}:duplicate"),
            "date": day,
            "weather": Weather.LIGHT_RAIN,
            "crew": crew,
            "workers_count": 8,
            "work_done": "摊铺（重复填报）",
        },
        quantities=[],
    )
    if new:
        services.reject_daily_report(
            actor=manager, report=report, reason="与当日已报日志重复，且未填数量，作废。"
        )
        created += 1
    return created


def _area_project(context: Any, today: dt.date) -> tuple[Project, int]:
    project = Project.objects.filter(code=AREA_CODE).first()
    if project is not None:
        return project, 0
    g110 = Route.objects.get(code="G110")
    crew = Crew.objects.filter(organisation=context.works_area, name="阳高养护班").first()
    project = services.create_project(
        actor=SYSTEM,
        organisation=context.works_area,
        code=AREA_CODE,
        name="G110 京青线 阳高段 K270+000–K275+000 灌缝及坑槽修补",
        route=g110,
        start_m=270_000.0,
        end_m=275_000.0,
        treatment=Treatment.CRACK_SEALING,
        contract_value_yuan=Decimal("186000.00"),
        planned_start=today + dt.timedelta(days=-3),
        planned_end=today + dt.timedelta(days=7),
        status=ProjectStatus.APPROVED,
    )
    orders = []
    for seq, (process, title, unit, qty, cost, codes) in enumerate(
        (
            (
                Process.CRACK_SEALING,
                "纵横向裂缝开槽灌缝",
                Unit.M,
                Decimal("4800"),
                Decimal("18"),
                (),
            ),
            (
                Process.POTHOLE_REPAIR,
                "坑槽冷补",
                Unit.M2,
                Decimal("120"),
                Decimal("260"),
                ("YT-TR-01",),
            ),
        ),
        start=1,
    ):
        order = services.create_work_order(
            actor=SYSTEM,
            project=project,
            process=process,
            title=title,
            sequence=seq,
            planned_quantity=qty,
            unit=unit,
            unit_cost_yuan=cost,
            planned_start=today + dt.timedelta(days=-3),
            planned_end=today + dt.timedelta(days=7),
        )
        services.assign_work_order(
            actor=SYSTEM, work_order=order, crew=crew, equipment=_machines(codes)
        )
        orders.append(order)
    created = 0
    for offset, (sealed, patched) in zip(
        (-2, -1, 0), ((620, 14), (710, 18), (540, 9)), strict=True
    ):
        _report, new = services.submit_daily_report(
            actor=context.users.get("worker"),
            data={
                "project": project,
                "client_uuid": uuid.uuid5(UUID_NAMESPACE, f"{project.code}:{offset}"),
                "date": today + dt.timedelta(days=offset),
                "weather": Weather.SUNNY,
                "crew": crew,
                "workers_count": 5,
                "machines": _machines(("YT-TR-01",)),
                "materials": f"灌缝胶 {sealed * 0.35:.0f} kg；冷补料 {patched * 0.1:.1f} t",
            },
            quantities=[
                {
                    "work_order": orders[0],
                    "quantity": Decimal(sealed),
                    "cost_yuan": Decimal(sealed * 18),
                },
                {
                    "work_order": orders[1],
                    "quantity": Decimal(patched),
                    "cost_yuan": Decimal(patched * 255),
                },
            ],
        )
        created += int(new)
    return project, created


def load_demo_data(*, context: Any) -> str:
    today = timezone.localdate()
    with transaction.atomic():
        main, main_reports = _main_project(context, today)
        area, area_reports = _area_project(context, today)
    orders = WorkOrder.objects.filter(project__in=[main, area]).count()
    reports = DailyReport.objects.filter(project__in=[main, area]).count()
    pending = DailyReport.objects.filter(
        project__in=[main, area], status=DailyReportStatus.SUBMITTED
    ).count()
    return _(
        "Works: 2 projects, %(orders)d work orders, %(reports)d daily reports "
        "(%(new)d new, %(pending)d waiting for approval)."
    ) % {
        "orders": orders,
        "reports": reports,
        "new": main_reports + area_reports,
        "pending": pending,
    }
