"""Benchmark of the thermal-profile engine (zhiyang.analytics.thermal.thermal_profile).

Synthetic paver scans: 4.5 m mat, 12 temperatures across, one scan line every 0.1 m, at three
paving lengths. Compared in the same run with a straightforward reference: a Python loop over
sublots selecting each sublot's trimmed points with a boolean mask over the whole data set and
calling np.percentile (what one writes first). Median of --repeat runs after a warm-up; one
thread. Target: >= 10 km of paving per second.

Usage: python benchmarks/thermal.py [--km 1 10 50] [--repeat 3]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zhiyang.analytics.thermal import classify, thermal_profile  # noqa: E402


def scans(km: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lines = round(km * 10_000)
    d = np.repeat(0.1 * np.arange(lines), 12)
    o = np.tile(np.linspace(0, 4.5, 12), lines)
    t = np.random.default_rng(seed).normal(150, 5, d.size)
    return d, o, t


def reference(d, o, t) -> list[str]:
    keep = (o >= o.min() + 0.6096) & (o <= o.max() - 0.6096)
    out = []
    start = d.min()
    while start < d.max():
        sel = keep & (d >= start) & (d < start + 45.72)
        if sel.any():
            out.append(classify(float(np.percentile(t[sel], 98.5) - np.percentile(t[sel], 1))))
        start += 45.72
    return out


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--km", type=float, nargs="+", default=[1, 10, 50])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    thermal_profile(*scans(0.1))
    print(
        f"{'km':>6} {'points':>11} {'engine s':>9} {'km/s':>8} {'reference s':>12} {'ratio':>6} {'peak MB':>8}"  # noqa: E501
    )
    for km in args.km:
        data = scans(km)
        e = median_time(lambda x=data: thermal_profile(*x), args.repeat)
        r = median_time(lambda x=data: reference(*x), 1)
        tracemalloc.start()
        thermal_profile(*data)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        print(
            f"{km:>6g} {data[0].size:>11,} {e:>9.4f} {km / e:>8.1f} {r:>12.3f} {r / e:>5.1f}x {peak:>8.1f}"  # noqa: E501
        )
    print(
        f"summary: {km / e:.1f} km of paving per second on one core at {km:g} km, {r / e:.1f}x the masked-loop reference"  # noqa: E501
    )


if __name__ == "__main__":
    main()
