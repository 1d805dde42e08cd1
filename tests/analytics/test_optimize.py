"""The budget optimiser (zhiyang.analytics.optimize): the exact MILP against brute force
over all subsets of random small problems, feasibility of the baselines, edge cases, the
minimum-cost-to-target problem, and input validation."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiyang.analytics.optimize import (
    OptimizeInputError,
    Solution,
    min_cost_to_target,
    solve,
)

EPS = 1e-9


def feasible(p: dict[str, Any], chosen: list[int] | np.ndarray) -> bool:
    chosen = list(chosen)
    units = [p["unit"][k] for k in chosen]
    if len(units) != len(set(units)):
        return False
    for year, limit in p["budgets"].items():
        spend = math.fsum(p["cost"][k] for k in chosen if p["year"][k] == year)
        if spend > limit + EPS * max(1.0, abs(limit)):
            return False
    total = p.get("total_budget")
    return total is None or math.fsum(p["cost"][k] for k in chosen) <= total + EPS * max(
        1, abs(total)
    )


def brute_force(p: dict[str, Any]) -> float:
    n = len(p["unit"])
    best = 0.0
    for r in range(n + 1):
        for subset in itertools.combinations(range(n), r):
            if feasible(p, subset):
                best = max(best, math.fsum(p["benefit"][k] for k in subset))
    return best


@st.composite
def problems(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(0, 12))
    n_units = draw(st.integers(1, 6))
    years = [2027, 2028, 2029][: draw(st.integers(1, 3))]
    integral = draw(st.booleans())
    num = st.integers(0, 60).map(float) if integral else st.floats(0.0, 60.0, allow_nan=False)
    return {
        "unit": [draw(st.integers(0, n_units - 1)) for _ in range(n)],
        "year": [draw(st.sampled_from(years)) for _ in range(n)],
        "cost": [draw(num) for _ in range(n)],
        "benefit": [draw(st.one_of(num, st.floats(-5.0, 0.0))) for _ in range(n)],
        "budgets": {y: draw(st.integers(0, 100).map(float)) for y in years},
        "total_budget": draw(st.one_of(st.none(), st.integers(0, 150).map(float))),
    }


def run(p: dict[str, Any], **kw: Any) -> Solution:
    return solve(
        p["unit"],
        p["year"],
        p["cost"],
        p["benefit"],
        p["budgets"],
        total_budget=p["total_budget"],
        **kw,
    )


@settings(max_examples=250, deadline=None)
@given(problems())
def test_milp_equals_brute_force(p: dict[str, Any]) -> None:
    best = brute_force(p)
    sol = run(p, mip_rel_gap=0.0)
    assert sol.status == "optimal"
    assert feasible(p, sol.selected)
    assert sol.objective == pytest.approx(best, abs=1e-6)
    assert sol.objective == pytest.approx(math.fsum(p["benefit"][k] for k in sol.selected))
    for method in ("ibc", "worst-first"):
        heur = run(p, method=method)
        assert heur.status == "heuristic"
        assert feasible(p, heur.selected)
        assert heur.objective <= best + 1e-6


@settings(max_examples=120, deadline=None)
@given(problems())
def test_milp_default_gap_is_close(p: dict[str, Any]) -> None:
    best = brute_force(p)
    sol = run(p)  # mip_rel_gap 0.5 %
    assert feasible(p, sol.selected)
    assert sol.objective >= best * (1 - 0.005) - 1e-6
    assert sol.gap is not None and sol.gap <= 0.005 + 1e-9
    # The bound (Lagrangian / LP or HiGHS's) is a valid upper bound of the optimum.
    assert sol.bound is not None and sol.bound >= best - 1e-6 * max(1.0, best)


def test_worked_example() -> None:
    # u1: a (60, 10, 2027) or b (50, 8, 2028); u2: c (40, 7, 2027) or e (100, 20, 2027);
    # u3: d (50, 9, 2028). Budgets 100 / 50: e + d = 29 beats a + c + d = 26 and e + b = 28.
    sol = solve(
        ["u1", "u1", "u2", "u3", "u2"],
        [2027, 2028, 2027, 2028, 2027],
        [60, 50, 40, 50, 100],
        [10, 8, 7, 9, 20],
        {2027: 100, 2028: 50},
        mip_rel_gap=0,
    )
    assert sol.status == "optimal"
    assert sol.selected.tolist() == [3, 4]
    assert sol.objective == 29.0
    assert sol.spend_by_year == {2027: 100.0, 2028: 50.0}
    assert sol.gap == pytest.approx(0.0, abs=1e-9)
    assert sol.method == "milp" and sol.seconds >= 0


def test_empty_and_degenerate() -> None:
    for method in ("milp", "ibc", "worst-first"):
        sol = solve([], [], [], [], {2027: 10.0}, method=method)
        assert sol.ok and sol.objective == 0 and sol.selected.size == 0
        # Nothing with a positive benefit, or nothing affordable.
        sol = solve([1, 2], [2027, 2027], [5, 50], [-1, 3], {2027: 10.0}, method=method)
        assert sol.ok and sol.selected.size == 0
    # Zero cost, zero budget: still selectable.
    sol = solve([1], [2027], [0.0], [4.0], {2027: 0.0}, mip_rel_gap=0)
    assert sol.selected.tolist() == [0]


def test_infeasible_is_a_status() -> None:
    sol = solve([1], [2027], [1.0], [1.0], {2027: -5.0})
    assert sol.status == "infeasible" and not sol.ok
    sol = solve([1], [2027], [1.0], [1.0], {2027: 5.0}, total_budget=-1)
    assert sol.status == "infeasible"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"year": [2030]}, "year"),
        ({"cost": [-1.0]}, "cost"),
        ({"benefit": [math.nan]}, "benefit"),
        ({"cost": [1.0, 2.0]}, "cost"),
        ({"budgets": {"x": 1}}, "budgets"),
        ({"budgets": {2027: math.inf}}, "budgets"),
        ({"method": "magic"}, "method"),
        ({"total_budget": math.nan}, "total_budget"),
        ({"mip_rel_gap": 2.0}, "mip_rel_gap"),
        ({"year": [2027.5]}, "year"),
    ],
)
def test_input_errors_name_the_field(kwargs: dict[str, Any], field: str) -> None:
    args: dict[str, Any] = {
        "unit": [1],
        "year": [2027],
        "cost": [1.0],
        "benefit": [1.0],
        "budgets": {2027: 1.0},
    }
    args.update(kwargs)
    with pytest.raises(OptimizeInputError) as exc:
        solve(**args)
    assert exc.value.field == field


def test_larger_problem_heuristics_below_milp() -> None:
    rng = np.random.default_rng(3)
    n_units, years = 300, [2027, 2028, 2029]
    unit = np.repeat(np.arange(n_units), 6)
    year = rng.choice(years, unit.size)
    cost = rng.uniform(1, 20, unit.size)
    benefit = cost * rng.uniform(0.5, 2.0, unit.size)
    budgets = dict.fromkeys(years, 400.0)
    opt = solve(unit, year, cost, benefit, budgets, mip_rel_gap=0.001)
    assert opt.status == "optimal" and opt.gap is not None and opt.gap <= 0.001
    assert opt.bound is not None and opt.bound >= opt.objective
    for method in ("ibc", "worst-first"):
        h = solve(unit, year, cost, benefit, budgets, method=method, priority=-benefit)
        assert h.objective <= opt.bound + 1e-6
        assert all(h.spend_by_year[y] <= 400.0 + 1e-9 for y in years)
        assert np.unique(unit[h.selected]).size == h.selected.size
    ibc = solve(unit, year, cost, benefit, budgets, method="ibc")
    assert ibc.objective >= 0.9 * opt.objective


def test_worst_first_order() -> None:
    # Unit 0 is worst (priority 40) and gets its cheapest candidate first.
    sol = solve(
        [0, 0, 1, 2],
        [2027] * 4,
        [5.0, 8.0, 6.0, 4.0],
        [3.0, 9.0, 9.0, 1.0],
        {2027: 10.0},
        method="worst-first",
        priority=[40.0, 40.0, 60.0, 50.0],
    )
    assert sol.selected.tolist() == [0, 3]


def test_min_cost_to_target() -> None:
    # Two periods; the measure must reach 10 in both. Candidate gains per period:
    unit = [0, 0, 1, 2]
    year = [2027, 2027, 2027, 2027]
    cost = [5.0, 9.0, 4.0, 3.0]
    gain = [[4, 4], [8, 8], [3, 0], [3, 3]]
    sol = min_cost_to_target(unit, year, cost, gain, [2, 2], [10, 10], mip_rel_gap=0)
    # Need +8 in both periods: {1} costs 9; {0, 3} gives 7 (short); {1} is the cheapest.
    assert sol.status == "optimal"
    assert sol.selected.tolist() == [1] and sol.objective == 9.0
    # Only the second period checked: the same.
    sol = min_cost_to_target(unit, year, cost, gain, [2, 2], [math.nan, 9], mip_rel_gap=0)
    assert sol.objective == 8.0 and sol.selected.tolist() == [0, 3]
    # Already met: nothing to do.
    sol = min_cost_to_target(unit, year, cost, gain, [20, 20], [10, 10])
    assert sol.status == "optimal" and sol.selected.size == 0
    # Unreachable.
    sol = min_cost_to_target(unit, year, cost, gain, [0, 0], [100, 100])
    assert sol.status == "infeasible"
    # A budget that makes it unreachable.
    sol = min_cost_to_target(unit, year, cost, gain, [2, 2], [10, 10], budgets={2027: 5})
    assert sol.status == "infeasible"
    with pytest.raises(OptimizeInputError):
        min_cost_to_target(unit, year, cost, [[1, 1]], [0, 0], [1, 1])


def test_large_network_uses_the_lagrangian_bound() -> None:
    # Many units, few budget rows: the rounded Lagrangian selection is proven within 0.5 %.
    rng = np.random.default_rng(7)
    unit = np.repeat(np.arange(3000), 4)
    year = np.tile([2027, 2027, 2028, 2028], 3000)
    cost = rng.uniform(1, 10, unit.size)
    benefit = cost * rng.uniform(0.2, 3.0, unit.size)
    budgets = {2027: 3000.0, 2028: 2500.0}
    sol = solve(unit, year, cost, benefit, budgets, total_budget=5000.0)
    assert sol.status == "optimal" and sol.gap is not None and sol.gap <= 0.005
    assert "Lagrangian" in sol.message
    assert sol.spend_by_year[2027] <= 3000.0 and sol.spend_by_year[2028] <= 2500.0
    assert sol.total_spend <= 5000.0
    assert np.unique(unit[sol.selected]).size == sol.selected.size


def test_exact_run_with_time_limit_keeps_the_lagrangian_selection() -> None:
    rng = np.random.default_rng(11)
    unit = np.repeat(np.arange(2000), 5)
    year = np.tile([2027, 2028, 2029, 2027, 2028], 2000)
    cost = rng.uniform(1, 10, unit.size)
    benefit = cost * rng.uniform(0.2, 3.0, unit.size)
    budgets = dict.fromkeys([2027, 2028, 2029], 1500.0)
    sol = solve(unit, year, cost, benefit, budgets, mip_rel_gap=0, time_limit_s=1)
    assert sol.status in {"optimal", "time_limit"}
    assert sol.gap is not None and sol.gap <= 0.005
    assert all(sol.spend_by_year[y] <= 1500.0 for y in budgets)
    assert np.unique(unit[sol.selected]).size == sol.selected.size
