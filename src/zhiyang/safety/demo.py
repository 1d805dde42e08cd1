"""Demo safety data on the demo network (G208 in 云州区/新荣区 ... of Datong).

An active work zone on G208 K56+000–K56+400 (outer lane closed, 80 → 60 km/h; G208 starts
at K52+600 in the demo network, so the issue's "K30" example is moved onto the route), a
planned one on G109, the daily work-zone checklist (10 items), three inspections (two done,
one planned), hazards in every state of the loop (one overdue and escalated) and one
incident with its cause analysis.

Dates are relative to today so the dashboard always has something current. Idempotent: once
the active demo work zone exists nothing is added again. Writes go through the services.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM
from zhiyang.network.models import Route
from zhiyang.safety import services
from zhiyang.safety.choices import (
    CauseCategory,
    ClosedLane,
    HazardLevel,
    IncidentSeverity,
    IncidentStatus,
    IncidentType,
    ItemResult,
    WorkZoneDirection,
    WorkZoneStatus,
)
from zhiyang.safety.models import InspectionTemplate, WorkZone

ACTIVE_ZONE_NAME = "G208 K56 路面修补 (demo)"
PLANNED_ZONE_NAME = "G109 标线重划 (demo)"
TEMPLATE_NAME = "作业区每日安全检查"
UUID_NAMESPACE = uuid.UUID("0b7e1d2a-43c1-4b35-9f0e-5a1f3c7d9e21")

CHECKLIST = (
    "警告区施工标志、限速标志设置齐全、位置正确",
    "上游过渡区锥形交通路标间距符合要求、无倒伏",
    "缓冲区内无人员、机械和材料停放",
    "工作区封闭完整，作业人员未越出作业区",
    "作业人员穿戴反光背心和安全帽",
    "夜间或能见度不良时警示灯、照明正常",
    "导向标志（箭头板）工作正常、朝向正确",
    "作业机械停放在工作区内并设警示",
    "下游过渡区和终止区设置完整，解除限速标志到位",
    "安全员在岗，交通疏导人员持旗到位",
)


def _uuid(key: str) -> uuid.UUID:
    return uuid.uuid5(UUID_NAMESPACE, key)


def load_demo_data(*, context: Any) -> str:
    if WorkZone.objects.filter(name=ACTIVE_ZONE_NAME).exists():
        return _("Safety: the demo data were already loaded.")
    users = context.users
    officer = users.get("safety_officer")
    worker = users.get("worker")
    engineer = users.get("engineer")
    today = timezone.localdate()
    g208 = Route.objects.get(code="G208")
    g109 = Route.objects.get(code="G109")

    active = services.create_work_zone(
        actor=officer,
        data={
            "name": ACTIVE_ZONE_NAME,
            "route": g208,
            "direction": WorkZoneDirection.UP,
            "work_start_m": 56_000.0,
            "work_end_m": 56_400.0,
            "closed_lane": ClosedLane.OUTER,
            "normal_speed_kmh": 80,
            "speed_limit_kmh": 60,
            "downgrade_pct": 1.5,
            "planned_start": today - dt.timedelta(days=3),
            "planned_end": today + dt.timedelta(days=10),
            "status": WorkZoneStatus.ACTIVE,
            "note": "外侧车道封闭，沥青路面坑槽修补。",
        },
    )
    planned_start_m = g109.start_m + 4_000.0
    services.create_work_zone(
        actor=officer,
        data={
            "name": PLANNED_ZONE_NAME,
            "route": g109,
            "direction": WorkZoneDirection.DOWN,
            "work_start_m": planned_start_m,
            "work_end_m": planned_start_m + 800.0,
            "closed_lane": ClosedLane.INNER,
            "normal_speed_kmh": 80,
            "speed_limit_kmh": 40,
            "downgrade_pct": 3.5,
            "planned_start": today + dt.timedelta(days=14),
            "planned_end": today + dt.timedelta(days=18),
            "status": WorkZoneStatus.PLANNED,
        },
    )

    template = InspectionTemplate.objects.filter(name=TEMPLATE_NAME).first()
    if template is None:
        template = services.create_template(
            actor=officer,
            data={
                "name": TEMPLATE_NAME,
                "description": "JTG H30-2015 作业区布设与人员防护日常检查",
            },
            items=CHECKLIST,
        )
    items = list(template.items.all())

    # Two done inspections (one with a failed item that raised a hazard), one planned.
    done_ok = services.plan_inspection(
        actor=officer,
        data={
            "template": template,
            "work_zone": active,
            "planned_date": today - dt.timedelta(days=2),
        },
    )
    services.record_inspection(
        actor=officer,
        inspection=done_ok,
        entries={i.pk: services.ItemEntry(ItemResult.PASS) for i in items},
    )
    done_fail = services.plan_inspection(
        actor=officer,
        data={
            "template": template,
            "work_zone": active,
            "planned_date": today - dt.timedelta(days=1),
        },
    )
    entries = {i.pk: services.ItemEntry(ItemResult.PASS) for i in items}
    entries[items[1].pk] = services.ItemEntry(
        ItemResult.FAIL, "K55+880 处 3 个锥形交通路标被风吹倒"
    )
    entries[items[5].pk] = services.ItemEntry(ItemResult.NA, "白天作业")
    services.record_inspection(actor=officer, inspection=done_fail, entries=entries)
    failed = done_fail.results.get(item=items[1])
    cone_hazard = services.raise_hazard_from_result(actor=officer, result=failed)
    services.plan_inspection(
        actor=officer,
        data={"template": template, "work_zone": active, "planned_date": today},
    )

    # Hazards in each state of the loop.
    def report(key: str, chainage: float, text: str, level: str, days_ago: int = 0) -> Any:
        hazard, _created = services.report_hazard(
            actor=worker,
            data={
                "route": g208,
                "reported_at": timezone.now() - dt.timedelta(days=days_ago),
                "chainage_m": chainage,
                "description": text,
                "level": level,
                "client_uuid": _uuid(key),
            },
        )
        return hazard

    report("reported", 58_350.0, "路侧护栏立柱松动，约 4 m", HazardLevel.GENERAL)
    overdue = report("overdue", 56_150.0, "工作区边缘沥青冷料堆放侵入行车道", HazardLevel.LARGER, 6)
    services.assign_hazard(
        actor=officer, hazard=overdue, assignee=worker, deadline=today - dt.timedelta(days=2)
    )
    services.escalate_overdue(actor=SYSTEM, today=today)
    services.assign_hazard(
        actor=officer, hazard=cone_hazard, assignee=worker, deadline=today + dt.timedelta(days=1)
    )
    rectified = report("rectified", 57_020.0, "边沟盖板缺失一块", HazardLevel.GENERAL)
    services.assign_hazard(
        actor=officer, hazard=rectified, assignee=worker, deadline=today + dt.timedelta(days=3)
    )
    services.rectify_hazard(actor=worker, hazard=rectified, note="已补装预制盖板")
    closed = report("closed", 61_400.0, "桥头跳车处缺少警示标志", HazardLevel.MAJOR)
    services.assign_hazard(
        actor=officer, hazard=closed, assignee=engineer or worker, deadline=today
    )
    services.rectify_hazard(actor=engineer or worker, hazard=closed, note="已设置注意路面不平标志")
    services.verify_hazard(actor=officer, hazard=closed, note="现场复查合格")
    services.close_hazard(actor=officer, hazard=closed)

    services.create_incident(
        actor=officer,
        data={
            "route": g208,
            "chainage_m": 56_050.0,
            "location": "G208 K56+050 上游过渡区",
            "work_zone": active,
            "occurred_at": timezone.now() - dt.timedelta(days=1, hours=3),
            "incident_type": IncidentType.TRAFFIC,
            "severity": IncidentSeverity.NEAR_MISS,
            "injuries": 0,
            "description": (
                "一辆小型货车未减速驶入上游过渡区，撞倒 4 个锥形交通路标后驶离，无人员受伤。"
            ),
            "direct_causes": "驾驶人未注意限速标志，车速过快。",
            "root_causes": "限速标志距过渡区起点偏近，夜间反光不足。",
            "cause_categories": [CauseCategory.MAN, CauseCategory.ENVIRONMENT],
            "corrective_actions": "前移限速标志并增设一块，警示灯改为常亮；班前讲话通报。",
            "status": IncidentStatus.INVESTIGATING,
        },
    )
    return _("Safety: 2 work zones, 1 checklist, 3 inspections, 5 hazards, 1 incident.")
