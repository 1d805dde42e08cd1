"""Benchmark of the condition rating engine (zhiyang.analytics.rating.rate).

Measures evaluation units rated per second for several network sizes, against a baseline
measured in the same run: a straightforward per-unit implementation written here of the same
JTG 5210-2018 formulas (PCI from DR, RQI, RDI, PBI, PWI, SRI and the PQI weights for a class-1
asphalt road), in plain Python, one unit at a time - the loop a spreadsheet macro or a
naive service would run. Both are checked to agree before timing.

A province is ≈ 100,000 km of road; at 10 m units that is 10 million units per survey year.

Usage: python benchmarks/rating.py [--sizes 1000 100000 1000000] [--loop-units 20000]
       [--repeat 5]
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tomllib  # noqa: E402
import tracemalloc  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zhiyang.analytics.rating import rate  # noqa: E402


def network(units: int, seed: int = 0) -> dict[str, Any]:
    """Class-1 asphalt units with every PQI input measured (10 m × 12 m each)."""
    rng = np.random.default_rng(seed)
    return {
        "road_class": np.full(units, "class1", dtype=object),
        "pavement": np.full(units, "asphalt", dtype=object),
        "length_m": np.full(units, 10.0),
        "width_m": np.full(units, 12.0),
        "iri": rng.gamma(4.0, 0.6, units),
        "rd_mm": rng.gamma(3.0, 3.0, units),
        "sfc": rng.normal(45.0, 6.0, units),
        "dr": rng.gamma(1.2, 1.5, units).clip(0, 100),
        "pb_light": rng.poisson(0.1, units).astype(float),
        "pb_medium": rng.poisson(0.05, units).astype(float),
        "pb_heavy": rng.poisson(0.01, units).astype(float),
        "mpd": rng.normal(0.7, 0.15, units).clip(0.1, None),
        "mpdc": np.full(units, 0.8),
    }


def reference_pqi(columns: dict[str, Any], n: int) -> list[float]:
    """The plain per-unit loop (same formulas and parameters as the engine's data file)."""
    # The data file itself, so both sides use the same numbers.
    data = Path(__file__).resolve().parents[1] / "src/zhiyang/analytics/standards"
    raw = tomllib.loads((data / "jtg5210_2018.toml").read_text())
    pci_a0, pci_a1 = raw["pci"]["asphalt"]["a0"], raw["pci"]["asphalt"]["a1"]
    rqi_a0, rqi_a1 = raw["rqi"]["expressway_class1"]["a0"], raw["rqi"]["expressway_class1"]["a1"]
    rdi = raw["rdi"]
    pbi = raw["pbi"]
    pwi = raw["pwi"]
    weights = raw["pqi"]["expressway_class1"]["asphalt"]
    out = []
    for i in range(n):
        pci = 100 - pci_a0 * columns["dr"][i] ** pci_a1
        rqi = 100 / (1 + rqi_a0 * math.exp(rqi_a1 * columns["iri"][i]))
        rd = columns["rd_mm"][i]
        if rd <= rdi["rda_mm"]:
            rdi_v = 100 - rdi["a0"] * rd
        elif rd <= rdi["rdb_mm"]:
            rdi_v = (100 - rdi["a0"] * rdi["rda_mm"]) - rdi["a1"] * (rd - rdi["rda_mm"])
        else:
            rdi_v = 0.0
        deduction = (
            pbi["light"] * columns["pb_light"][i]
            + pbi["medium"] * columns["pb_medium"][i]
            + pbi["heavy"] * columns["pb_heavy"][i]
        )
        pbi_v = max(0.0, 100 - deduction)
        mpdc = columns["mpdc"][i]
        wr = max(0.0, 100 * (mpdc - columns["mpd"][i]) / mpdc)
        pwi_v = 100 - pwi["a0"] * wr ** pwi["a1"]
        out.append(
            weights["pci"] * pci
            + weights["rqi"] * rqi
            + weights["rdi"] * rdi_v
            + weights["pbi"] * pbi_v
            + weights["pwi"] * pwi_v
        )
    return out


def best_of(fn: Any, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--loop-units", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    sample = network(2_000, seed=1)
    engine = rate(sample)["pqi"]
    reference = reference_pqi(sample, 2_000)
    worst = float(np.max(np.abs(engine - np.array(reference))))
    if worst > 1e-9:
        raise SystemExit(f"engine and reference disagree by {worst}")

    loop_cols = network(args.loop_units, seed=2)
    loop_s = best_of(lambda: reference_pqi(loop_cols, args.loop_units), max(1, args.repeat // 2))
    loop_rate = args.loop_units / loop_s

    print(f"{'units':>10} {'engine s':>10} {'units/s':>12} {'× loop':>8} {'peak MB':>9}")
    ratios = []
    for size in args.sizes:
        cols = network(size)
        seconds = best_of(lambda cols=cols: rate(cols), args.repeat)
        tracemalloc.start()
        rate(cols)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        ratio = (size / seconds) / loop_rate
        ratios.append(ratio)
        print(f"{size:>10} {seconds:>10.4f} {size / seconds:>12,.0f} {ratio:>8.0f} {peak:>9.1f}")
    print(
        f"per-unit loop: {loop_rate:,.0f} units/s ({args.loop_units} units); "
        f"engine/loop at the largest size: {ratios[-1]:.0f}x; max |ΔPQI| = {worst:.1e}"
    )


if __name__ == "__main__":
    main()
