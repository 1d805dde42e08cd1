"""Paver-mounted thermal profiling: thermal differential per sublot (AASHTO PP 80, TxDOT
Tex-244-F).

Input points: ``distance_m`` along the paving, ``offset_m`` across the mat from its left edge,
``temp_c`` surface temperature, optional ``time_s``.

1. **Edge trim**: the mat edges are the minimum and maximum offset; points closer than
   ``edge_trim_m`` (default 2 ft = 0.6096 m) to either edge are dropped (the cooler edges are
   not segregation).
2. **Paver stops** (only with ``time_s``): a stop is a period of more than ``stop_min_s``
   during which the paver does not advance (its furthest distance grows by less than
   ``stop_tol_m``); the points from ``stop_before_m`` before to ``stop_after_m`` after the stop
   position are dropped. Defaults 60 s, 0.6096 m (2 ft) before and 2.4384 m (8 ft) after:
   these are **configurable defaults, not confirmed against the standard's text** (PP 80 and
   Tex-244-F ask for paver-stop data to be excluded; set the values of the governing
   specification).
3. **Sublots** of ``sublot_length_m`` (default 150 ft = 45.72 m) starting at the first
   distance; the last sublot may be partial (``"partial": true``) and counts in the class
   percentages only when it is at least half a sublot long.
4. **Thermal differential** per sublot: 98.5th minus 1st percentile of the remaining
   temperatures (numpy linear percentiles). Classes (Tex-244-F / PP 80): ``none`` ≤ 25 °F
   (13.89 °C), ``moderate`` ≤ 50 °F (27.78 °C), ``severe`` above (exact conversion
   ``ΔF × 5/9``).

TSI (option): MnDOT's Thermal Segregation Index was developed by MnDOT and the Veta team; its
formula was not available in the sources we could consult. :func:`thermal_profile` with
``tsi=True`` reports a *provisional* index: the mean absolute deviation of the sublot's
temperatures from their median (°C), a frequency-weighted temperature spread of the kind the
TSI is described as. It is labelled provisional in the output and is not for acceptance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from zhiyang.analytics import parameters

F64 = NDArray[np.float64]

#: The PP 80 / Tex-244-F values, from the standards data (``compaction_qc.toml``, tables
#: ``thermal`` and ``thermal_stops`` with their provenance).
_DATA = parameters.packaged("compaction_qc.toml")
SUBLOT_M = float(_DATA["thermal"]["sublot_m"])  # 150 ft
EDGE_TRIM_M = float(_DATA["thermal"]["edge_trim_m"])  # 2 ft
PERCENTILE_HIGH = float(_DATA["thermal"]["percentile_high"])
PERCENTILE_LOW = float(_DATA["thermal"]["percentile_low"])
MODERATE_C = float(_DATA["thermal"]["moderate_c"])  # 25 F
SEVERE_C = float(_DATA["thermal"]["severe_c"])  # 50 F
STOP_MIN_S = float(_DATA["thermal_stops"]["stop_min_s"])
STOP_BEFORE_M = float(_DATA["thermal_stops"]["stop_before_m"])
STOP_AFTER_M = float(_DATA["thermal_stops"]["stop_after_m"])
STOP_TOL_M = float(_DATA["thermal_stops"]["stop_tol_m"])
GRID_M = float(_DATA["thermal"]["grid_m"])
CLASSES = ("none", "moderate", "severe")


def classify(differential_c: float) -> str:
    """PP 80 / Tex-244-F class of a thermal differential in °C."""
    if differential_c <= MODERATE_C:
        return "none"
    if differential_c <= SEVERE_C:
        return "moderate"
    return "severe"


def _arrays(
    distance_m: ArrayLike, offset_m: ArrayLike, temp_c: ArrayLike, time_s: ArrayLike | None
) -> tuple[F64, F64, F64, F64 | None]:
    d = np.asarray(distance_m, dtype=np.float64).ravel()
    o = np.asarray(offset_m, dtype=np.float64).ravel()
    t = np.asarray(temp_c, dtype=np.float64).ravel()
    ts = None if time_s is None else np.asarray(time_s, dtype=np.float64).ravel()
    for name, arr in (("offset_m", o), ("temp_c", t), ("time_s", ts)):
        if arr is not None and arr.size != d.size:
            raise ValueError(f"{name} has {arr.size} values, expected {d.size}")
    for name, arr in (("distance_m", d), ("offset_m", o), ("temp_c", t), ("time_s", ts)):
        if arr is not None and not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinite values")
    if d.size == 0:
        raise ValueError("no thermal points")
    return d, o, t, ts


def paver_stops(
    distance_m: ArrayLike,
    time_s: ArrayLike,
    *,
    stop_min_s: float = STOP_MIN_S,
    stop_tol_m: float = STOP_TOL_M,
) -> list[dict[str, float]]:
    """Paver stops: periods longer than ``stop_min_s`` during which the furthest distance
    reached grows by less than ``stop_tol_m``. Each: ``distance_m``, ``start_s``, ``end_s``."""
    d = np.asarray(distance_m, dtype=np.float64)
    t = np.asarray(time_s, dtype=np.float64)
    order = np.argsort(t, kind="stable")
    t, d = t[order], np.maximum.accumulate(d[order])
    stops: list[dict[str, float]] = []
    i = 0
    size = t.size
    while i < size:
        j = i
        while j + 1 < size and d[j + 1] - d[i] < stop_tol_m:
            j += 1
        if t[j] - t[i] > stop_min_s:
            stops.append({"distance_m": float(d[i]), "start_s": float(t[i]), "end_s": float(t[j])})
        i = j + 1
    return stops


def sublot_bounds(first_m: float, last_m: float, sublot_length_m: float) -> F64:
    """Sublot boundaries from the first distance; the last sublot ends at ``last_m``."""
    n = max(1, math.ceil((last_m - first_m) / sublot_length_m - 1e-9))
    bounds = first_m + sublot_length_m * np.arange(n + 1, dtype=np.float64)
    bounds[-1] = last_m
    return bounds


def thermal_profile(
    distance_m: ArrayLike,
    offset_m: ArrayLike,
    temp_c: ArrayLike,
    time_s: ArrayLike | None = None,
    *,
    sublot_length_m: float = SUBLOT_M,
    edge_trim_m: float = EDGE_TRIM_M,
    stop_min_s: float = STOP_MIN_S,
    stop_before_m: float = STOP_BEFORE_M,
    stop_after_m: float = STOP_AFTER_M,
    tsi: bool = False,
) -> dict[str, Any]:
    """Thermal differential and class per sublot, and the share of sublots in each class."""
    if not sublot_length_m > 0:
        raise ValueError("sublot_length_m must be positive")
    if edge_trim_m < 0:
        raise ValueError("edge_trim_m must not be negative")
    d, o, t, ts = _arrays(distance_m, offset_m, temp_c, time_s)
    left, right = float(o.min()), float(o.max())
    keep = (o >= left + edge_trim_m) & (o <= right - edge_trim_m)
    stops: list[dict[str, float]] = []
    if ts is not None:
        stops = paver_stops(d, ts, stop_min_s=stop_min_s)
        for s in stops:
            keep &= ~(
                (d >= s["distance_m"] - stop_before_m) & (d <= s["distance_m"] + stop_after_m)
            )
    first, last = float(d.min()), float(d.max())
    bounds = sublot_bounds(first, last, sublot_length_m)
    idx = np.clip(np.searchsorted(bounds, d, side="right") - 1, 0, bounds.size - 2)
    kept_idx = idx[keep]
    order = np.argsort(kept_idx, kind="stable")
    groups = np.split(
        t[keep][order], np.cumsum(np.bincount(kept_idx, minlength=bounds.size - 1))[:-1]
    )
    sublots: list[dict[str, Any]] = []
    tally = dict.fromkeys(CLASSES, 0)
    counted = 0
    for k in range(bounds.size - 1):
        start, end = float(bounds[k]), float(bounds[k + 1])
        length = end - start
        partial = length < sublot_length_m - 1e-9
        vals = groups[k]
        row: dict[str, Any] = {
            "start_m": round(start, 4),
            "end_m": round(end, 4),
            "partial": partial,
            "points": int(vals.size),
        }
        if vals.size:
            lo, hi = np.percentile(vals, [PERCENTILE_LOW, PERCENTILE_HIGH])
            diff = float(hi - lo)
            row["differential_c"] = round(diff, 4)
            row["class"] = classify(diff)
            row["min_c"] = round(float(vals.min()), 3)
            row["max_c"] = round(float(vals.max()), 3)
            if tsi:
                row["tsi_c"] = round(float(np.mean(np.abs(vals - np.median(vals)))), 4)
        else:
            row["differential_c"] = None
            row["class"] = None
        row["counted"] = bool(vals.size and (not partial or length >= sublot_length_m / 2))
        if row["counted"]:
            counted += 1
            tally[row["class"]] += 1
        sublots.append(row)
    out: dict[str, Any] = {
        "sublot_length_m": sublot_length_m,
        "edge_trim_m": edge_trim_m,
        "length_m": round(last - first, 4),
        "mat_width_m": round(right - left, 4),
        "points": int(d.size),
        "points_used": int(keep.sum()),
        "paver_stops": stops,
        "sublots": sublots,
        "sublots_counted": counted,
        "pct_by_class": {
            c: round(100.0 * tally[c] / counted, 4) if counted else 0.0 for c in CLASSES
        },
        "thresholds_c": {"moderate_above": MODERATE_C, "severe_above": SEVERE_C},
    }
    if tsi:
        out["tsi_definition"] = "provisional: mean |T - median| per sublot, deg C (see docs/qc.md)"
    return out


@dataclass(frozen=True)
class ThermalGrid:
    """Mean temperature per cell; rows = distance bins (from ``origin_distance_m``), columns =
    offset bins (from ``origin_offset_m``); NaN where no point."""

    origin_distance_m: float
    origin_offset_m: float
    cell_m: float
    temp_c: F64


def thermal_grid(
    distance_m: ArrayLike, offset_m: ArrayLike, temp_c: ArrayLike, *, cell_m: float = GRID_M
) -> ThermalGrid:
    """Grid the points on ``cell_m`` squares (AASHTO PP 80 suggests about 1 ft ≈ 0.3 m),
    origin at the first distance and the left edge; heat-map ready."""
    if not cell_m > 0:
        raise ValueError("cell_m must be positive")
    d, o, t, _ = _arrays(distance_m, offset_m, temp_c, None)
    d0, o0 = float(d.min()), float(o.min())
    r = np.floor((d - d0) / cell_m).astype(np.int64)
    c = np.floor((o - o0) / cell_m).astype(np.int64)
    nr, nc = int(r.max()) + 1, int(c.max()) + 1
    flat = r * nc + c
    sums = np.bincount(flat, weights=t, minlength=nr * nc)
    cnt = np.bincount(flat, minlength=nr * nc)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(cnt > 0, sums / np.maximum(cnt, 1), np.nan)
    return ThermalGrid(d0, o0, cell_m, mean.reshape(nr, nc))
