"""Benchmark of the earned value kernel (zhiyang.analytics.progress.curves).

A branch programme of N projects × 8 work orders over a one-year daily axis, with a daily
quantity (and cost) on every planned day of every work order — the branch S-curve page's
work. Baseline measured in the same run: a plain per-day, per-work-order Python loop of the
same formulas (the loop a spreadsheet or a naive service would run; checked to agree first).

Usage: python benchmarks/progress.py [--sizes 10 100 1000] [--loop-projects 20] [--repeat 5]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zhiyang.analytics import progress  # noqa: E402

START = dt.date(2026, 3, 1)
AXIS_DAYS = 365
ORDERS_PER_PROJECT = 8


def programme(projects: int, seed: int = 0) -> tuple[progress.Schedule, progress.Quantities]:
    rng = np.random.default_rng(seed)
    n = projects * ORDERS_PER_PROJECT
    offset = rng.integers(0, 300, n)
    length = rng.integers(3, 40, n)
    start = np.datetime64(START) + offset
    end = start + length - 1
    schedule = progress.Schedule.build(
        planned_start=start,
        planned_end=end,
        planned_quantity=rng.uniform(100, 20_000, n),
        unit_cost_yuan=rng.uniform(1, 500, n),
    )
    index = np.repeat(np.arange(n), length)
    day = np.concatenate([np.arange(s, e + 1) for s, e in zip(start, end, strict=True)])
    quantity = schedule.planned_quantity[index] / length[index] * rng.uniform(0.5, 1.1, len(index))
    cost = quantity * schedule.unit_cost_yuan[index] * rng.uniform(0.9, 1.2, len(index))
    return schedule, progress.Quantities.build(
        work_order=index, date=day, quantity=quantity, cost_yuan=cost
    )


def reference(
    schedule: progress.Schedule, quantities: progress.Quantities, days: list[dt.date]
) -> tuple[list[float], list[float], list[float]]:
    """PV, EV, AC per day with plain loops (every day a working day)."""
    starts = [d.astype(dt.date) for d in schedule.planned_start]
    ends = [d.astype(dt.date) for d in schedule.planned_end]
    rows = [
        (int(i), d.astype(dt.date), float(q), float(c))
        for i, d, q, c in zip(
            quantities.work_order,
            quantities.date,
            quantities.quantity,
            quantities.cost_yuan,
            strict=True,
        )
    ]
    pv, ev, ac = [], [], []
    for day in days:
        done = [0.0] * len(starts)
        cost = 0.0
        for i, d, q, c in rows:
            if d <= day:
                done[i] += q
                cost += c
        p = e = 0.0
        for i in range(len(starts)):
            budget = schedule.planned_quantity[i] * schedule.unit_cost_yuan[i]
            total = (ends[i] - starts[i]).days + 1
            elapsed = min(max((min(day, ends[i]) - starts[i]).days + 1, 0), total)
            p += budget * elapsed / total
            e += min(done[i], schedule.planned_quantity[i]) * schedule.unit_cost_yuan[i]
        pv.append(p)
        ev.append(e)
        ac.append(cost)
    return pv, ev, ac


def timed(func: Any, repeat: int) -> float:
    func()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--loop-projects", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    axis = progress.date_axis(START, START + dt.timedelta(days=AXIS_DAYS - 1))
    days = [d.astype(dt.date) for d in axis]

    small, small_q = programme(args.loop_projects, seed=1)
    got = progress.curves(small, small_q, axis)
    pv, ev, ac = reference(small, small_q, days)
    for mine, theirs in ((got.pv_yuan, pv), (got.ev_yuan, ev), (got.ac_yuan, ac)):
        assert np.allclose(mine, theirs, rtol=1e-9), "kernel and reference disagree"
    loop_s = timed(lambda: reference(small, small_q, days), 1)
    kernel_small_s = timed(lambda: progress.curves(small, small_q, axis), args.repeat)
    print(f"{'projects':>9} {'orders':>7} {'reports':>8} {'kernel ms':>10} {'peak MiB':>9}")
    for size in args.sizes:
        schedule, quantities = programme(size)
        seconds = timed(lambda s=schedule, q=quantities: progress.curves(s, q, axis), args.repeat)
        tracemalloc.start()
        progress.curves(schedule, quantities, axis)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(
            f"{size:>9} {len(schedule):>7} {len(quantities.quantity):>8} "
            f"{seconds * 1000:>10.1f} {peak:>9.1f}"
        )
    print(
        f"summary: {args.loop_projects} projects on a {AXIS_DAYS}-day axis: kernel "
        f"{kernel_small_s * 1000:.2f} ms, plain loop {loop_s * 1000:.0f} ms "
        f"(×{loop_s / kernel_small_s:.0f} faster)"
    )


if __name__ == "__main__":
    main()
