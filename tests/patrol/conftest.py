from __future__ import annotations

import time
from typing import Any

import pytest

from zhiyang.core.choices import Role
from zhiyang.network import linref


def track_along(
    route: Any,
    start_m: float,
    end_m: float,
    step_m: float = 100.0,
    t0: float | None = None,
    dt_s: float = 10.0,
) -> list[list[float]]:
    """A GPS track driven along ``route`` from ``start_m`` to ``end_m`` (one fix a step)."""
    t0 = time.time() - 3600.0 if t0 is None else t0
    points = []
    n = int(abs(end_m - start_m) // step_m)
    for i in range(n + 1):
        ch = start_m + (end_m - start_m) * i / n
        lon, lat = linref.point_at(route, ch)
        points.append([lon, lat, t0 + i * dt_s])
    return points


@pytest.fixture
def patrol_world(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """West organisation (G109 0–10 km): an engineer, a patroller, a QC inspector, a viewer;
    an engineer of the east."""
    west, east = two_districts["org_west"], two_districts["org_east"]
    world = dict(two_districts)
    world["engineer"] = make_user(Role.ENGINEER, west, username="eng")
    world["patroller"] = make_user(Role.WORKER, west, username="patroller")
    world["qc"] = make_user(Role.QC_INSPECTOR, west, username="qc")
    world["viewer"] = make_user(Role.VIEWER, west, username="viewer")
    world["outsider"] = make_user(Role.ENGINEER, east, username="outsider")
    return world
