"""Roller–paver synchronisation and mat thickness statistics (JTG F40-2004: initial rolling
close behind the paver; AASHTO PP 81 temperature at compaction).

Distances are measured **along the paver's path**: the paver positions (sorted by time) form a
polyline whose chainage is the cumulative length; a roller sample is projected onto the nearest
point of that polyline (nearest vertex, refined on its two adjacent segments). For each roller
sample:

* ``distance_behind_m`` = paver chainage at that time − roller chainage (positive behind);
* ``time_gap_s`` = sample time − the first time the paver reached the roller's chainage;
* ``offset_m`` = distance from the path (for checks).

The paver's path is its track with GNSS jitter taken out: a point is kept once the paver is
``path_step_m`` (default 0.5 m) from the last point kept, so a paver standing for minutes or
creeping at 3 m/min does not add the noise of every reading to its length (at 5 Hz and 1.5 cm
of RTK noise the raw polyline was twice as long as the road). The paver's chainage at each of
its readings is its projection onto that path, made non-decreasing (a paver does not
un-pave). Rollers behind the start of the day's paver path are measured from that start.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

F64 = NDArray[np.float64]


def _f64(x: ArrayLike) -> F64:
    return np.asarray(x, dtype=np.float64).ravel()


def project_onto_path(path_e: F64, path_n: F64, e: F64, n: F64) -> tuple[F64, F64]:
    """Chainage along the polyline and distance from it of each point."""
    seg_e, seg_n = np.diff(path_e), np.diff(path_n)
    seg_len = np.hypot(seg_e, seg_n)
    chain = np.concatenate([[0.0], np.cumsum(seg_len)])
    if path_e.size == 1:
        return np.zeros(e.size), np.hypot(e - path_e[0], n - path_n[0])
    _, nearest = cKDTree(np.column_stack([path_e, path_n])).query(np.column_stack([e, n]))
    best_c = np.full(e.size, np.nan)
    best_d = np.full(e.size, np.inf)
    for shift in (-1, 0):  # segment before and after the nearest vertex
        s = np.clip(nearest + shift, 0, seg_len.size - 1)
        length = seg_len[s]
        with np.errstate(invalid="ignore", divide="ignore"):
            u = ((e - path_e[s]) * seg_e[s] + (n - path_n[s]) * seg_n[s]) / (length**2)
        u = np.where(length > 0, np.clip(u, 0.0, 1.0), 0.0)
        pe, pn = path_e[s] + u * seg_e[s], path_n[s] + u * seg_n[s]
        dist = np.hypot(e - pe, n - pn)
        better = dist < best_d
        best_d = np.where(better, dist, best_d)
        best_c = np.where(better, chain[s] + u * length, best_c)
    return best_c, best_d


PATH_STEP_M = 0.5


def jitter_free_path(e: F64, n: F64, step_m: float = PATH_STEP_M) -> NDArray[np.int64]:
    """Indices of the points kept: the first, then each one at least ``step_m`` from the last
    kept (and the last point when it moved at all)."""
    keep = [0] if e.size else []
    le, ln = (e[0], n[0]) if e.size else (0.0, 0.0)
    step2 = step_m * step_m
    for i in range(1, e.size):
        if (e[i] - le) ** 2 + (n[i] - ln) ** 2 >= step2:
            keep.append(i)
            le, ln = e[i], n[i]
    if e.size > 1 and keep[-1] != e.size - 1 and (e[-1], n[-1]) != (e[keep[-1]], n[keep[-1]]):
        keep.append(e.size - 1)
    return np.asarray(keep, dtype=np.int64)


def _pct(x: F64, q: float) -> float | None:
    return round(float(np.percentile(x, q)), 3) if x.size else None


def roller_paver_sync(
    paver_time_s: ArrayLike,
    paver_e: ArrayLike,
    paver_n: ArrayLike,
    roller_time_s: ArrayLike,
    roller_e: ArrayLike,
    roller_n: ArrayLike,
    *,
    roller_temp_c: ArrayLike | None = None,
    limit_m: float | None = None,
    limit_s: float | None = None,
    path_step_m: float = PATH_STEP_M,
) -> dict[str, Any]:
    """Distance behind the paver and time gap of each roller sample, with a summary: median and
    P95 of both, % of samples beyond ``limit_m`` / ``limit_s``, and the mean mat temperature at
    the roller (``roller_temp_c``) when given. Roller samples taken before the paver reached
    their chainage get a negative time gap (the roller is on old mat) and are kept."""
    pt, pe, pn = _f64(paver_time_s), _f64(paver_e), _f64(paver_n)
    rt, re_, rn = _f64(roller_time_s), _f64(roller_e), _f64(roller_n)
    if pt.size == 0 or rt.size == 0:
        raise ValueError("empty paver or roller track")
    for arr in (pt, pe, pn, rt, re_, rn):
        if not np.all(np.isfinite(arr)):
            raise ValueError("tracks contain NaN or infinite values")
    order = np.argsort(pt, kind="stable")
    pt, pe, pn = pt[order], pe[order], pn[order]
    kept = jitter_free_path(pe, pn, path_step_m)
    path_e, path_n = pe[kept], pn[kept]
    chain_r, offset = project_onto_path(path_e, path_n, re_, rn)
    chain_p = np.maximum.accumulate(project_onto_path(path_e, path_n, pe, pn)[0])
    paver_now = np.interp(rt, pt, chain_p)
    behind = paver_now - chain_r
    # First time the paver reached each chainage (chain_p is non-decreasing).
    j = np.clip(np.searchsorted(chain_p, chain_r, side="left"), 1, max(1, pt.size - 1))
    if pt.size == 1:
        reached = np.full(rt.size, pt[0])
    else:
        c0, c1, t0, t1 = chain_p[j - 1], chain_p[j], pt[j - 1], pt[j]
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.where(c1 > c0, (chain_r - c0) / (c1 - c0), 1.0)
        reached = t0 + np.clip(frac, 0.0, 1.0) * (t1 - t0)
    gap = rt - reached
    summary: dict[str, Any] = {
        "samples": int(rt.size),
        "distance_behind_m": {"median": _pct(behind, 50), "p95": _pct(behind, 95)},
        "time_gap_s": {"median": _pct(gap, 50), "p95": _pct(gap, 95)},
    }
    if limit_m is not None:
        summary["pct_beyond_limit_m"] = round(100.0 * float((behind > limit_m).mean()), 3)
    if limit_s is not None:
        summary["pct_beyond_limit_s"] = round(100.0 * float((gap > limit_s).mean()), 3)
    if roller_temp_c is not None:
        temp = _f64(roller_temp_c)
        ok = temp[np.isfinite(temp)]
        summary["mean_temp_c"] = round(float(ok.mean()), 3) if ok.size else None
    return {
        "distance_behind_m": behind,
        "time_gap_s": gap,
        "offset_m": offset,
        "summary": summary,
    }


def thickness_stats(
    thickness_mm: ArrayLike, *, design_mm: float, tolerance_mm: float
) -> dict[str, Any]:
    """Thickness statistics of a shift: count, mean, std (population), min, max and % of
    readings within ``design ± tolerance`` (inclusive). NaN readings are ignored."""
    x = _f64(thickness_mm)
    x = x[np.isfinite(x)]
    if x.size == 0:
        return {"count": 0, "mean": None, "std": None, "min": None, "max": None, "pct_within": None}
    within = np.abs(x - design_mm) <= tolerance_mm + 1e-9
    return {
        "count": int(x.size),
        "mean": round(float(x.mean()), 3),
        "std": round(float(x.std()), 3),
        "min": round(float(x.min()), 3),
        "max": round(float(x.max()), 3),
        "design_mm": design_mm,
        "tolerance_mm": tolerance_mm,
        "pct_within": round(100.0 * float(within.mean()), 3),
    }
