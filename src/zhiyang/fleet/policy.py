"""The fleet's operating policy (shift length, when a service counts as due).

Read from ``data/policy.toml``; these are working rules, not standards numbers, and every
value can be overridden per interval or per call.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Policy:
    shift_hours: float
    due_hours_fraction: float
    due_days_before: int


@cache
def policy() -> Policy:
    raw = tomllib.loads(
        resources.files("zhiyang.fleet").joinpath("data/policy.toml").read_text("utf-8")
    )
    return Policy(
        shift_hours=float(raw["utilisation"]["shift_hours"]),
        due_hours_fraction=float(raw["service_due"]["hours_fraction"]),
        due_days_before=int(raw["service_due"]["days_before"]),
    )
