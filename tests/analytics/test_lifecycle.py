"""Candidate generation (zhiyang.analytics.lifecycle): applicability, the exact benefit
definition (area between the treated and do-nothing trajectories × length × traffic),
costs, network trajectories (mean PQI, 优良率, backlog), targets and explanations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from zhiyang.analytics.deterioration import StandardDecay
from zhiyang.analytics.lifecycle import (
    LifecycleError,
    Treatment,
    Units,
    build_candidates,
    example_treatments,
)
from zhiyang.analytics.optimize import min_cost_to_target, solve

MODEL = StandardDecay(10.0, 1.0)
YEARS = (2027, 2028, 2029)


def model_for(pavement: str, road_class: str) -> StandardDecay:
    return MODEL


def units(**kw: object) -> Units:
    values: dict[str, object] = {
        "id": np.array(["A", "B", "C"]),
        "length_m": [1000.0, 500.0, 2000.0],
        "width_m": [10.0, 10.0, 7.0],
        "pqi_now": [92.0, 75.0, 55.0],
        "pavement": "asphalt",
        "road_class": ["class1", "class2", "class2"],
        "traffic_weight": [2.0, 1.0, 1.0],
    }
    values.update(kw)
    return Units.from_columns(**values)  # type: ignore[arg-type]


RESET = Treatment("thin_overlay", 50.0, min_index=0.0, max_index=85.0, reset_to=100.0)
SEAL = Treatment("crack_sealing", 5.0, min_index=80.0, max_index=100.0, improve_by=3.0)


def test_benefit_is_the_documented_area() -> None:
    c = build_candidates(units(), [RESET, SEAL], YEARS, model_for)
    base = MODEL.predict(np.array([92.0, 75.0, 55.0]), np.arange(1, 4))
    np.testing.assert_allclose(c.base, base)
    # Unit B (75) with thin overlay in 2028: before = base after one year, then reset to
    # 100 at the start of 2028 and decay from age 0: end of 2028 = value(1), 2029 = value(2).
    k = int(np.flatnonzero((c.unit == 1) & (c.year == 2028) & (c.treatment == 0))[0])
    assert c.index_before[k] == pytest.approx(base[1, 0])
    assert c.index_after[k] == 100.0
    expected_traj = [base[1, 0], float(MODEL.value(1.0)), float(MODEL.value(2.0))]
    np.testing.assert_allclose(c.treated[k], expected_traj)
    # weight = 0.5 km × traffic 1; area in index-points × years.
    expected = 0.5 * 1.0 * (expected_traj[1] - base[1, 1] + expected_traj[2] - base[1, 2])
    assert c.benefit[k] == pytest.approx(expected)
    assert c.cost_yuan[k] == pytest.approx(50.0 * 500.0 * 10.0)
    assert c.year_index[k] == 1


def test_applicability_and_interval() -> None:
    c = build_candidates(units(), [RESET, SEAL], YEARS, model_for)
    # Unit A (92) decays to ~87 by 2028 start: sealing applies, the overlay (≤ 85) only later.
    a = c.unit == 0
    assert set(c.treatment[a & (c.year == 2027)].tolist()) == {1}
    # Unit C (55): no sealing ever.
    assert not np.any((c.unit == 2) & (c.treatment == 1))
    limited = Treatment("x", 1.0, reset_to=100.0, min_interval_years=5, road_classes=("class2",))
    c2 = build_candidates(
        units(years_since_treatment=[math.nan, 3.0, 4.0]), [limited], YEARS, model_for
    )
    # A is class1 (not allowed); B needs 3 + k >= 5 -> k = 2 only; C: k >= 1.
    assert not np.any(c2.unit == 0)
    assert c2.year[c2.unit == 1].tolist() == [2029]
    assert c2.year[c2.unit == 2].tolist() == [2028, 2029]


def test_trajectories_good_rate_and_backlog() -> None:
    c = build_candidates(units(), [RESET, SEAL], YEARS, model_for)
    nothing = c.trajectories()
    length = np.array([1000.0, 500.0, 2000.0])
    np.testing.assert_allclose(nothing.mean_pqi, length @ c.base / length.sum())
    assert nothing.now_good_rate_pct == pytest.approx(100 * 1000 / 3500)
    # Backlog: units below 70 (中) times the cheapest applicable treatment's cost.
    assert nothing.now_backlog_yuan == pytest.approx(50.0 * 2000 * 7)
    k = int(np.flatnonzero((c.unit == 2) & (c.year == 2027))[0])
    treated = c.trajectories([k])
    assert treated.backlog_yuan[0] < nothing.backlog_yuan[0]
    assert treated.good_rate_pct[0] == pytest.approx(100 * 3000 / 3500)
    assert treated.spend_yuan.tolist() == [c.cost_yuan[k], 0.0, 0.0]
    d = treated.as_dict()
    assert d["years"] == list(YEARS) and len(d["good_rate_pct"]) == 3
    with pytest.raises(LifecycleError):
        c.trajectories([k, k])


def test_solver_round_trip_and_explain() -> None:
    c = build_candidates(units(), [RESET, SEAL], YEARS, model_for)
    sol = solve(**c.for_solver(), budgets=dict.fromkeys(YEARS, 600_000.0), mip_rel_gap=0)
    assert sol.status == "optimal" and sol.selected.size
    k = int(sol.selected[0])
    e = c.explain(k, selection=sol.selected)
    assert e["selected"] is True
    assert e["treatment"] in {"thin_overlay", "crack_sealing"}
    assert e["unit_id"] in {"A", "B", "C"}
    assert e["benefit_cost_ratio"] == pytest.approx(c.benefit[k] / c.cost_yuan[k])
    assert 1 <= e["rank"] <= len(c) and 1 <= e["rank_in_unit"] <= e["candidates_of_unit"]
    assert len(e["do_nothing"]) == len(e["treated"]) == 3
    with pytest.raises(LifecycleError):
        c.explain(len(c))


def test_target_min_cost() -> None:
    c = build_candidates(units(), [RESET, SEAL], YEARS, model_for)
    gain, base, req = c.target(90.0, mode="final")
    sol = min_cost_to_target(c.unit, c.year, c.cost_yuan, gain, base, req, mip_rel_gap=0)
    assert sol.status == "optimal"
    assert c.trajectories(sol.selected).good_rate_pct[-1] >= 90.0 - 1e-9
    gain, base, req = c.target(100.0, mode="each")
    sol = min_cost_to_target(c.unit, c.year, c.cost_yuan, gain, base, req)
    # Unit C cannot be good at the end of 2027 unless treated in 2027, B likewise: feasible.
    if sol.ok:
        assert np.all(c.trajectories(sol.selected).good_rate_pct >= 100.0 - 1e-9)


def test_default_models_and_example_catalogue() -> None:
    trs = example_treatments()
    assert len(trs) == 10 and {t.code for t in trs} >= {"crack_sealing", "reconstruction"}
    u = units(pavement=["asphalt", "concrete", "asphalt"])
    c = build_candidates(u, trs, range(2027, 2032), weight="length")
    assert len(c) > 0 and np.all(c.benefit > 0) and np.all(c.cost_yuan > 0)
    assert c.base.shape == (3, 5) and c.treated.shape == (len(c), 5)
    # Longer benefit horizon: more benefit for the same candidates.
    longer = build_candidates(u, trs, range(2027, 2032), weight="length", benefit_years=10)
    assert longer.benefit.sum() > c.benefit.sum()


def test_validation() -> None:
    with pytest.raises(LifecycleError):
        Treatment("x", 1.0)  # neither reset_to nor improve_by
    with pytest.raises(LifecycleError):
        Treatment("x", -1.0, reset_to=100.0)
    with pytest.raises(LifecycleError):
        units(length_m=[1.0, -1.0, 1.0])
    with pytest.raises(LifecycleError):
        units(pqi_now=[1.0, 120.0, 1.0])
    with pytest.raises(LifecycleError):
        build_candidates(units(), [RESET], [2027, 2029], model_for)
    with pytest.raises(LifecycleError):
        build_candidates(units(), [RESET], [], model_for)
    assert (
        Treatment.from_mapping(
            {"code": "y", "unit_cost_yuan_per_m2": 3, "improve_by": 2, "x": 1}
        ).code
        == "y"
    )


def test_markov_model_plugs_in() -> None:
    from zhiyang.analytics.deterioration import MarkovChain

    chain = MarkovChain(
        (
            (0.7, 0.3, 0.0, 0.0, 0.0),
            (0.0, 0.7, 0.3, 0.0, 0.0),
            (0.0, 0.0, 0.7, 0.3, 0.0),
            (0.0, 0.0, 0.0, 0.7, 0.3),
            (0.0, 0.0, 0.0, 0.0, 1.0),
        )
    )
    c = build_candidates(units(), [RESET, SEAL], YEARS, lambda p, rc: chain)
    assert len(c) > 0 and np.all(c.benefit > 0)
    np.testing.assert_allclose(c.base, chain.predict(np.array([92.0, 75.0, 55.0]), [1, 2, 3]))
