"""Benchmark of the IRI engine (zhiyang.analytics.roughness.iri).

Measures km of profile per second at 0.25 m sampling for several profile lengths, for

* the engine (``iri(distance, elevation, 100.0)``, full validation and segment means included);
* a plain vectorised implementation written here independently (slopes by ``np.diff``,
  ``ss2tf`` + ``lfilter`` with ``lfilter_zi`` for the 11 m initial state, segment means by
  reshape) — the kind of reference the engine should be on par with (target: engine at most
  2x slower);
* the per-sample reference loop (Sayers' recurrence in plain Python), timed on a shorter
  profile (``--loop-km``, default 2 km, interleaved with the engine in every row) and scaled
  linearly: its cost per sample is constant, so that is exact up to noise, and running it on
  1000 km would take minutes per repetition.

All three run in the same process on the same data, interleaved; each timing sample repeats a
call until it lasts about 20 ms (so 1 km is not a single cold call). Ratios are what to compare
across machines. Peak memory of the engine is measured with tracemalloc (numpy reports its
buffers to it) in a separate run, and printed per km. Single thread: BLAS threads are pinned to 1.

Usage: python benchmarks/iri.py [--sizes 1 100 1000] [--loop-km 2] [--repeat 5]
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
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.linalg  # noqa: E402
import scipy.signal  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zhiyang.analytics.roughness import iri  # noqa: E402

DX = 0.25
SEGMENT = 100.0
K1, K2, C, MU, V = 653.0, 63.3, 6.0, 0.15, 80.0 / 3.6


def profile(km: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    n = round(km * 1000 / DX) + 1
    rng = np.random.default_rng(seed)
    return DX * np.arange(n), np.cumsum(rng.normal(0.0, 1e-3, n))


def _s_p() -> tuple[np.ndarray, np.ndarray]:
    a = np.array(
        [[0, 1, 0, 0], [-K2, -C, K2, C], [0, 0, 0, 1], [K2 / MU, C / MU, -(K1 + K2) / MU, -C / MU]],
        dtype=float,
    )
    b = np.array([0, 0, 0, K1 / MU], dtype=float)
    s = scipy.linalg.expm(a * DX / V)
    return s, np.linalg.solve(a, (s - np.eye(4)) @ b)


def plain_lfilter(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A straightforward vectorised IRI (regular 0.25 m profile, full 100 m segments)."""
    s, p = _s_p()
    c = np.array([1.0, 0.0, -1.0, 0.0])
    num, den = scipy.signal.ss2tf(s, p[:, None], (c @ s)[None, :], np.array([[c @ p]]))
    b, a = num[0], den
    slope = np.diff(y) / DX
    i11 = round(11.0 / DX)
    s0 = (y[i11] - y[0]) / 11.0
    # A constant slope s0 is in equilibrium at x = [s0, 0, s0, 0]: the initial state.
    out, _ = scipy.signal.lfilter(b, a, slope, zi=scipy.signal.lfilter_zi(b, a) * s0)
    per = round(SEGMENT / DX)
    full = out.size // per
    return np.abs(out[: full * per]).reshape(full, per).mean(axis=1) * 1000.0


def loop(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Sayers' recurrence, one sample at a time in plain Python."""
    s, p = (m.tolist() for m in _s_p())
    i11 = round(11.0 / DX)
    s0 = (y[i11] - y[0]) / 11.0
    z0, z1, z2, z3 = s0, 0.0, s0, 0.0
    yl = y.tolist()
    per = round(SEGMENT / DX)
    sums: list[float] = []
    acc = 0.0
    for i in range(len(yl) - 1):
        u = (yl[i + 1] - yl[i]) / DX
        z0, z1, z2, z3 = (
            s[0][0] * z0 + s[0][1] * z1 + s[0][2] * z2 + s[0][3] * z3 + p[0] * u,
            s[1][0] * z0 + s[1][1] * z1 + s[1][2] * z2 + s[1][3] * z3 + p[1] * u,
            s[2][0] * z0 + s[2][1] * z1 + s[2][2] * z2 + s[2][3] * z3 + p[2] * u,
            s[3][0] * z0 + s[3][1] * z1 + s[3][2] * z2 + s[3][3] * z3 + p[3] * u,
        )
        acc += abs(z0 - z2)
        if (i + 1) % per == 0:
            sums.append(acc * 1000.0 / per)
            acc = 0.0
    return np.array(sums)


def median_times(fns: list[Callable[[], object]], repeat: int) -> list[float]:
    """Median time of each function, runs interleaved so that load changes hit all alike."""
    inner = []
    for fn in fns:
        t = time.perf_counter()
        fn()  # warm-up (caches, page faults), and the size of a timing sample:
        inner.append(max(1, int(0.02 / max(time.perf_counter() - t, 1e-9))))  # >= ~20 ms
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, count, bucket in zip(fns, inner, times, strict=True):
            t = time.perf_counter()
            for _ in range(count):
                fn()
            bucket.append((time.perf_counter() - t) / count)
    return [statistics.median(bucket) for bucket in times]


def peak_mb(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1.0, 100.0, 1000.0])
    parser.add_argument("--loop-km", type=float, default=2.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    lx, ly = profile(args.loop_km, seed=1)
    np.testing.assert_allclose(iri(lx, ly, SEGMENT).iri_m_per_km, loop(lx, ly), rtol=1e-9)

    print(f"IRI benchmark: 0.25 m sampling, {SEGMENT:g} m segments, one thread, median of "
          f"{args.repeat} runs after a warm-up")  # fmt: skip
    print(f"per-sample loop timed on {args.loop_km:g} km in each row (interleaved with the "
          "engine) and scaled linearly")  # fmt: skip
    header = (
        f"{'km':>7} {'engine ms':>10} {'engine km/s':>12} {'plain km/s':>11} "
        f"{'engine/plain':>13} {'loop km/s':>10} {'engine/loop':>12} {'peak MB':>8} "
        f"{'MB/km':>7}"
    )
    print(header)
    summary = []
    for km in args.sizes:
        x, y = profile(km)
        repeat = args.repeat
        engine_s, plain_s, loop_s = median_times(
            [
                lambda x=x, y=y: iri(x, y, SEGMENT),
                lambda x=x, y=y: plain_lfilter(x, y),
                lambda: loop(lx, ly),
            ],
            repeat,
        )
        loop_kms = args.loop_km / loop_s
        np.testing.assert_allclose(
            iri(x, y, SEGMENT).iri_m_per_km, plain_lfilter(x, y), rtol=1e-6, atol=1e-9
        )
        mem = peak_mb(lambda x=x, y=y: iri(x, y, SEGMENT))
        engine_kms, plain_kms = km / engine_s, km / plain_s
        ratio_plain = plain_kms / engine_kms  # > 1: engine slower than the plain lfilter
        ratio_loop = engine_kms / loop_kms
        print(
            f"{km:>7g} {engine_s * 1000:>10.2f} {engine_kms:>12,.0f} {plain_kms:>11,.0f} "
            f"{ratio_plain:>12.2f}x {loop_kms:>10.1f} {ratio_loop:>11,.0f}x {mem:>8.1f} "
            f"{mem / km:>7.3f}"
        )
        summary.append((km, engine_kms, ratio_plain, ratio_loop, mem / km))
    biggest = summary[-1]
    print(
        f"summary: engine {biggest[1]:,.0f} km/s at {biggest[0]:g} km "
        f"({biggest[3]:,.0f}x the per-sample loop, {biggest[2]:.2f}x the time of a plain "
        f"lfilter), peak memory {biggest[4]:.3f} MB per km"
        + ("" if all(math.isfinite(s[1]) for s in summary) else " (some sizes failed)")
    )


if __name__ == "__main__":
    main()
