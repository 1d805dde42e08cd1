"""Demo road assets and their inspections on the six demo routes, so every part of MQI has
values: signs, guardrail, markings, delineators, fences, ditches, slopes, a retaining wall,
lighting, bridges, a tunnel (G208) and culverts; a roadside inspection of every 1000 m unit
in August 2026 with seeded SCI/TCI damage on a few units, and the technical condition class
of every structure (mostly 1–2, one class 3 bridge on G110, one class 4 bridge on S342 that
raises the class 4/5 notification). The latest survey of each route is then rated again so
its units carry SCI, BCI, TCI and the complete MQI.

Seeded (the same numbers on every load) and idempotent: a route whose demo assets exist is
left alone. Writes go through the services.
"""

from __future__ import annotations

import datetime as dt
import random
import zlib
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zhiyang.assets import services
from zhiyang.assets.models import Asset, AssetType
from zhiyang.core.actors import SYSTEM
from zhiyang.network.models import Route

INSPECTED_ON = dt.date(2026, 8, 20)
STRUCTURES_ON = dt.date(2026, 7, 10)
#: (route, kind, km from the route start, length m, class)
STRUCTURES: tuple[tuple[str, str, float, float, int], ...] = (
    ("G109", "bridge", 3.4, 120.0, 1),
    ("G109", "bridge", 14.2, 260.0, 2),
    ("G208", "tunnel", 8.1, 640.0, 2),
    ("G208", "bridge", 12.5, 90.0, 1),
    ("G110", "bridge", 6.3, 150.0, 3),
    ("S203", "bridge", 9.7, 60.0, 2),
    ("S301", "bridge", 4.2, 40.0, 1),
    ("S342", "bridge", 7.6, 45.0, 4),
)
SCI_DAMAGE = (
    ("slope_collapse_light", 1, 1),
    ("slope_collapse_heavy", 1, 1),
    ("water_damage_medium", 1, 2),
    ("drainage_blocked_light", 1, 2),
    ("curb_damage", 5, 20),
    ("shoulder_damage_light", 5, 40),
    ("settlement_light", 1, 1),
)
TCI_DAMAGE = (
    ("sign_damage", 1, 2),
    ("marking_damage", 20, 150),
    ("guard_damage_light", 1, 3),
    ("guard_damage_heavy", 1, 1),
    ("fence_damage", 1, 2),
)


def _rng(route: Route) -> random.Random:
    return random.Random(zlib.crc32(f"assets:{route.code}".encode()))  # noqa: S311 - demo values


def _asset(route: Route, types: dict[str, AssetType], code: str, kind: str, **data: Any) -> Asset:
    values = {"code": f"{route.code}-{code}", "asset_type": types[kind], "route": route, **data}
    return services.create_asset(actor=SYSTEM, data=values)


def _route_assets(route: Route, types: dict[str, AssetType]) -> list[Asset]:
    rng = _rng(route)
    a, b = route.start_m, route.end_m
    made = [
        _asset(
            route,
            types,
            "MK-1",
            "marking",
            start_m=a,
            end_m=b,
            side="centre",
            attributes={"marking": "edge", "material": "hot_melt"},
        ),
        _asset(
            route,
            types,
            "DL-1",
            "delineator",
            start_m=a,
            end_m=b,
            side="both",
            attributes={"spacing_m": 50},
        ),
        _asset(
            route,
            types,
            "DT-1",
            "ditch",
            start_m=a + 500,
            end_m=min(b, a + 6500),
            side="right",
            attributes={"lining": "masonry"},
        ),
    ]
    for n, km in enumerate(range(1, int((b - a) // 1000), 3), start=1):
        made.append(
            _asset(
                route,
                types,
                f"SG-{n}",
                "sign",
                start_m=a + km * 1000 + 120,
                side="right",
                offset_m=6.0,
                attributes={"sign_code": "B38"},
            )
        )
    for n in range(1, 3):
        start = a + rng.uniform(0.1, 0.8) * (b - a)
        made.append(
            _asset(
                route,
                types,
                f"GR-{n}",
                "guardrail",
                start_m=round(start),
                end_m=round(start + rng.choice((300, 600, 900))),
                side="right",
                attributes={"barrier": "w_beam", "containment": "A"},
            )
        )
    start = a + rng.uniform(0.2, 0.6) * (b - a)
    made.append(
        _asset(
            route,
            types,
            "SL-1",
            "slope",
            start_m=round(start),
            end_m=round(start + 250),
            side="left",
            attributes={"slope": "cut", "height_m": round(rng.uniform(6, 25), 1)},
        )
    )
    if route.tech_class == "class1":
        made.append(
            _asset(
                route,
                types,
                "FE-1",
                "fence",
                start_m=a,
                end_m=b,
                side="both",
                attributes={"height_m": 1.8, "mesh": "welded"},
            )
        )
        made.append(
            _asset(
                route,
                types,
                "LT-1",
                "lighting",
                start_m=a,
                end_m=a + 1500,
                side="both",
                attributes={"poles": 40, "lamp": "led"},
            )
        )
        made.append(
            _asset(
                route,
                types,
                "RW-1",
                "retaining_wall",
                start_m=round(start + 400),
                end_m=round(start + 520),
                side="left",
                attributes={"wall": "gravity", "height_m": 4.5},
            )
        )
    for n in range(1, 4):
        made.append(
            _asset(
                route,
                types,
                f"CU-{n}",
                "culvert",
                start_m=round(a + rng.uniform(0.05, 0.95) * (b - a)),
                side="across",
                attributes={"culvert": "box", "span_m": 2.0},
            )
        )
    for n, (code, kind, km_at, length, _klass) in enumerate(
        (s for s in STRUCTURES if s[0] == route.code), start=1
    ):
        at = a + km_at * 1000
        prefix = "TN" if kind == "tunnel" else "BR"
        made.append(
            _asset(
                route,
                types,
                f"{prefix}-{n}",
                kind,
                start_m=at,
                end_m=at + length,
                side="across",
                name=f"{code} {kind} {n}",
            )
        )
    return made


def _inspect(route: Route, assets: list[Asset]) -> int:
    rng = _rng(route)
    count = 0
    bounds = services.route_units(route)
    bad_units = set(rng.sample(range(len(bounds)), 6))
    for unit, (a, b) in enumerate(bounds):
        damages = []
        if unit in bad_units:
            item, low, high = rng.choice(SCI_DAMAGE)
            damages.append({"index": "sci", "item": item, "quantity": rng.randint(low, high)})
            item, low, high = rng.choice(TCI_DAMAGE)
            damages.append({"index": "tci", "item": item, "quantity": rng.randint(low, high)})
        services.record_inspection(
            actor=SYSTEM,
            data={
                "route": route,
                "chainage_m": (a + b) / 2,
                "inspected_on": INSPECTED_ON,
                "kind": "routine",
                "note": "demo",
            },
            damages=damages,
        )
        count += 1
    classes = {(s[0], s[1], n): s[4] for n, s in enumerate(STRUCTURES)}
    structure_classes = [c for (r, _k, _n), c in classes.items() if r == route.code]
    structures = [x for x in assets if x.asset_type.structure in ("bridge", "tunnel")]
    for asset, klass in zip(structures, structure_classes, strict=False):
        for kind, day in (("periodic", STRUCTURES_ON), ("routine", INSPECTED_ON)):
            services.record_inspection(
                actor=SYSTEM,
                data={"asset": asset, "technical_class": klass, "kind": kind, "inspected_on": day},
            )
            count += 1
    for asset in (x for x in assets if x.asset_type.structure == "culvert"):
        services.record_inspection(
            actor=SYSTEM,
            data={
                "asset": asset,
                "technical_class": rng.choice((1, 1, 2)),
                "kind": "periodic",
                "inspected_on": STRUCTURES_ON,
            },
        )
        count += 1
    return count


def load_demo_data(*, context: Any) -> str:
    """Load the demo assets and inspections (idempotent); one line for the summary."""
    from zhiyang.condition import services as condition
    from zhiyang.condition.models import Survey

    services.sync_asset_types(actor=SYSTEM, audit_row=False)
    types = {t.code: t for t in AssetType.objects.all()}
    assets = inspections = 0
    with transaction.atomic():
        for route in Route.objects.order_by("code"):
            if Asset.objects.filter(code=f"{route.code}-MK-1").exists():
                continue
            made = _route_assets(route, types)
            assets += len(made)
            inspections += _inspect(route, made)
            latest = Survey.objects.filter(route=route, lane=1).order_by("-survey_date").first()
            if latest is not None:
                condition.rate_survey(user=None, survey=latest, audit_row=False)
    if not assets:
        return _("Assets: the demo inventory was already loaded.")
    return _("Assets: %(assets)d assets and %(inspections)d inspections on the demo routes.") % {
        "assets": assets,
        "inspections": inspections,
    }
