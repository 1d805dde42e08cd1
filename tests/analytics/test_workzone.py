"""The JTG H30-2015 work-zone kernel: golden buffer lengths, zone order, speed steps."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhiyang.analytics import workzone
from zhiyang.analytics.workzone import (
    ZONE_ORDER,
    ParameterError,
    WorkZoneInputError,
    buffer_length_m,
    design_work_zone,
    load_parameters,
)

# JTG H30-2015 Table 4.0.6: final speed limit -> (downgrade <= 3 %, > 3 %).
BUFFER_TABLE = {
    80: (120.0, 150.0),
    70: (100.0, 120.0),
    60: (80.0, 100.0),
    50: (60.0, 80.0),
    40: (50.0, 50.0),
    30: (40.0, 40.0),
    20: (40.0, 40.0),
}


@pytest.mark.parametrize("speed", sorted(BUFFER_TABLE))
@pytest.mark.parametrize("downgrade,band", [(0.0, 0), (2.0, 0), (3.0, 0), (3.01, 1), (6.0, 1)])
def test_buffer_table_golden(speed: int, downgrade: float, band: int) -> None:
    layout = design_work_zone(speed_limit_kmh=speed, downgrade_pct=downgrade, work_length_m=300)
    assert layout.zone("buffer").length_m == BUFFER_TABLE[speed][band]
    assert buffer_length_m(speed, downgrade) == BUFFER_TABLE[speed][band]


def test_buffer_table_is_confirmed_with_source() -> None:
    params = load_parameters()
    assert params["buffer"]["confirmed"] is True
    assert "4.0.6" in params["buffer"]["source"]
    layout = design_work_zone(speed_limit_kmh=80, work_length_m=100)
    assert layout.zone("buffer").confirmed is True
    assert "buffer.length_m.80" not in layout.unconfirmed
    # Tables not checked against the printed standard are flagged.
    assert layout.zone("warning").confirmed is False
    assert any(k.startswith("warning.") for k in layout.unconfirmed)


def test_between_speeds_take_the_next_higher_tabulated_speed() -> None:
    assert buffer_length_m(65, 0) == 100.0
    assert buffer_length_m(45, 4) == 80.0
    assert buffer_length_m(25, 0) == 40.0


@pytest.mark.parametrize("speed", [10, 19.9, 81, 100, 120])
def test_speeds_outside_the_table_are_refused(speed: float) -> None:
    with pytest.raises(WorkZoneInputError, match="outside the table"):
        design_work_zone(speed_limit_kmh=speed, work_length_m=100)


def test_zone_order_and_contiguous_offsets() -> None:
    layout = design_work_zone(
        speed_limit_kmh=60, downgrade_pct=1, work_length_m=400, design_speed_kmh=100
    )
    assert tuple(z.zone for z in layout.zones) == ZONE_ORDER
    assert layout.zones[0].start_offset_m == 0
    for before, after in zip(layout.zones, layout.zones[1:], strict=False):
        assert after.start_offset_m == pytest.approx(before.end_offset_m)
    assert layout.total_length_m == pytest.approx(sum(z.length_m for z in layout.zones))
    assert layout.zone("work").length_m == 400
    assert layout.zone("downstream_taper").length_m >= 30
    assert layout.zone("termination").length_m >= 30


def test_speed_steps_at_most_20_and_200_m_apart() -> None:
    layout = design_work_zone(speed_limit_kmh=40, work_length_m=200, design_speed_kmh=100)
    speeds = [100] + [s.speed_kmh for s in layout.speed_steps]
    assert speeds[-1] == 40
    assert all(0 < a - b <= 20 for a, b in itertools.pairwise(speeds))
    offsets = [s.offset_m for s in layout.speed_steps]
    assert all(b - a == pytest.approx(200) for a, b in itertools.pairwise(offsets))
    warning = layout.zone("warning")
    assert all(warning.start_offset_m <= o <= warning.end_offset_m for o in offsets)
    kinds = [s.kind for s in layout.signs]
    assert kinds[0] == "road_work" and kinds[-1] == "end_speed_limit"
    assert {"speed_limit", "lane_reduction", "direction", "cones_start"} <= set(kinds)


@given(
    speed=st.integers(min_value=20, max_value=80),
    extra=st.integers(min_value=0, max_value=40),
    downgrade=st.floats(min_value=0, max_value=10),
    work=st.floats(min_value=1, max_value=4000),
)
def test_layout_properties(speed: int, extra: int, downgrade: float, work: float) -> None:
    layout = design_work_zone(
        speed_limit_kmh=speed,
        downgrade_pct=downgrade,
        work_length_m=work,
        design_speed_kmh=speed + extra,
    )
    assert [z.zone for z in layout.zones] == list(ZONE_ORDER)
    assert all(z.length_m > 0 for z in layout.zones)
    speeds = [speed + extra] + [s.speed_kmh for s in layout.speed_steps]
    assert all(0 <= a - b <= 20 for a, b in itertools.pairwise(speeds))
    assert layout.speed_steps[-1].speed_kmh == speed
    assert all(0 <= s.offset_m <= layout.total_length_m for s in layout.signs)


def test_work_area_limits() -> None:
    design_work_zone(speed_limit_kmh=60, work_length_m=4000)
    with pytest.raises(WorkZoneInputError, match="work length"):
        design_work_zone(speed_limit_kmh=60, work_length_m=4001)
    design_work_zone(speed_limit_kmh=60, work_length_m=6000, opposite_carriageway=True)


def test_taper_depends_on_lane_width_and_shoulder() -> None:
    wide = design_work_zone(speed_limit_kmh=60, work_length_m=100, lane_width_m=3.75)
    narrow = design_work_zone(speed_limit_kmh=60, work_length_m=100, lane_width_m=3.0)
    shoulder = design_work_zone(speed_limit_kmh=60, work_length_m=100, shoulder_only=True)
    assert wide.zone("upstream_taper").length_m > narrow.zone("upstream_taper").length_m
    assert shoulder.zone("upstream_taper").length_m < wide.zone("upstream_taper").length_m


def test_parameters_override_and_are_flagged() -> None:
    layout = design_work_zone(
        speed_limit_kmh=60,
        work_length_m=100,
        parameters={"termination": {"min_m": 50.0}},
    )
    assert layout.zone("termination").length_m == 50
    assert layout.zone("termination").confirmed is False
    assert "override" in layout.zone("termination").source
    with pytest.raises(ParameterError):
        design_work_zone(speed_limit_kmh=60, work_length_m=100, parameters={"nope": {"a": 1}})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"speed_limit_kmh": float("nan"), "work_length_m": 100},
        {"speed_limit_kmh": 60, "work_length_m": 0},
        {"speed_limit_kmh": 60, "work_length_m": 100, "downgrade_pct": -1},
        {"speed_limit_kmh": 60, "work_length_m": 100, "design_speed_kmh": 40},
        {"speed_limit_kmh": 60, "work_length_m": 100, "closed_lanes": 0},
    ],
)
def test_bad_inputs(kwargs: dict[str, float]) -> None:
    with pytest.raises(WorkZoneInputError):
        design_work_zone(**kwargs)  # type: ignore[arg-type]


def test_to_dict_starts_with_zones_in_order() -> None:
    data = design_work_zone(speed_limit_kmh=50, work_length_m=100).to_dict()
    assert next(iter(data)) == "zones"
    assert [z["zone"] for z in data["zones"]] == list(workzone.ZONE_ORDER)
