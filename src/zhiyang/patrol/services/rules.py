"""The patrol rule tables (``analytics/standards/patrol_response.toml``, with provenance):
patrol frequency by technical class and season, and the response time of a finding."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from zhiyang.analytics import parameters
from zhiyang.patrol.choices import Season

FILENAME = "patrol_response.toml"


def table() -> Any:
    return parameters.packaged(FILENAME)


def season_of(day: datetime.date) -> str:
    seasons = table()["seasons"]
    if day.month in seasons["winter_months"]:
        return Season.WINTER
    if day.month in seasons["rainy_months"]:
        return Season.RAINY
    return Season.NORMAL


def default_interval_days(tech_class: str, season: str) -> int:
    frequency = table()["frequency"]
    row = frequency.get(tech_class) or frequency["class4"]
    return int(row[season])


def plan_interval_days(plan: Any, day: datetime.date) -> int:
    """Days between two patrols of ``plan`` in the season of ``day``."""
    season = season_of(day)
    by_season: dict[str, Any] = {
        Season.NORMAL: plan.interval_days,
        Season.WINTER: plan.winter_interval_days or plan.interval_days,
        Season.RAINY: plan.rainy_interval_days or plan.interval_days,
    }
    own = by_season[season]
    return int(own) if own else default_interval_days(plan.route.tech_class, season)


@dataclass(frozen=True)
class ResponseRule:
    key: str
    hours: int
    source: str
    confirmed: bool


def response_rule(*, category: str, kind: str, severity: str, urgent: bool) -> ResponseRule:
    """The most specific response-time rule for a finding (see the data file)."""
    rules = {r["key"]: r for r in table()["response"]}
    candidates = ["urgent"] if urgent else []
    candidates += [f"{category}.{kind}.{severity}", f"{category}.{kind}", category, "*"]
    for key in candidates:
        rule = rules.get(key)
        if rule is not None:
            return ResponseRule(
                key=key,
                hours=int(rule["hours"]),
                source=str(rule.get("source", table()["source"])),
                confirmed=bool(rule.get("confirmed", False)),
            )
    raise LookupError("the response-time table has no '*' rule")
