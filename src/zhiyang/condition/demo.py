"""Demo condition data: approved 2025 and 2026 surveys of every demo route.

100 m intervals (IRI per wheel path, rut depth, SFC, MPD, bumps) and distress records,
rated into 1000 m evaluation units, plus a few phone distress reports without photos.
Values are seeded, so every load gives the same numbers: IRI mostly 1.5–4 m/km with a few
bad stretches per route that got worse from 2025 to 2026, so maps, trends, worst-unit lists
and reports show something real.

Idempotent: a survey already there (same route, date, direction and lane) is left alone, a
phone report with the same client id is not added again. Fast: intervals, distress and
units are bulk-created, one audit row per survey (its creation).
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
import zlib
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.condition import services
from zhiyang.condition.choices import DistressSource, SurveyStatus
from zhiyang.condition.models import Distress, Survey, SurveyInterval
from zhiyang.core.actors import SYSTEM
from zhiyang.core.services import create_object
from zhiyang.network import linref
from zhiyang.network.models import Route

DEMO_VENDOR = "山西路桥检测 (demo)"
SURVEY_DATES = (dt.date(2025, 9, 16), dt.date(2026, 9, 15))
INTERVAL_M = 100.0
# Base roughness (m/km) by route: the national roads are in better shape.
BASE_IRI = {"G109": 1.9, "G208": 2.1, "G110": 2.5, "S203": 2.8, "S301": 3.0, "S342": 3.3}
UUID_NAMESPACE = uuid.UUID("5d6c1c1e-7a59-4f57-9d3a-2f0d1f6f0c11")
# Area distress per pavement used by the demo (type, severity, unit quantity range).
DistressChoice = tuple[str, str, tuple[float, float]]
ASPHALT_DISTRESS: tuple[DistressChoice, ...] = (
    ("alligator", "light", (4.0, 30.0)),
    ("alligator", "medium", (3.0, 20.0)),
    ("block_crack", "light", (5.0, 25.0)),
    ("longitudinal_crack", "light", (8.0, 40.0)),
    ("transverse_crack", "light", (6.0, 15.0)),
    ("transverse_crack", "heavy", (4.0, 12.0)),
    ("pothole", "light", (0.3, 2.0)),
    ("ravelling", "light", (5.0, 30.0)),
    ("patching", "", (5.0, 40.0)),
)
ASPHALT_BAD: tuple[DistressChoice, ...] = (
    ("alligator", "heavy", (10.0, 60.0)),
    ("pothole", "heavy", (0.5, 3.0)),
    ("depression", "heavy", (5.0, 25.0)),
    ("rutting", "heavy", (20.0, 80.0)),
)
CONCRETE_DISTRESS: tuple[DistressChoice, ...] = (
    ("crack", "light", (3.0, 15.0)),
    ("corner_break", "light", (0.5, 3.0)),
    ("joint_seal_damage", "light", (10.0, 40.0)),
    ("spalling", "light", (2.0, 8.0)),
    ("patching", "", (4.0, 20.0)),
)
CONCRETE_BAD: tuple[DistressChoice, ...] = (
    ("broken_slab", "heavy", (8.0, 30.0)),
    ("faulting", "heavy", (5.0, 20.0)),
    ("crack", "heavy", (5.0, 20.0)),
)
PHONE_REPORTS = (
    ("G110", 0.42, "pothole", "heavy", 0.6, "worker", "坑槽，雨后积水"),
    ("G208", 0.63, "alligator", "medium", 12.0, "qc_inspector", "网裂扩展"),
    ("S342", 0.25, "pothole", "light", 0.4, "worker", ""),
    ("S203", 0.15, "transverse_crack", "heavy", 9.0, "engineer", "横缝贯通"),
)


def _rng(*parts: Any) -> random.Random:
    seed = zlib.crc32("|".join(map(str, parts)).encode())
    return random.Random(seed)  # noqa: S311 - seeded demo values, not secrets


def _bad_stretches(route: Route) -> list[tuple[float, float, float]]:
    """(start, end, severity 0–1) of the route's worst stretches (same both years)."""
    rng = _rng("bad", route.code)
    stretches = []
    for _i in range(2 + rng.randrange(2)):
        start = rng.uniform(route.start_m, route.end_m - 1500)
        start = round(start / INTERVAL_M) * INTERVAL_M
        stretches.append((start, start + rng.choice((300, 500, 800, 1200)), rng.uniform(0.5, 1)))
    return stretches


def _intervals(survey: Survey, year_index: int) -> list[SurveyInterval]:
    """Seeded interval measurements; the second year is a little rougher everywhere and
    clearly worse on the bad stretches."""
    route = survey.route
    rng = np.random.default_rng(zlib.crc32(f"{route.code}|{year_index}".encode()))
    starts = np.arange(route.start_m, route.end_m - 1e-6, INTERVAL_M)
    ends = np.minimum(starts + INTERVAL_M, route.end_m)
    n = starts.size
    base = BASE_IRI.get(route.code, 2.5)
    # a slowly varying roughness along the route, the same both years
    wave = np.sin(starts / 2300.0 + zlib.crc32(route.code.encode()) % 7)
    drift = 1.0 + 0.06 * year_index
    iri = base * drift + 0.45 * wave + rng.normal(0.0, 0.18, n)
    rd = 4.5 + 1.2 * wave + rng.normal(0.0, 0.8, n) + 1.0 * year_index
    bad = np.zeros(n)
    for start, end, severity in _bad_stretches(route):
        inside = (starts >= start) & (starts < end)
        bad[inside] = severity
    iri += bad * (3.5 + 1.8 * year_index)
    rd += bad * (7.0 + 4.0 * year_index)
    iri = np.clip(iri, 0.8, 12.0)
    rd = np.clip(rd, 0.5, 35.0)
    sfc = np.clip(52.0 - 4.0 * year_index - 6.0 * bad + rng.normal(0, 3.0, n), 25, 75)
    mpd = np.clip(0.85 - 0.05 * year_index - 0.2 * bad + rng.normal(0, 0.05, n), 0.2, 1.5)
    left = iri * (1 + rng.normal(0, 0.05, n))
    right = 2 * iri - left
    bumps = (rng.random(n) < 0.02 + 0.25 * bad).astype(float)
    sections = services.sections_for(route)
    rows = []
    for i in range(n):
        section = services.section_at(sections, (starts[i] + ends[i]) / 2)
        asphalt = section is None or section.pavement == "asphalt"
        rows.append(
            SurveyInterval(
                survey=survey,
                start_m=float(starts[i]),
                end_m=float(ends[i]),
                iri_left=round(float(left[i]), 2),
                iri_right=round(float(right[i]), 2),
                iri=round(float(iri[i]), 2),
                rd_mm=round(float(rd[i]), 1) if asphalt else None,
                sfc=round(float(sfc[i]), 1),
                mpd=round(float(mpd[i]), 2),
                mpdc=1.0,
                pb_light=float(bumps[i]),
                pb_medium=0.0,
                pb_heavy=0.0,
            )
        )
    return rows


def _distress(survey: Survey, year_index: int, user: Any) -> list[Distress]:
    route = survey.route
    rng = _rng("distress", route.code, year_index)
    sections = services.sections_for(route)
    bad = _bad_stretches(route)
    records = []
    position = route.start_m
    while position < route.end_m - 50:
        section = services.section_at(sections, position)
        concrete = section is not None and section.pavement == "concrete"
        in_bad = next((s for s in bad if s[0] <= position < s[1]), None)
        catalogue = (CONCRETE_BAD if concrete else ASPHALT_BAD) if in_bad else None
        choices = CONCRETE_DISTRESS if concrete else ASPHALT_DISTRESS
        if catalogue and rng.random() < 0.5 + 0.2 * year_index:
            choices = catalogue
        distress, severity, (low, high) = rng.choice(choices)
        quantity = rng.uniform(low, high) * (2.5 + 1.0 * year_index) * (3.0 if in_bad else 1.0)
        item = services.distress_item_index(section.pavement if section else "asphalt", "2018")[
            (distress, severity)
        ]
        length = 0.0 if item.unit == "m" else rng.choice((0.0, 10.0, 20.0, 30.0))
        end = min(position + length, route.end_m) if length else None
        records.append(
            Distress(
                route=route,
                district_id=section.district_id if section else None,
                survey=survey,
                start_m=round(position, 1),
                end_m=end,
                distress=distress,
                severity=severity,
                quantity=round(quantity, 1),
                unit=item.unit,
                source=DistressSource.EXCEL,
                reported_by=user,
                reported_at=timezone.make_aware(
                    dt.datetime.combine(survey.survey_date, dt.time(10, 0))
                ),
            )
        )
        step = rng.uniform(40, 120) if in_bad else rng.uniform(150, 700)
        position += step
    return records


def _phone_reports(users: dict[str, Any]) -> int:
    routes = {r.code: r for r in Route.objects.filter(code__in=[p[0] for p in PHONE_REPORTS])}
    created = 0
    for code, fraction, distress, severity, quantity, username, note in PHONE_REPORTS:
        route = routes.get(code)
        if route is None or route.geometry is None:
            continue
        client_uuid = uuid.uuid5(UUID_NAMESPACE, f"{code}-{fraction}-{distress}")
        if Distress.objects.filter(client_uuid=client_uuid).exists():
            continue
        chainage = route.start_m + fraction * route.length_m
        lon, lat = linref.point_at(route, chainage)
        services.report_distress(
            actor=SYSTEM,
            data={
                "reported_by": users.get(username),
                "lon": round(lon, 6),
                "lat": round(lat, 6),
                "distress": distress,
                "severity": severity,
                "quantity": quantity,
                "note": note,
                "client_uuid": client_uuid,
            },
        )
        created += 1
    return created


def load_demo_data(*, context: Any) -> str:
    """Load the demo surveys and reports (idempotent); one line for the summary."""
    engineer = context.users.get("engineer")
    created = 0
    units = 0
    with transaction.atomic():
        for route in Route.objects.order_by("code"):
            for year_index, survey_date in enumerate(SURVEY_DATES):
                exists = Survey.objects.filter(
                    route=route, survey_date=survey_date, direction="up", lane=1
                ).exists()
                if exists:
                    continue
                survey = create_object(
                    actor=SYSTEM,
                    model=Survey,
                    data={
                        "route": route,
                        "direction": "up",
                        "lane": 1,
                        "survey_date": survey_date,
                        "vendor": DEMO_VENDOR,
                        "method": "vehicle",
                        "edition": "2018",
                        "unit_length_m": 1000.0,
                        "status": SurveyStatus.APPROVED,
                        "approved_by": engineer,
                        "approved_at": timezone.make_aware(
                            dt.datetime.combine(survey_date + dt.timedelta(days=30), dt.time(9))
                        ),
                        "created_by": engineer,
                    },
                )
                SurveyInterval.objects.bulk_create(_intervals(survey, year_index))
                Distress.objects.bulk_create(_distress(survey, year_index, engineer))
                units += services.rate_survey(actor=SYSTEM, survey=survey, audit_row=False)
                created += 1
        reports = _phone_reports(context.users)
    if not (created or reports):
        return _("Condition: the demo surveys were already loaded.")
    return _(
        "Condition: %(surveys)d surveys (%(units)d evaluation units), %(reports)d phone reports."
    ) % {"surveys": created, "units": units, "reports": reports}
