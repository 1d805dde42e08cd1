"""Benchmark of the intelligent-compaction pass-count engine (zhiyang.analytics.compaction):
throughput on one core, the ratio to the previous engine (benchmarks/compaction_v1.py, the
per-segment rectangle model it replaced), and the accuracy of both against the truth of
synthetic tracks (telemetry.truth: exact shapely sweep of the noise-free drum path).

Throughput: a shift of rollers doing 6 forward/back passes over adjacent 60 m lanes (10 Hz,
1.1 m/s, 2 m drum, 0.5 m cells, RTK noise 2 cm, a 3 s stop at every turnaround; three machines, samples
per machine in time order as the lake gives them), at three sizes; median of ``--repeat`` runs after a warm-up (numba compile excluded), one thread. Peak
memory of the engine by tracemalloc.

Accuracy: per noise sigma (1, 2, 3 cm) and rate (5, 10 Hz), straight strips (6 passes, seven
lateral placements whose drum edges lie 5-25 cm from the nearest cell-centre row): % of
covered cells exactly right; and a whole shift (4 rollers, overlapping strips, one standing
4 minutes before and after, a 30 m radius curve, stops at the turnarounds): % within one
pass, the largest excess over the true maximum, coverage at 7 passes engine vs truth.

Usage: python benchmarks/compaction.py [--sizes 100000 1000000 3000000] [--repeat 3]
       [--no-accuracy]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import compaction_v1  # noqa: E402

from zhiyang.analytics.compaction import pass_grid  # noqa: E402
from zhiyang.telemetry import truth  # noqa: E402

CELL = 0.5
WIDTH = 2.0
STRIP_Y = (100.0, 100.06, 100.12, 100.19, 100.31, 100.38, 100.44)


def shift(samples: int, seed: int = 0) -> truth.Track:
    parts = []
    total = 0
    k = 0
    while total < samples:
        tr = truth.back_and_forth(
            [[500_000.0, 3_300_000.0 + 1.9 * k], [500_060.0, 3_300_000.0 + 1.9 * k]],
            passes=6,
            device=f"R{k % 3}",
            width_m=WIDTH,
            rate_hz=10.0,
            noise_m=0.02,
            start_s=400.0 * k,
            seed=seed + k,
        )
        parts.append(tr)
        total += len(tr)
        k += 1
    tr = truth.combine(*parts)
    # As the lake delivers them: per machine, in time order.
    order = np.lexsort((tr.time_s, tr.machine))
    cols = {f: getattr(tr, f)[order] for f in truth.Track.__dataclass_fields__ if f != "passes"}
    return truth.Track(**cols, passes=tr.passes)


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def old_grid(cols):
    return compaction_v1.pass_grid(**cols, cell_size_m=CELL)


def new_grid(cols):
    return pass_grid(**cols, cell_size_m=CELL)


def score(grid, passes, target=7):
    c = grid.cell_size_m
    iy, ix = np.nonzero(grid.counts)
    t = truth.true_pass_counts(passes, c)
    out = truth.compare(
        t, ix + round(grid.origin_e / c), iy + round(grid.origin_n / c), grid.counts[iy, ix]
    )
    tc = t.counts[t.counts > 0]
    ec = grid.counts[grid.counts > 0]
    out["pct_truth"] = 100.0 * float((tc >= target).mean())
    out["pct_engine"] = 100.0 * float((ec >= target).mean()) if ec.size else 0.0
    return out


def whole_shift(rate: float, sigma: float, seed: int = 0) -> truth.Track:
    arc = [
        [300.0 + 30.0 * math.sin(a), 130.0 - 30.0 * math.cos(a)] for a in np.linspace(0, 0.9, 40)
    ]
    b = truth.back_and_forth
    return truth.combine(
        b(
            [[200, 100], [260, 100]],
            passes=7,
            device="R1",
            width_m=2.14,
            speed_m_s=0.7,
            rate_hz=rate,
            noise_m=sigma,
            stop_s=4.0,
            standing_s=240.0,
            seed=seed,
        ),
        b(
            [[205, 101.9], [255, 101.9]],
            passes=4,
            device="R2",
            width_m=2.75,
            rate_hz=rate,
            noise_m=sigma,
            start_s=50.0,
            seed=seed + 1,
        ),
        b(
            [[200, 98.2], [250, 98.2]],
            passes=2,
            device="R3",
            width_m=2.13,
            speed_m_s=1.25,
            rate_hz=rate,
            noise_m=sigma,
            stop_s=2.0,
            start_s=400.0,
            seed=seed + 2,
        ),
        b(arc, passes=6, device="R4", width_m=2.13, rate_hz=rate, noise_m=sigma, seed=seed + 3),
    )


def accuracy() -> None:
    print()
    print("accuracy against the truth (new engine | previous engine)")
    print(
        f"{'sigma':>6} {'Hz':>3} {'strips exact %':>15} {'shift ±1 %':>12} {'shift exact %':>14}"
        f" {'excess':>7} {'at 7: eng/truth %':>19}"
    )
    for sigma in (0.01, 0.02, 0.03):
        for rate in (5.0, 10.0):
            ex = {"new": [0.0, 0.0], "old": [0.0, 0.0]}
            for k, y in enumerate(STRIP_Y):
                tr = truth.back_and_forth(
                    [[200.0 + 0.07 * k, y], [240.0 + 0.07 * k, y]],
                    passes=6,
                    rate_hz=rate,
                    noise_m=sigma,
                    seed=k,
                    stop_s=3.0,
                )
                for name, fn in (("new", new_grid), ("old", old_grid)):
                    r = score(fn(tr.columns()), tr.passes)
                    ex[name][0] += r["exact_pct"] * r["cells"]
                    ex[name][1] += r["cells"]
            tr = whole_shift(rate, sigma)
            rn = score(new_grid(tr.columns()), tr.passes)
            ro = score(old_grid(tr.columns()), tr.passes)
            print(
                f"{sigma * 100:>4.0f}cm {rate:>3.0f} "
                f"{ex['new'][0] / ex['new'][1]:>6.1f} | {ex['old'][0] / ex['old'][1]:>5.1f} "
                f"{rn['within1_pct']:>5.1f} | {ro['within1_pct']:>4.1f} "
                f"{rn['exact_pct']:>6.1f} | {ro['exact_pct']:>4.1f} "
                f"{rn['max_engine'] - rn['max_truth']:>+3.0f} | {ro['max_engine'] - ro['max_truth']:>+3.0f} "  # noqa: E501
                f"{rn['pct_engine']:>5.1f}/{rn['pct_truth']:.1f} | {ro['pct_engine']:.1f}"
            )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 3_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-accuracy", action="store_true")
    args = ap.parse_args()
    warm = shift(2000).columns()
    new_grid(warm)
    old_grid(warm)
    print(
        f"{'samples':>10} {'engine s':>9} {'samples/s':>12} {'previous s':>11} {'ratio':>7} {'peak MB':>8}"  # noqa: E501
    )
    last = None
    for size in args.sizes:
        cols = shift(size).columns()
        n = cols["time_s"].size
        k = median_time(lambda c=cols: new_grid(c), args.repeat)
        old = median_time(lambda c=cols: old_grid(c), args.repeat)
        tracemalloc.start()
        new_grid(cols)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        print(f"{n:>10,} {k:>9.4f} {n / k:>12,.0f} {old:>11.4f} {old / k:>6.2f}x {peak:>8.1f}")
        last = (n, k, old)
    assert last is not None
    n, k, old = last
    if not args.no_accuracy:
        accuracy()
    print()
    print(
        f"summary: {n / k:,.0f} GNSS samples/s on one core at {CELL} m cells, "
        f"{old / k:.2f}x the previous engine's speed (ratio > 1: faster)"
    )


if __name__ == "__main__":
    main()
