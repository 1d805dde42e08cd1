from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from zhiyang.core.choices import Role
from zhiyang.safety import services


@pytest.fixture
def safety_world(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """Users of the west organisation (G109 0–10 km) and one of the east, plus a work zone."""
    west = two_districts["org_west"]
    east = two_districts["org_east"]
    world = dict(two_districts)
    world["officer"] = make_user(Role.SAFETY_OFFICER, west, username="officer")
    world["worker"] = make_user(Role.WORKER, west, username="worker")
    world["worker2"] = make_user(Role.WORKER, west, username="worker2")
    world["viewer"] = make_user(Role.VIEWER, west, username="viewer")
    world["outsider"] = make_user(Role.SAFETY_OFFICER, east, username="outsider")
    world["zone"] = services.create_work_zone(
        actor=world["officer"],
        data={
            "name": "test zone",
            "route": two_districts["g1"],
            "direction": "up",
            "work_start_m": 5000.0,
            "work_end_m": 5400.0,
            "closed_lane": "outer",
            "normal_speed_kmh": 80,
            "speed_limit_kmh": 60,
            "downgrade_pct": 0.0,
            "planned_start": timezone.localdate(),
            "planned_end": timezone.localdate() + dt.timedelta(days=5),
            "status": "active",
        },
    )
    return world
