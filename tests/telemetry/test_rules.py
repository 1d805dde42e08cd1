"""Live rules: JTG F40-2004 golden cases, debounce, auto-resolve, one alarm per device+rule."""

from __future__ import annotations

from typing import Any

from zhiyang.telemetry.rules import (
    RuleEngine,
    Sample,
    build_config,
    notified_roles,
    validate_overrides,
    validate_roller_phases,
)

T0 = 1_790_000_000_000


def paver(t_s: float, **values: Any) -> Sample:
    base = {"speed_m_per_min": 3.0}
    base.update(values)
    return Sample(1, 10, "paver", "paver", 7, T0 + int(t_s * 1000), 36.0, 103.0, base)


def run(engine: RuleEngine, config: Any, samples: list[Sample]) -> list[tuple[str, str]]:
    out = []
    for s in samples:
        out += [(e.kind, e.rule) for e in engine.evaluate(s, config)]
    return out


def test_sbs_paving_at_155_is_below_160_and_alarms_after_the_debounce() -> None:
    config = build_config(binder_grade="sbs", debounce_s=10)
    assert config.limits["paving_temp"].min == 160
    engine = RuleEngine()
    events = run(engine, config, [paver(0, mat_temp_c=[155.0] * 4)])
    assert events == []  # not yet: the debounce
    events = run(engine, config, [paver(5, mat_temp_c=[155.0] * 4)])
    assert events == []
    found = engine.evaluate(paver(10, mat_temp_c=[155.0] * 4), config)
    assert [(e.kind, e.rule) for e in found] == [("raise", "paving_temp")]
    assert found[0].value == 155 and found[0].limit == 160 and found[0].started_ms == T0
    assert found[0].severity == "warning"


def test_70_at_136_normal_is_fine_and_low_temperature_needs_150() -> None:
    normal = build_config(binder_grade="70", debounce_s=0)
    assert normal.limits["paving_temp"].min == 135
    assert run(RuleEngine(), normal, [paver(0, mat_temp_c=[136.0, 137.0])]) == []
    low = build_config(binder_grade="70", season="low_temperature", debounce_s=0)
    assert low.limits["paving_temp"].min == 150
    assert run(RuleEngine(), low, [paver(0, mat_temp_c=[136.0, 137.0])]) == [
        ("raise", "paving_temp")
    ]


def test_coldest_point_and_screed_temperature() -> None:
    config = build_config(binder_grade="70", debounce_s=0)
    events = RuleEngine().evaluate(paver(0, mat_temp_c=[150.0, 150.0, 120.0]), config)
    assert events[0].rule == "paving_temp" and events[0].value == 120 and events[0].params
    assert events[0].severity == "critical"  # 15 °C short
    assert run(RuleEngine(), config, [paver(0, screed_temp_c=130.0)]) == [("raise", "paving_temp")]


def test_auto_resolve_after_clear_for_the_debounce_and_no_storm() -> None:
    config = build_config(binder_grade="sbs", debounce_s=10)
    engine = RuleEngine()
    cold = [paver(t, mat_temp_c=[150.0]) for t in range(0, 31, 2)]
    kinds = run(engine, config, cold)
    assert kinds.count(("raise", "paving_temp")) == 1  # one alarm, then updates
    assert ("update", "paving_temp") in kinds
    warm = [paver(t, mat_temp_c=[165.0]) for t in range(32, 41, 2)]
    assert run(engine, config, warm) == []  # clear for 8 s: not yet
    assert run(engine, config, [paver(42, mat_temp_c=[165.0])]) == [("resolve", "paving_temp")]
    # A blip shorter than the debounce raises nothing.
    assert run(engine, config, [paver(44, mat_temp_c=[150.0]), paver(46, mat_temp_c=[165.0])]) == []


def test_paver_speed_and_stop() -> None:
    sma = build_config(mix_type="sma", debounce_s=0, paver_stop_s=60)
    assert (sma.limits["paver_speed"].min, sma.limits["paver_speed"].max) == (1, 3)
    assert run(RuleEngine(), sma, [paver(0, speed_m_per_min=4.0)]) == [("raise", "paver_speed")]
    dense = build_config(debounce_s=0, paver_stop_s=60)
    assert run(RuleEngine(), dense, [paver(0, speed_m_per_min=4.0)]) == []
    engine = RuleEngine()
    stops = [paver(t, speed_m_per_min=0.0) for t in (0, 30, 60, 61)]
    assert run(engine, dense, stops) == [("raise", "paver_stop")]
    assert run(engine, dense, [paver(62, speed_m_per_min=3.0)]) == [("resolve", "paver_stop")]
    assert notified_roles("paver_stop", "warning") == ["engineer", "manager"]
    assert notified_roles("paving_temp", "critical") == ["qc_inspector", "engineer", "manager"]


def roller(t_s: float, kind: str = "steel_drum_roller", lat: float = 36.0, **values: Any) -> Sample:
    base = {"speed_kmh": 3.0, "drum_width_m": 2.0}
    base.update(values)
    return Sample(2, 20, "roller", kind, 7, T0 + int(t_s * 1000), lat, 103.0, base)


def test_roller_speed_temperatures_by_phase_and_type() -> None:
    config = build_config(debounce_s=0, roller_phases={"20": "initial"})
    engine = RuleEngine()
    assert run(engine, config, [roller(0, speed_kmh=4.0, surface_temp_c=131.0)]) == []
    assert run(engine, config, [roller(1, speed_kmh=4.5, surface_temp_c=125.0)]) == [
        ("raise", "roller_speed"),
        ("raise", "rolling_start_temp"),
    ]
    final = build_config(debounce_s=0, roller_phases={"20": "final"})
    # 70#, pneumatic: end of rolling ≥ 70 (JTG F40 table 5.2.2-2); steel ≥ 65... by specs.
    limit = final.rolling_end["pneumatic"].min
    assert limit is not None
    ok = roller(0, kind="pneumatic_roller", surface_temp_c=limit + 1)
    cold = roller(1, kind="pneumatic_roller", surface_temp_c=limit - 1)
    engine = RuleEngine()
    assert run(engine, final, [ok]) == []
    assert run(engine, final, [cold]) == [("raise", "rolling_end_temp")]


def test_roller_gap_behind_the_paver() -> None:
    config = build_config(debounce_s=0, roller_phases={"20": "initial"}, max_gap_m=50, max_gap_s=60)
    engine = RuleEngine()
    # The paver moves north 1 m per second for 100 s.
    for t in range(0, 101):
        engine.evaluate(
            Sample(
                1,
                10,
                "paver",
                "paver",
                7,
                T0 + t * 1000,
                36.0 + t / 111_195.0,
                103.0,
                {"speed_m_per_min": 3.0},
            ),
            config,
        )
    close = roller(100, lat=36.0 + 80 / 111_195.0)  # 20 m, 20 s behind
    assert run(engine, config, [close]) == []
    far = roller(101, lat=36.0 + 10 / 111_195.0)  # 90 m and 91 s behind
    assert run(engine, config, [far]) == [
        ("raise", "roller_gap_distance"),
        ("raise", "roller_gap_time"),
    ]


def test_spray_rate_thickness_and_arrival() -> None:
    config = build_config(
        debounce_s=0, spray_base="asphalt", design_thickness_mm=40, tolerance_mm=5
    )
    assert (config.limits["spray_rate"].min, config.limits["spray_rate"].max) == (0.3, 0.6)
    spray = Sample(
        3, 30, "sprayer", "asphalt_distributor", 7, T0, 36.0, 103.0, {"rate_l_per_m2": 0.8}
    )
    assert [e.rule for e in RuleEngine().evaluate(spray, config)] == ["spray_rate"]
    assert run(RuleEngine(), config, [paver(0, thickness_mm=44.0)]) == []
    assert run(RuleEngine(), config, [paver(0, thickness_mm=34.0)]) == [("raise", "thickness")]
    truck = Sample(4, 40, "truck", "truck", 7, T0, 36.0, 103.0, {"mix_temp_c": 140.0})
    assert [e.rule for e in RuleEngine().evaluate(truck, config)] == ["arrival_temp"]


def test_overrides() -> None:
    config = build_config(overrides={"paving_temp": {"min": 170}})
    assert config.limits["paving_temp"].min == 170
    assert config.limits["paving_temp"].source == "override"
    assert validate_overrides({"paving_temp": {"min": 170}}) == ""
    assert validate_overrides({"nope": {}}) != ""
    assert validate_overrides({"thickness": {"min": 5, "max": 1}}) != ""
    assert validate_roller_phases({"3": "initial"}) == ""
    assert validate_roller_phases({"x": "initial"}) != ""
