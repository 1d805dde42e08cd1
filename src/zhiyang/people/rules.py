"""The people rules as data: certificates each trade needs, alert days, induction hours.

Read from ``people/data/rules.toml`` (with its sources and ``confirmed`` flags), overridden
table by table by ``<data dir>/people_rules.toml`` when that file exists.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from django.conf import settings

from zhiyang.people.choices import CertificateType, Trade, TrainingLevel

OVERRIDE_FILE = "people_rules.toml"
_META = {"source", "confirmed"}
_TABLES = ("alerts", "trade_requirements", "induction_hours")


@dataclass(frozen=True)
class Rules:
    alert_days: tuple[int, ...]  # largest first, e.g. (30, 7)
    trade_requirements: dict[str, frozenset[str]]
    induction_hours: dict[str, float]
    sources: dict[str, str]
    confirmed: dict[str, bool]


def _raw() -> dict[str, Any]:
    data = tomllib.loads(resources.files("zhiyang.people").joinpath("data/rules.toml").read_text())
    override = Path(settings.DATA_DIR) / OVERRIDE_FILE
    if override.exists():
        for table, values in tomllib.loads(override.read_text()).items():
            if isinstance(values, dict):
                data[table] = values
    return data


@cache
def rules() -> Rules:
    """The rules, validated once (an unknown trade or certificate type is a config error)."""
    data = _raw()
    alert_days = tuple(sorted({int(d) for d in data["alerts"]["days_before_expiry"]}, reverse=True))
    requirements: dict[str, frozenset[str]] = {}
    for trade, types in data["trade_requirements"].items():
        if trade in _META:
            continue
        if trade not in Trade.values:
            raise ValueError(f"people rules: unknown trade {trade!r}")
        unknown = set(types) - set(CertificateType.values)
        if unknown:
            raise ValueError(f"people rules: {trade}: unknown certificate types {sorted(unknown)}")
        requirements[trade] = frozenset(types)
    hours = {
        level: float(data["induction_hours"][level])
        for level in TrainingLevel.values
        if level in data["induction_hours"]
    }
    return Rules(
        alert_days=alert_days,
        trade_requirements=requirements,
        induction_hours=hours,
        sources={t: str(data[t].get("source", "")) for t in _TABLES},
        confirmed={t: bool(data[t].get("confirmed", False)) for t in _TABLES},
    )


def required_certificates(trade: str) -> frozenset[str]:
    return rules().trade_requirements.get(trade, frozenset())
