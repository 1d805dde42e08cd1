"""Benchmark of the maintenance budget optimiser (zhiyang.analytics.optimize.solve).

Synthetic, seeded networks of N 1-km units (mixed pavements, road classes, widths, traffic
weights, PQI uniform 45–98) × 6 treatments (crack sealing, micro-surfacing, thin overlay,
mill and inlay, structural overlay, reconstruction from lifecycle.example_treatments) × 5
years, candidates built by zhiyang.analytics.lifecycle.build_candidates with the default
decay curves. Yearly budget = ``--budget-share`` × (cost of each unit's cheapest candidate,
summed) / 5, so the budgets bind.

For each size: candidate generation time, the exact MILP (HiGHS, ``--gap`` relative gap,
default 0.5 %) time, status and proven gap, and the two baselines measured in the same run:
incremental benefit-cost (HDM-4/dTIMS efficiency frontier) and worst-first, each as a ratio
of the MILP objective (≤ 1 up to the MILP's gap), with their times (median of ``--repeat``).
Peak RSS of the process is reported after each size (it only grows).

Target (issue 7): 10,000 units solved within 60 s with a gap ≤ 0.5 %.

Usage: python benchmarks/plan.py [--sizes 1000 10000 50000] [--gap 0.005] [--repeat 3]
       [--time-limit 600] [--budget-share 0.4] [--seed 0]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import functools  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zhiyang.analytics.lifecycle import (  # noqa: E402
    Candidates,
    Units,
    build_candidates,
    example_treatments,
)
from zhiyang.analytics.optimize import solve  # noqa: E402

TREATMENTS = (
    "crack_sealing",
    "micro_surfacing",
    "thin_overlay",
    "mill_and_inlay",
    "structural_overlay",
    "reconstruction",
)
YEARS = tuple(range(2027, 2032))


def network(units: int, seed: int = 0) -> Units:
    rng = np.random.default_rng(seed)
    return Units.from_columns(
        id=np.arange(units),
        length_m=np.full(units, 1000.0),
        width_m=rng.choice([7.0, 9.0, 12.0, 24.5], units),
        pqi_now=rng.uniform(45.0, 98.0, units).round(1),
        pavement=rng.choice(["asphalt", "concrete"], units, p=[0.85, 0.15]),
        road_class=rng.choice(["expressway", "class1", "class2", "class3"], units),
        traffic_weight=rng.lognormal(0.0, 0.5, units).round(3),
    )


def budgets(cands: Candidates, share: float) -> dict[int, float]:
    cheapest = np.full(len(cands.units), np.inf)
    np.minimum.at(cheapest, cands.unit, cands.cost_yuan)
    need = float(cheapest[np.isfinite(cheapest)].sum())
    return dict.fromkeys(cands.years, round(share * need / len(cands.years), -3))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def median_time(fn: Any, repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--gap", type=float, default=0.005)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--budget-share", type=float, default=0.4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    trs = example_treatments(TREATMENTS)
    # Warm-up: imports, HiGHS start-up.
    warm = build_candidates(network(50, args.seed), trs, YEARS)
    solve(**warm.for_solver(), budgets=budgets(warm, args.budget_share))

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    header = (
        f"{'units':>7} {'cands':>9} {'build s':>8} {'MILP s':>8} {'status':>10} {'gap %':>7}"
        f" {'IBC s':>7} {'IBC/opt':>8} {'WF s':>6} {'WF/opt':>7} {'RSS MB':>7}"
    )
    print(header)
    print("-" * len(header))
    summary = []
    for n in args.sizes:
        units = network(n, args.seed)
        build_s, cands = median_time(lambda u=units: build_candidates(u, trs, YEARS), 1)
        bud = budgets(cands, args.budget_share)
        kw = cands.for_solver()
        run = functools.partial(solve, **kw, budgets=bud)
        milp_s, opt = median_time(
            functools.partial(run, mip_rel_gap=args.gap, time_limit_s=args.time_limit), 1
        )
        ibc_s, ibc = median_time(functools.partial(run, method="ibc"), args.repeat)
        wf_s, wf = median_time(functools.partial(run, method="worst-first"), args.repeat)
        gap = 100.0 * opt.gap if opt.gap is not None else float("nan")
        ratio_ibc = ibc.objective / opt.objective if opt.objective else float("nan")
        ratio_wf = wf.objective / opt.objective if opt.objective else float("nan")
        print(
            f"{n:>7} {len(cands):>9} {build_s:>8.2f} {milp_s:>8.2f} {opt.status:>10} {gap:>7.3f}"
            f" {ibc_s:>7.2f} {ratio_ibc:>8.4f} {wf_s:>6.2f} {ratio_wf:>7.4f} {peak_rss_mb():>7.0f}",
            flush=True,
        )
        summary.append(
            f"{n:,} units: MILP {milp_s:.1f} s (gap {gap:.3f} %, {opt.status}), "
            f"IBC {100 * ratio_ibc:.1f} % of optimum, worst-first {100 * ratio_wf:.1f} %"
        )
    print("summary: " + "; ".join(summary))


if __name__ == "__main__":
    main()
