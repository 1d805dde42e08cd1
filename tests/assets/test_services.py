"""Assets services: inventory validation, inspections with damage items, patrol findings,
structure classes and alarms, SCI/TCI/BCI per unit from the inventory (hand-computed)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiyang.assets import services
from zhiyang.assets.models import Asset, Damage, Inspection
from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import AuditLog
from zhiyang.notify.models import Event


def test_catalogue_synced_and_versioned(assets_world: dict[str, Any]) -> None:
    types = assets_world["types"]
    assert {
        "sign",
        "guardrail",
        "marking",
        "delineator",
        "ditch",
        "culvert",
        "slope",
        "retaining_wall",
        "bridge",
        "tunnel",
        "lighting",
        "fence",
    } <= set(types)
    assert types["bridge"].structure == "bridge" and types["bridge"].index == "bci"
    assert types["guardrail"].index == "tci" and types["slope"].index == "sci"
    assert services.sync_asset_types(actor=SYSTEM) == {"created": 0, "updated": 0, "retired": 0}


def test_asset_validation(assets_world: dict[str, Any]) -> None:
    w = assets_world
    base = {"code": "X1", "route": w["g1"], "start_m": 100.0}
    with pytest.raises(ValidationError) as info:
        services.create_asset(
            actor=w["engineer"],
            data={**base, "asset_type": w["types"]["guardrail"], "attributes": {"barrier": "x"}},
        )
    assert set(info.value.message_dict) == {"end_m", "attributes"}
    with pytest.raises(ValidationError) as info:
        services.create_asset(
            actor=w["engineer"],
            data={**base, "asset_type": w["types"]["sign"], "start_m": 20_000.0},
        )
    assert "start_m" in info.value.message_dict
    asset = services.create_asset(
        actor=w["engineer"],
        data={**base, "asset_type": w["types"]["sign"], "attributes": {"sign_code": "W-1"}},
    )
    assert asset.district == w["west"]
    assert AuditLog.objects.filter(resource="assets.asset", action="create").count() == 5


def test_outsider_cannot_place_assets_on_another_network(assets_world: dict[str, Any]) -> None:
    w = assets_world
    with pytest.raises(ValidationError):
        services.create_asset(
            actor=w["outsider"],
            data={"code": "X2", "asset_type": w["types"]["sign"], "route": w["g1"], "start_m": 5.0},
        )


def test_inspection_with_damages_and_idempotent_finding(assets_world: dict[str, Any]) -> None:
    w = assets_world
    inspection, created = services.record_inspection(
        actor=w["worker"],
        data={"asset": w["guardrail"], "inspected_on": w["day"]},
        damages=[{"index": "tci", "item": "guard_damage_heavy", "quantity": 1}],
    )
    assert created and inspection.route == w["g1"] and inspection.chainage_m == 1200.0
    assert inspection.damages.get().chainage_m == 1200.0
    with pytest.raises(ValidationError) as info:
        services.record_inspection(
            actor=w["worker"],
            data={"route": w["g1"], "chainage_m": 10.0},
            damages=[
                {"index": "sci", "item": "nope", "quantity": 1},
                {"index": "tci", "item": "sign_damage", "quantity": -1},
            ],
        )
    assert len(info.value.message_dict["damages"]) == 2
    first, created = services.create_inspection_from_finding(
        actor=w["worker"],
        route=w["g1"],
        chainage_m=2150.0,
        category="slope",
        damage_type="slope_collapse",
        severity="heavy",
        quantity=1,
        source_ref="F-17",
        found_on=w["day"],
    )
    again, created_again = services.create_inspection_from_finding(
        actor=w["worker"],
        route=w["g1"],
        chainage_m=2150.0,
        category="slope",
        damage_type="slope_collapse",
        severity="heavy",
        quantity=1,
        source_ref="F-17",
    )
    assert created and not created_again and again.pk == first.pk
    assert first.damages.get().item == "slope_collapse_heavy" and first.damages.get().index == "sci"
    with pytest.raises(ValidationError):
        services.create_inspection_from_finding(
            actor=w["worker"],
            route=w["g1"],
            chainage_m=10.0,
            category="bogus",
            damage_type="x",
            quantity=1,
        )


def test_viewer_may_not_record(assets_world: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.record_inspection(
            actor=assets_world["viewer"], data={"route": assets_world["g1"], "chainage_m": 5.0}
        )


def test_structure_class_and_alarm(assets_world: dict[str, Any]) -> None:
    w = assets_world
    with pytest.raises(ValidationError):
        services.record_inspection(
            actor=w["engineer"], data={"asset": w["slope"], "technical_class": 2}
        )
    services.record_inspection(
        actor=w["engineer"],
        data={
            "asset": w["bridge"],
            "technical_class": 2,
            "kind": "periodic",
            "inspected_on": dt.date(2025, 5, 1),
        },
    )
    services.record_inspection(
        actor=w["engineer"],
        data={
            "asset": w["bridge"],
            "technical_class": 4,
            "kind": "routine",
            "inspected_on": dt.date(2026, 5, 20),
        },
    )
    # An older inspection recorded later does not replace the latest class.
    services.record_inspection(
        actor=w["engineer"],
        data={
            "asset": w["bridge"],
            "technical_class": 1,
            "kind": "routine",
            "inspected_on": dt.date(2024, 1, 1),
        },
    )
    bridge = Asset.objects.get(pk=w["bridge"].pk)
    assert bridge.condition_class == 4 and bridge.condition_on == dt.date(2026, 5, 20)
    events = Event.objects.filter(kind="assets.structure_class")
    assert events.count() == 1 and events.get().severity == "warning"
    row = services.structures().get(pk=bridge.pk)
    due = {d.kind: d for d in services.due_dates(row, dt.date(2026, 7, 1))}
    assert due["routine"].due == dt.date(2026, 6, 19) and due["routine"].overdue
    assert due["periodic"].due == dt.date(2028, 4, 30) and not due["periodic"].overdue
    assert services.raise_overdue(actor=SYSTEM, today=dt.date(2026, 7, 1)) >= 1
    assert services.raise_overdue(actor=SYSTEM, today=dt.date(2026, 7, 1)) >= 1  # same keys
    assert Event.objects.filter(kind="assets.inspection_due").count() == 1


def test_unit_parts_from_inventory_hand_computed(assets_world: dict[str, Any]) -> None:
    """G109 0–10 km in 1000 m units, rated on 2026-06-01:

    - unit 1 (1–2 km): guardrail inspected twice; only the latest counts: 1 heavy barrier
      damage (30) → TCI = 100 − 0.25·30 = 92.5; no SCI survey there → SCI NaN.
    - unit 2 (2–3 km): patrol finding of 1 heavy slope collapse (50) + 10 m kerb (40)
      → SCI = 100 − 0.20·50 − 0.05·40 = 88; the finding is asset-less so TCI is surveyed
      with nothing found → 100.
    - unit 3 (3–4 km): bridge class 3 → BCI 70;  unit 5 (5–6 km): culvert class 5 → BCI 0,
      MQI forced to 0;  other units BCI 100.
    - A finding older than a year (2025-01-01) does not count.
    """
    w = assets_world
    eng = w["engineer"]
    services.record_inspection(
        actor=eng,
        data={"asset": w["guardrail"], "inspected_on": dt.date(2026, 1, 5)},
        damages=[{"index": "tci", "item": "guard_damage_heavy", "quantity": 3}],
    )
    services.record_inspection(
        actor=eng,
        data={"asset": w["guardrail"], "inspected_on": dt.date(2026, 5, 5)},
        damages=[{"index": "tci", "item": "guard_damage_heavy", "quantity": 1}],
    )
    services.create_inspection_from_finding(
        actor=eng,
        route=w["g1"],
        chainage_m=2150.0,
        category="sci",
        damage_type="slope_collapse_heavy",
        quantity=1,
        found_on=dt.date(2026, 4, 1),
    )
    services.record_inspection(
        actor=eng,
        data={"route": w["g1"], "chainage_m": 2500.0, "inspected_on": dt.date(2026, 4, 1)},
        damages=[{"index": "sci", "item": "curb_damage", "quantity": 10}],
    )
    services.create_inspection_from_finding(
        actor=eng,
        route=w["g1"],
        chainage_m=2600.0,
        category="sci",
        damage_type="settlement_heavy",
        quantity=5,
        found_on=dt.date(2025, 1, 1),
    )
    services.record_inspection(
        actor=eng,
        data={"asset": w["bridge"], "technical_class": 3, "inspected_on": dt.date(2026, 3, 1)},
    )
    services.record_inspection(
        actor=eng,
        data={"asset": w["culvert"], "technical_class": 5, "inspected_on": dt.date(2026, 3, 1)},
    )
    bounds = services.route_units(w["g1"])
    assert len(bounds) == 10
    parts = services.inventory_parts(route=w["g1"], bounds=bounds, on=w["day"])
    assert math.isnan(parts["sci"][1]) and parts["tci"][1] == pytest.approx(92.5)
    assert parts["sci"][2] == pytest.approx(88.0) and parts["tci"][2] == pytest.approx(100.0)
    np.testing.assert_allclose(parts["bci"], [100, 100, 100, 70, 100, 0, 100, 100, 100, 100])
    assert list(np.flatnonzero(parts["mqi_zero"])) == [5]
    assert Damage.objects.count() == 5 and Inspection.objects.count() == 7
