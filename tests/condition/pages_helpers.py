"""Rated, approved surveys on the ``two_districts`` network, built through the services.

G109 (district west, class1) is surveyed in 2024 and 2025, S203 (district east, class2) in
2025. IRI rises along the route so the units span several grades; one distress record per
survey makes DR (and so PCI and PQI) computable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhiyang.condition import services
from zhiyang.condition.models import Survey


def rated_survey(
    user: Any, route: Any, year: int, *, iri_base: float, approve: bool = True
) -> Survey:
    survey = services.create_survey(
        actor=user,
        data={"route": route, "survey_date": dt.date(year, 6, 1), "direction": "up"},
    )
    services.create_distress(
        actor=user,
        data={
            "route": route,
            "survey": survey,
            "start_m": route.start_m + min(1500.0, (route.end_m - route.start_m) / 2),
            "distress": "pothole",
            "severity": "heavy",
            "quantity": 40.0,
        },
    )
    length = route.end_m - route.start_m
    rows = [
        {"start_m": s, "end_m": s + 100.0, "iri": iri_base + 4.0 * s / length, "rd_mm": 6.0}
        for s in range(int(route.start_m), int(route.end_m) - 99, 100)
    ]
    services.write_intervals(
        actor=user, survey=survey, rows=rows, fields=["iri", "rd_mm"], source="test"
    )
    if approve:
        services.approve_survey(actor=user, survey=survey)
    survey.refresh_from_db()
    return survey


def build_condition(two_districts: dict[str, Any], engineer: Any) -> dict[str, Survey]:
    g1, s1 = two_districts["g1"], two_districts["s1"]
    return {
        "g1_2024": rated_survey(engineer, g1, 2024, iri_base=1.5),
        "g1_2025": rated_survey(engineer, g1, 2025, iri_base=2.0),
        "s1_2025": rated_survey(engineer, s1, 2025, iri_base=3.0),
    }
