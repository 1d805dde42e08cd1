"""Demo data: 20 workers in the two demo organisations, certificates (some expiring within
30 and 7 days, one expired), 三级安全教育 records, three crews, pre-shift briefings and — when
the safety demo has an active work zone — today's check-ins inside and outside its geofence.

Idempotent (workers by ID number, crews by name, briefings by crew, day and topic, check-ins
by a deterministic client id), deterministic (a seeded random for ID numbers), written through
the services with ``actor=SYSTEM``. Dates are relative to the day it is loaded, so the expiry
alerts always show.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import crypto
from zhiyang.core.actors import SYSTEM
from zhiyang.people import services
from zhiyang.people.choices import TrainingLevel
from zhiyang.people.models import (
    Briefing,
    Certificate,
    CheckIn,
    Crew,
    TrainingRecord,
    Worker,
)
from zhiyang.people.validators import id_check_character
from zhiyang.safety.models import WorkZone

SEED = 20260401
UUID_NAMESPACE = uuid.UUID("6f1d1c3e-2f6b-4d9e-9a57-0d5e4c8b7a10")
SUBCONTRACTORS = ("大同路桥劳务有限公司", "山西恒达劳务分包有限公司")

# (organisation key, name, trade, employer index or None, [(certificate type, days valid)],
#  training levels done). "branch" = 大同公路养护分部, "area" = 阳高天镇工区.
WORKERS: tuple[tuple[str, str, str, int | None, list[tuple[str, int]], str], ...] = (
    ("branch", "王建国", "foreman", None, [], "cpt"),
    ("branch", "李志强", "electrician", 0, [("electrician", 400)], "cpt"),
    ("branch", "张伟", "welder", 0, [("welding", 20)], "cpt"),
    ("branch", "刘洋", "crane_operator", 1, [("crane", 5)], "cpt"),
    ("branch", "陈刚", "driver", None, [("driving_licence", 900)], "cpt"),
    ("branch", "杨磊", "machine_operator", 0, [("driving_licence", 1200)], "cpt"),
    ("branch", "赵勇", "labourer", 0, [], "cpt"),
    ("branch", "黄海", "flagger", 1, [], "cpt"),
    ("branch", "周杰", "height_worker", 1, [("work_at_height", -10)], "cpt"),
    ("branch", "吴斌", "safety_officer", None, [("safety_c", 600)], "cpt"),
    ("branch", "徐明", "forklift_driver", 0, [("forklift", 300)], "cpt"),
    ("branch", "孙亮", "labourer", 1, [], "cpt"),
    ("branch", "马超", "machine_operator", 0, [], "cpt"),
    ("branch", "朱红梅", "labourer", 1, [], "cp"),
    ("area", "胡军", "foreman", None, [], "cpt"),
    ("area", "郭峰", "driver", None, [("driving_licence", 25)], "cpt"),
    ("area", "何平", "labourer", 0, [], "c"),
    ("area", "高翔", "machine_operator", 0, [], "cpt"),
    ("area", "林涛", "electrician", 0, [("electrician", 3)], "cpt"),
    ("area", "罗丹", "flagger", 1, [], "cp"),
)
# (organisation key, crew name, leader, members)
CREWS = (
    (
        "branch",
        "路面养护一班",
        "王建国",
        ["李志强", "张伟", "刘洋", "陈刚", "杨磊", "赵勇", "黄海"],
    ),
    ("branch", "桥涵维修班", "吴斌", ["徐明", "孙亮", "马超", "朱红梅"]),
    ("area", "阳高养护班", "胡军", ["郭峰", "何平", "高翔", "林涛", "罗丹"]),
)
BRIEFING_TOPICS = {
    "路面养护一班": (
        "占道作业安全与交通导改",
        "作业区按 JTG H30 布设，上游过渡区锥形桶间距不大于 2 m；"
        "压路机倒车时设专人指挥；穿戴反光背心与安全帽。",
    ),
    "桥涵维修班": (
        "桥下高处作业防坠落",
        "系挂安全带，工具放入工具袋；下方设警戒区，禁止交叉作业。",
    ),
    "阳高养护班": (
        "冬季路面防滑与机械检查",
        "出车前检查制动与灯光；撒布融雪剂时车辆开启警示灯。",
    ),
}
TRAINING = {
    "c": (TrainingLevel.COMPANY, Decimal("16"), "公司级安全教育：法律法规与责任制", "安全科 孙立"),
    "p": (TrainingLevel.PROJECT, Decimal("16"), "项目级安全教育：作业区与危险源", "项目部 吴斌"),
    "t": (TrainingLevel.TEAM, Decimal("20"), "班组级安全教育：岗位操作规程与劳保用品", "班组长"),
}
ISSUERS = {
    "electrician": "大同市应急管理局",
    "work_at_height": "大同市应急管理局",
    "welding": "大同市应急管理局",
    "crane": "大同市市场监督管理局",
    "forklift": "大同市市场监督管理局",
    "driving_licence": "大同市公安局交通警察支队",
    "safety_c": "山西省交通运输厅",
}
AREA_CODES = ("140212", "140213", "140214", "140221", "140222", "140223")


def _id_number(rng: random.Random) -> str:
    birth = dt.date(1968, 1, 1) + dt.timedelta(days=rng.randrange(0, 32 * 365))
    first17 = f"{rng.choice(AREA_CODES)}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first17 + id_check_character(first17)


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice((35, 39, 52, 58, 86, 88))}{rng.randrange(0, 10**8):08d}"


def _zone() -> Any:
    """The safety demo's active work zone (the first one), or None if there is none yet."""
    return WorkZone.objects.filter(status="active").select_related("route").order_by("pk").first()


def _ensure_workers(orgs: dict[str, Any], today: dt.date) -> tuple[dict[str, Worker], int]:
    rng = random.Random(SEED)  # noqa: S311 - demo data, deterministic on purpose
    workers: dict[str, Worker] = {}
    created = 0
    new_certs: list[Certificate] = []
    new_training: list[TrainingRecord] = []
    for index, (org_key, name, trade, employer, certs, levels) in enumerate(WORKERS):
        id_number = _id_number(rng)
        phone = _phone(rng)
        org = orgs[org_key]
        worker = Worker.objects.filter(
            organisation=org, id_number_hash=crypto.keyed_hash(id_number)
        ).first()
        if worker is None:
            worker = services.create_worker(
                actor=SYSTEM,
                data={
                    "organisation": org,
                    "name": name,
                    "id_number": id_number,
                    "phone": phone,
                    "trade": trade,
                    "employer": "" if employer is None else SUBCONTRACTORS[employer],
                },
            )
            created += 1
            for n, (cert_type, days) in enumerate(certs):
                until = today + dt.timedelta(days=days)
                new_certs.append(
                    Certificate(
                        worker=worker,
                        cert_type=cert_type,
                        number=f"T{140200 + index:06d}{n}{until:%y}",
                        issuer=ISSUERS.get(cert_type, ""),
                        valid_from=until - dt.timedelta(days=6 * 365),
                        valid_until=until,
                    )
                )
            for k, code in enumerate(levels):
                level, hours, topic, trainer = TRAINING[code]
                new_training.append(
                    TrainingRecord(
                        worker=worker,
                        level=level,
                        date=today - dt.timedelta(days=120 - 2 * k - index),
                        hours=hours,
                        topic=topic,
                        trainer=trainer,
                    )
                )
        workers[name] = worker
    # Child rows of a new demo worker: one bulk write each (the worker's audit row covers
    # the demo load; these are fixed reference rows, not edits).
    Certificate.objects.bulk_create(new_certs)
    TrainingRecord.objects.bulk_create(new_training)
    return workers, created


def _ensure_crews(orgs: dict[str, Any], workers: dict[str, Worker], today: dt.date) -> list[Crew]:
    crews = []
    for org_key, name, leader, members in CREWS:
        crew = Crew.objects.filter(organisation=orgs[org_key], name=name).first()
        if crew is None:
            crew = services.create_crew(
                actor=SYSTEM,
                data={
                    "organisation": orgs[org_key],
                    "name": name,
                    "leader": workers[leader],
                    "members": [workers[m] for m in members],
                },
                today=today,
            )
        crews.append(crew)
    return crews


def _ensure_briefings(crews: list[Crew], zone: Any, today: dt.date) -> int:
    made = 0
    for crew in crews:
        topic, content = BRIEFING_TOPICS[crew.name]
        if Briefing.objects.filter(crew=crew, date=today, topic=topic).exists():
            continue
        zone_here = zone if zone is not None and crew.name == "路面养护一班" else None
        services.create_briefing(
            actor=SYSTEM,
            data={
                "date": today,
                "crew": crew,
                "work_zone": zone_here,
                "topic": topic,
                "content": content,
                "given_by": crew.leader,
                "attendees": list(crew.members.all()),
            },
        )
        made += 1
    return made


def _check_ins(crew: Crew, zone: Any, today: dt.date) -> int:
    """Today's check-ins of the first crew at the zone: most inside, one 2 km away.

    The crew leader (the demo ``worker`` user) is left out: he checks in himself.
    """
    from zhiyang.network import linref

    try:
        lon, lat = linref.point_at(zone.route, (zone.work_start_m + zone.work_end_m) / 2.0)
    except Exception:  # a zone without usable geometry: no demo check-ins
        return 0
    made = 0
    members = [m for m in crew.members.order_by("name") if m.pk != crew.leader_id]
    local = timezone.localtime()
    for n, member in enumerate(members):
        if services.missing_certificates(member, today):
            continue  # a certificate expired since the demo was first loaded: blocked
        outside = member.name == "黄海"
        when = local.replace(hour=7, minute=30 + n, second=0, microsecond=0)
        try:
            result = services.check_in(
                actor=SYSTEM,
                worker=member,
                work_zone=zone,
                lon=lon + (0.0 if not outside else 0.012),
                lat=lat + (0.00003 * n if not outside else 0.018),
                accuracy_m=8.0 + n,
                client_uuid=uuid.uuid5(UUID_NAMESPACE, f"{today}:{zone.pk}:{member.pk}"),
                when=when if local.hour >= 8 else local,
            )
        except ValidationError:
            continue  # already checked in today by hand
        made += int(result.created)
    return made


def load_demo_data(*, context: Any) -> str:
    today = timezone.localdate()
    orgs = {"branch": context.branch, "area": context.works_area}
    with transaction.atomic():
        workers, created = _ensure_workers(orgs, today)
        account = context.users.get("worker")
        leader = workers["王建国"]
        if account is not None and leader.user_id != account.pk:
            Worker.objects.filter(user=account).exclude(pk=leader.pk).update(user=None)
            services.update_worker(actor=SYSTEM, worker=leader, data={"user": account})
        crews = _ensure_crews(orgs, workers, today)
        zone = _zone()
        _ensure_briefings(crews, zone, today)
        if zone is not None:
            _check_ins(crews[0], zone, today)
    # Today's totals (a second load creates nothing and still reports what is there).
    briefings = Briefing.objects.filter(date=today).count()
    checkins = CheckIn.objects.filter(date=today).count()
    note = "" if zone is not None else " " + _("No active work zone, so no check-ins.")
    return (
        _(
            "People: %(workers)d workers (%(new)d new), %(crews)d crews, %(briefings)d briefings, "
            "%(checkins)d check-ins."
        )
        % {
            "workers": len(workers),
            "new": created,
            "crews": len(crews),
            "briefings": briefings,
            "checkins": checkins,
        }
        + note
    )
