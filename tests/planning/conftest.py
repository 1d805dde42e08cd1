"""Fixtures of the planning tests: approved 2025 and 2026 surveys of the two-district
network (G109: 10 units in district west; S203: 5 units in district east), the seeded
catalogue, and a scenario of the whole network."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhiyang.condition.models import Survey, SurveyUnit
from zhiyang.core.actors import SYSTEM
from zhiyang.planning import services

# PQI per unit in 2025 and 2026 (the second survey a little worse, bad units much worse).
G109 = [
    (95, 93),
    (92, 89),
    (88, 86),
    (85, 81),
    (80, 74),
    (78, 72),
    (75, 70),
    (90, 88),
    (70, 62),
    (66, 58),
]
S203 = [(91, 89), (84, 80), (77, 71), (72, 65), (86, 83)]


def _survey(
    route: Any, district: Any, date: dt.date, values: list[int], width_m: float, road_class: str
) -> Survey:
    survey = Survey.objects.create(
        route=route, survey_date=date, status="approved", unit_length_m=1000.0
    )
    SurveyUnit.objects.bulk_create(
        SurveyUnit(
            survey=survey,
            route=route,
            district=district,
            start_m=1000.0 * k,
            end_m=1000.0 * (k + 1),
            length_m=1000.0,
            width_m=width_m,
            road_class=road_class,
            pavement="asphalt",
            pqi=float(v),
            pci=float(v),
        )
        for k, v in enumerate(values)
    )
    return survey


@pytest.fixture
def surveyed(two_districts: dict[str, Any]) -> dict[str, Any]:
    net = two_districts
    for year_index, date in enumerate((dt.date(2025, 9, 1), dt.date(2026, 9, 1))):
        _survey(net["g1"], net["west"], date, [p[year_index] for p in G109], 12.0, "class1")
        _survey(net["s1"], net["east"], date, [p[year_index] for p in S203], 9.0, "class2")
    services.seed_catalogue(actor=SYSTEM)
    return net


@pytest.fixture
def scenario(surveyed: dict[str, Any]) -> Any:
    return services.create_scenario(
        actor=SYSTEM,
        data={
            "organisation": surveyed["org_all"],
            "name": "Test plan",
            "first_year": 2027,
            "horizon_years": 3,
            "base_budget_yuan": 1_500_000.0,
            "budget_levels_pct": [0, 50, 100, 150],
        },
    )
