"""Benchmark of the intelligent-compaction pass-count kernel (zhiyang.analytics.compaction).

Synthetic roller shifts: one roller doing forward/back passes (10 Hz, 0.1 m steps, 2.1 m drum)
over adjacent 60 m lanes, at three sizes. Compared in the same run with a straightforward
shapely rasterisation (one polygon per traversal = union of the swept rectangles, cell centres
tested with ``shapely.contains_xy``: the reference of tests/analytics/test_compaction.py), timed
on the smaller sizes only (``--shapely-max``) and scaled linearly per sample above that (its
cost per sample is about constant). Median of ``--repeat`` runs after a warm-up (numba compile
excluded); one thread (BLAS pinned to 1). Peak memory of the kernel by tracemalloc.

Usage: python benchmarks/compaction.py [--sizes 10000 100000 1000000] [--repeat 3]
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
import shapely  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zhiyang.analytics.compaction import pass_grid  # noqa: E402

CELL = 0.5
WIDTH = 2.1


def shift(samples: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    lane = np.arange(0, 60.0, 0.1)
    xs, ys = [], []
    k = 0
    while sum(a.size for a in xs) < samples:
        lane_no = k // 6
        x = lane if k % 2 == 0 else lane[::-1]
        xs.append(x + rng.normal(0, 0.02, x.size))
        ys.append(lane_no * 2.0 + 1.0 + rng.normal(0, 0.05, x.size))
        k += 1
    x = np.concatenate(xs)[:samples] + 500_000.0
    y = np.concatenate(ys)[:samples] + 3_300_000.0
    t = 0.1 * np.arange(samples)
    return np.zeros(samples, np.int64), t, x, y, np.full(samples, WIDTH)


def shapely_counts(m, t, e, n, w) -> int:
    trav: list[list] = []
    cur: list = []
    last = None
    for i in range(t.size - 1):
        dx, dy = e[i + 1] - e[i], n[i + 1] - n[i]
        length = math.hypot(dx, dy)
        if length == 0:
            continue
        if last is not None and dx * last[0] + dy * last[1] < 0:
            trav.append(cur)
            cur = []
        last = (dx, dy)
        vx, vy = -dy / length * w[i] / 2, dx / length * w[i] / 2
        cur.append(
            shapely.Polygon(
                [
                    (e[i] + vx, n[i] + vy),
                    (e[i + 1] + vx, n[i + 1] + vy),
                    (e[i + 1] - vx, n[i + 1] - vy),
                    (e[i] - vx, n[i] - vy),
                ]
            )
        )
    trav.append(cur)
    total = 0
    for polys in trav:
        shape = shapely.union_all(polys)
        x0, y0, x1, y1 = shape.bounds
        gx = np.arange(math.floor(x0 / CELL) - 1, math.ceil(x1 / CELL) + 1)
        gy = np.arange(math.floor(y0 / CELL) - 1, math.ceil(y1 / CELL) + 1)
        X, Y = np.meshgrid(gx, gy)
        total += int(shapely.contains_xy(shape, (X + 0.5) * CELL, (Y + 0.5) * CELL).sum())
    return total


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--shapely-max", type=int, default=100_000)
    args = ap.parse_args()
    pass_grid(*shift(1000))  # warm-up: numba compile / cache load
    print(
        f"{'samples':>10} {'kernel s':>9} {'samples/s':>12} {'shapely s':>10} {'ratio':>7} {'peak MB':>8}"  # noqa: E501
    )
    last = None
    for size in args.sizes:
        data = shift(size)
        k = median_time(lambda d=data: pass_grid(*d, cell_size_m=CELL), args.repeat)
        if size <= args.shapely_max:
            ref = median_time(lambda d=data: shapely_counts(*d), max(1, args.repeat // 2))
            scaled = ""
            grid = pass_grid(*data, cell_size_m=CELL)
            assert int(grid.counts.sum()) == shapely_counts(*data), "kernel and shapely disagree"
            per_sample = ref / size
        else:
            ref = per_sample * size
            scaled = "*"
        tracemalloc.start()
        pass_grid(*data, cell_size_m=CELL)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        print(
            f"{size:>10,} {k:>9.4f} {size / k:>12,.0f} {ref:>9.2f}{scaled:1} {ref / k:>6.0f}x {peak:>8.1f}"  # noqa: E501
        )
        last = (size, k, ref)
    assert last is not None
    size, k, ref = last
    print(
        f"summary: {size / k:,.0f} GNSS samples/s on one core at {CELL} m cells, "
        f"{ref / k:.0f}x faster than shapely rasterisation (* = shapely scaled from smaller sizes)"
    )


if __name__ == "__main__":
    main()
