from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhiyang.assets import services
from zhiyang.assets.models import AssetType
from zhiyang.core.actors import SYSTEM
from zhiyang.core.choices import Role


@pytest.fixture
def assets_world(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """G109 (west, 0–10 km, class 1) with a guardrail, a slope, a bridge and a culvert;
    an engineer and a worker of the west, an engineer of the east."""
    services.sync_asset_types(actor=SYSTEM)
    world = dict(two_districts)
    west, east = two_districts["org_west"], two_districts["org_east"]
    world["engineer"] = make_user(Role.ENGINEER, west, username="eng")
    world["worker"] = make_user(Role.WORKER, west, username="patrol")
    world["viewer"] = make_user(Role.VIEWER, west, username="viewer")
    world["outsider"] = make_user(Role.ENGINEER, east, username="outsider")
    g1 = two_districts["g1"]
    types = {t.code: t for t in AssetType.objects.all()}
    world["types"] = types
    eng = world["engineer"]
    world["guardrail"] = services.create_asset(
        actor=eng,
        data={
            "code": "G109-GR-001",
            "asset_type": types["guardrail"],
            "route": g1,
            "start_m": 1200.0,
            "end_m": 1800.0,
            "side": "right",
            "attributes": {"barrier": "w_beam"},
        },
    )
    world["slope"] = services.create_asset(
        actor=eng,
        data={
            "code": "G109-SL-001",
            "asset_type": types["slope"],
            "route": g1,
            "start_m": 2100.0,
            "end_m": 2300.0,
            "attributes": {"slope": "cut", "height_m": 12},
        },
    )
    world["bridge"] = services.create_asset(
        actor=eng,
        data={
            "code": "G109-BR-001",
            "asset_type": types["bridge"],
            "name": "十里河大桥",
            "route": g1,
            "start_m": 3400.0,
            "end_m": 3520.0,
            "attributes": {"spans": 4, "superstructure": "t_beam"},
        },
    )
    world["culvert"] = services.create_asset(
        actor=eng,
        data={
            "code": "G109-CU-001",
            "asset_type": types["culvert"],
            "route": g1,
            "start_m": 5300.0,
        },
    )
    world["day"] = dt.date(2026, 6, 1)
    return world
