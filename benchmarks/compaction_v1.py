"""Intelligent compaction (IC) pass counts and QC summaries, after AASHTO PP 81 and the FHWA
Veta conventions.

A roller's GNSS track is a sequence of samples (time, easting, northing, drum width). Between two
consecutive samples ``p_i`` and ``p_(i+1)`` of one machine the drum sweeps a **rectangle**: from
``p_i`` to ``p_(i+1)`` along the segment, of the drum width, centred on the segment and
perpendicular to travel (AASHTO PP 81's footprint; Veta's "footprint-perpendicular"). The mat is
divided into square cells (default 0.5 m); a cell is covered by a segment when its **centre**
lies in the swept rectangle.

Boundary convention (half-open, frame independent): a centre lying exactly on a rectangle edge
belongs to the rectangle when the point moved by an infinitesimal ``(eps, eps**2)`` (east, then
north) falls inside it. Two rectangles sharing an edge (side-by-side strips, or consecutive
segments of one track) therefore never both claim a centre on that edge, whichever way the
rollers travel; a centre on the outer boundary of all footprints is claimed when the footprint
lies to its east (or north, for an east-west edge).

A **pass** is one traversal: a maximal run of consecutive samples of one machine moving in one
direction. A new traversal starts when

* the displacement reverses (dot product of consecutive non-zero displacements ``< 0``), or the
  optional direction field (``+1`` forward, ``-1`` reverse, ``0`` unknown/stopped) changes
  between forward and reverse;
* the time between samples exceeds ``max_gap_s`` (default 5 s) or the step exceeds
  ``max_step_m`` (default 5 m): no footprint is drawn across the gap.

Stationary samples (zero displacement) draw nothing and do not change the direction. A cell
covered by several segments of one traversal counts once (a stamp array holds the last traversal
that covered each cell). The pass count of a cell is the number of traversals, over all
machines, that covered it.

Duplicate times within a machine: the first sample (in input order) is kept, the others are
dropped (a logger replaying a record, as Veta does when it deduplicates).

Grids are aligned to multiples of the cell size (``origin = floor(min / cell) * cell``), and
every pass is kept as an *event* (global cell index, time, temperature, ICMV), so grids from
different machines or partitions merge exactly (:func:`merge_grids`): counts add, and the first
and last pass of a cell are chosen by time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
from numpy.typing import ArrayLike, NDArray

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

DEFAULT_CELL_M = 0.5
DEFAULT_MAX_GAP_S = 5.0
DEFAULT_MAX_STEP_M = 5.0


@dataclass(frozen=True)
class PassEvents:
    """One row per (cell, traversal): the raw material of a :class:`PassGrid`.

    ``ix``/``iy`` are global cell indices (cell centre at ``((ix + 0.5) c, (iy + 0.5) c)``);
    ``time_s``, ``temp_c`` are those of the first sample of the traversal that covered the cell;
    ``icmv`` is the mean ICMV over the traversal's segments covering the cell (NaN if none).
    """

    ix: I64
    iy: I64
    time_s: F64
    temp_c: F64
    icmv: F64

    @staticmethod
    def empty() -> PassEvents:
        z = np.zeros(0, dtype=np.int64)
        f = np.zeros(0, dtype=np.float64)
        return PassEvents(z, z.copy(), f, f.copy(), f.copy())

    def __len__(self) -> int:
        return int(self.ix.size)


@dataclass(frozen=True)
class PassGrid:
    """Pass counts and per-cell data on an aligned grid (row 0 = southernmost row).

    ``temp_first_c``/``temp_last_c``: surface temperature at the first / last pass (by time),
    NaN where no pass or no temperature; ``time_first_s``: time of the first pass (NaN where
    none); ``icmv_last``: mean ICMV of the final pass.
    """

    origin_e: float
    origin_n: float
    cell_size_m: float
    counts: NDArray[np.int32]
    temp_first_c: F64
    temp_last_c: F64
    time_first_s: F64
    icmv_last: F64
    events: PassEvents

    @property
    def shape(self) -> tuple[int, int]:
        return (int(self.counts.shape[0]), int(self.counts.shape[1]))


# --------------------------------------------------------------------------------------------
# Kernel


@numba.njit(cache=True, inline="always")
def _inside(u: float, lo: float, hi: float, du: float) -> bool:
    """``lo <= u <= hi`` with the perturbation tie-break: ``du`` is the sign of the
    infinitesimal shift's component along this axis."""
    if u > lo and u < hi:
        return True
    if u == lo:
        return du > 0.0
    if u == hi:
        return du < 0.0
    return False


@numba.njit(cache=True)
def _tie_sign(ax: float, ay: float) -> float:
    # Sign of (eps, eps**2) . (ax, ay) for eps -> 0+.
    if ax > 0.0:
        return 1.0
    if ax < 0.0:
        return -1.0
    if ay > 0.0:
        return 1.0
    if ay < 0.0:
        return -1.0
    return 0.0


@numba.njit(cache=True)
def _kernel(
    machine: I64,
    t: F64,
    e: F64,
    n: F64,
    w: F64,
    direction: NDArray[np.int8],
    temp: F64,
    icmv: F64,
    ix0: int,
    iy0: int,
    nx: int,
    ny: int,
    cell: float,
    max_gap_s: float,
    max_step_m: float,
) -> tuple[I64, I64, F64, F64, F64, int]:
    size = t.size
    cap = max(1024, 4 * size)
    ev_ix = np.empty(cap, np.int64)
    ev_iy = np.empty(cap, np.int64)
    ev_t = np.empty(cap, np.float64)
    ev_temp = np.empty(cap, np.float64)
    ev_isum = np.empty(cap, np.float64)
    ev_in = np.empty(cap, np.int64)
    stamp = np.full(nx * ny, -1, np.int64)
    evidx = np.empty(nx * ny, np.int64)
    m = 0
    tid = -1
    new_traversal = True
    last_dx = 0.0
    last_dy = 0.0
    last_dir = 0
    for i in range(size - 1):
        if machine[i + 1] != machine[i]:
            new_traversal = True
            last_dir = 0
            continue
        dx = e[i + 1] - e[i]
        dy = n[i + 1] - n[i]
        length = math.sqrt(dx * dx + dy * dy)
        if t[i + 1] - t[i] > max_gap_s or length > max_step_m:
            new_traversal = True
            last_dir = 0
            continue
        if length == 0.0:
            continue
        d = direction[i + 1] if direction[i + 1] != 0 else direction[i]
        if not new_traversal and (
            dx * last_dx + dy * last_dy < 0.0 or (d != 0 and last_dir != 0 and d != last_dir)
        ):
            new_traversal = True
        if new_traversal:
            tid += 1
            new_traversal = False
        last_dx = dx
        last_dy = dy
        if d != 0:
            last_dir = d
        # Rectangle frame: unit direction (ux, uy), left normal (vx, vy).
        ux = dx / length
        uy = dy / length
        vx = -uy
        vy = ux
        half = 0.5 * w[i]
        su = _tie_sign(ux, uy)
        sv = _tie_sign(vx, vy)
        # Corners -> bounding box in cell indices.
        cx0 = e[i] + vx * half
        cx1 = e[i] - vx * half
        cx2 = e[i + 1] + vx * half
        cx3 = e[i + 1] - vx * half
        cy0 = n[i] + vy * half
        cy1 = n[i] - vy * half
        cy2 = n[i + 1] + vy * half
        cy3 = n[i + 1] - vy * half
        xmin = min(min(cx0, cx1), min(cx2, cx3))
        xmax = max(max(cx0, cx1), max(cx2, cx3))
        ymin = min(min(cy0, cy1), min(cy2, cy3))
        ymax = max(max(cy0, cy1), max(cy2, cy3))
        jx0 = max(int(math.floor(xmin / cell - 0.5)), ix0)  # noqa: RUF046
        jx1 = min(int(math.ceil(xmax / cell - 0.5)), ix0 + nx - 1)  # noqa: RUF046
        jy0 = max(int(math.floor(ymin / cell - 0.5)), iy0)  # noqa: RUF046
        jy1 = min(int(math.ceil(ymax / cell - 0.5)), iy0 + ny - 1)  # noqa: RUF046
        for gy in range(jy0, jy1 + 1):
            py = (gy + 0.5) * cell - n[i]
            for gx in range(jx0, jx1 + 1):
                px = (gx + 0.5) * cell - e[i]
                uu = px * ux + py * uy
                if not _inside(uu, 0.0, length, su):
                    continue
                vv = px * vx + py * vy
                if not _inside(vv, -half, half, sv):
                    continue
                k = (gy - iy0) * nx + (gx - ix0)
                if stamp[k] != tid:
                    stamp[k] = tid
                    if m == cap:
                        cap *= 2
                        ev_ix = _grow_i(ev_ix, cap)
                        ev_iy = _grow_i(ev_iy, cap)
                        ev_t = _grow_f(ev_t, cap)
                        ev_temp = _grow_f(ev_temp, cap)
                        ev_isum = _grow_f(ev_isum, cap)
                        ev_in = _grow_i(ev_in, cap)
                    ev_ix[m] = gx
                    ev_iy[m] = gy
                    ev_t[m] = t[i]
                    ev_temp[m] = temp[i]
                    ev_isum[m] = 0.0
                    ev_in[m] = 0
                    evidx[k] = m
                    m += 1
                j = evidx[k]
                if not math.isnan(icmv[i]):
                    ev_isum[j] += icmv[i]
                    ev_in[j] += 1
    ev_icmv = np.empty(m, np.float64)
    for j in range(m):
        ev_icmv[j] = ev_isum[j] / ev_in[j] if ev_in[j] > 0 else np.nan
    return ev_ix[:m], ev_iy[:m], ev_t[:m], ev_temp[:m], ev_icmv, tid + 1


@numba.njit(cache=True)
def _grow_i(a: I64, cap: int) -> I64:
    out = np.empty(cap, np.int64)
    out[: a.size] = a
    return out


@numba.njit(cache=True)
def _grow_f(a: F64, cap: int) -> F64:
    out = np.empty(cap, np.float64)
    out[: a.size] = a
    return out


# --------------------------------------------------------------------------------------------
# Public API


def _as_f64(name: str, values: ArrayLike, size: int | None = None) -> F64:
    arr = np.ascontiguousarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    if size is not None and arr.size != size:
        raise ValueError(f"{name} has {arr.size} values, expected {size}")
    return arr


def machine_codes(machine_ids: ArrayLike) -> I64:
    """Integer codes (order of first appearance) for any machine identifiers."""
    ids = np.asarray(machine_ids)
    if ids.dtype.kind in "iu":
        return np.ascontiguousarray(ids, dtype=np.int64)
    _, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first))
    return np.ascontiguousarray(rank[inverse.ravel()], dtype=np.int64)


def pass_events(
    machine_ids: ArrayLike,
    time_s: ArrayLike,
    easting_m: ArrayLike,
    northing_m: ArrayLike,
    drum_width_m: ArrayLike,
    *,
    cell_size_m: float = DEFAULT_CELL_M,
    direction: ArrayLike | None = None,
    surface_temp_c: ArrayLike | None = None,
    icmv: ArrayLike | None = None,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
    max_step_m: float = DEFAULT_MAX_STEP_M,
) -> tuple[PassEvents, int]:
    """Every (cell, traversal) pair of the tracks (AASHTO PP 81 pass definition, see the module
    docstring), and the number of traversals. Samples need not be sorted."""
    if not cell_size_m > 0 or not math.isfinite(cell_size_m):
        raise ValueError("cell_size_m must be a positive number")
    t = _as_f64("time_s", time_s)
    size = t.size
    e = _as_f64("easting_m", easting_m, size)
    n = _as_f64("northing_m", northing_m, size)
    w = _as_f64("drum_width_m", drum_width_m, size)
    codes = machine_codes(machine_ids)
    if codes.size != size:
        raise ValueError(f"machine_ids has {codes.size} values, expected {size}")
    for name, arr in (("time_s", t), ("easting_m", e), ("northing_m", n), ("drum_width_m", w)):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinite values")
    if np.any(w < 0):
        raise ValueError("drum_width_m must not be negative")
    temp = (
        np.full(size, np.nan) if surface_temp_c is None else _as_f64("temp", surface_temp_c, size)
    )
    ic = np.full(size, np.nan) if icmv is None else _as_f64("icmv", icmv, size)
    if direction is None:
        dirs = np.zeros(size, dtype=np.int8)
    else:
        dirs = np.sign(np.asarray(direction, dtype=np.float64)).astype(np.int8)
        if dirs.size != size:
            raise ValueError(f"direction has {dirs.size} values, expected {size}")
    if size == 0:
        return PassEvents.empty(), 0
    # Sort by machine then time (stable: the first of duplicate times stays first), drop dups.
    order = np.lexsort((t, codes))
    codes, t, e, n, w = codes[order], t[order], e[order], n[order], w[order]
    temp, ic, dirs = temp[order], ic[order], dirs[order]
    keep = np.ones(size, dtype=bool)
    keep[1:] = (codes[1:] != codes[:-1]) | (t[1:] != t[:-1])
    if not keep.all():
        codes, t, e, n, w = codes[keep], t[keep], e[keep], n[keep], w[keep]
        temp, ic, dirs = temp[keep], ic[keep], dirs[keep]
    half = 0.5 * float(w.max())
    ix0 = math.floor((float(e.min()) - half) / cell_size_m) - 1
    iy0 = math.floor((float(n.min()) - half) / cell_size_m) - 1
    nx = math.floor((float(e.max()) + half) / cell_size_m) + 2 - ix0
    ny = math.floor((float(n.max()) + half) / cell_size_m) + 2 - iy0
    ev_ix, ev_iy, ev_t, ev_temp, ev_icmv, traversals = _kernel(
        codes,
        t,
        e,
        n,
        w,
        dirs,
        temp,
        ic,
        ix0,
        iy0,
        nx,
        ny,
        float(cell_size_m),
        float(max_gap_s),
        float(max_step_m),
    )
    return PassEvents(ev_ix, ev_iy, ev_t, ev_temp, ev_icmv), int(traversals)


def grid_from_events(events: PassEvents, cell_size_m: float) -> PassGrid:
    """Rasterise pass events onto the smallest aligned grid holding them."""
    if len(events) == 0:
        empty_f = np.zeros((0, 0))
        return PassGrid(
            0.0,
            0.0,
            cell_size_m,
            np.zeros((0, 0), np.int32),
            empty_f,
            empty_f.copy(),
            empty_f.copy(),
            empty_f.copy(),
            events,
        )
    ix0, iy0 = int(events.ix.min()), int(events.iy.min())
    nx = int(events.ix.max()) - ix0 + 1
    ny = int(events.iy.max()) - iy0 + 1
    flat = (events.iy - iy0) * nx + (events.ix - ix0)
    counts = np.bincount(flat, minlength=nx * ny).astype(np.int32).reshape(ny, nx)
    order = np.lexsort((events.time_s, flat))  # by cell, then time
    fs = flat[order]
    first = np.ones(fs.size, dtype=bool)
    first[1:] = fs[1:] != fs[:-1]
    last = np.ones(fs.size, dtype=bool)
    last[:-1] = fs[1:] != fs[:-1]
    temp_first = np.full(nx * ny, np.nan)
    temp_last = np.full(nx * ny, np.nan)
    time_first = np.full(nx * ny, np.nan)
    icmv_last = np.full(nx * ny, np.nan)
    temp_first[fs[first]] = events.temp_c[order][first]
    time_first[fs[first]] = events.time_s[order][first]
    temp_last[fs[last]] = events.temp_c[order][last]
    icmv_last[fs[last]] = events.icmv[order][last]
    return PassGrid(
        origin_e=ix0 * cell_size_m,
        origin_n=iy0 * cell_size_m,
        cell_size_m=cell_size_m,
        counts=counts,
        temp_first_c=temp_first.reshape(ny, nx),
        temp_last_c=temp_last.reshape(ny, nx),
        time_first_s=time_first.reshape(ny, nx),
        icmv_last=icmv_last.reshape(ny, nx),
        events=events,
    )


def pass_grid(
    machine_ids: ArrayLike,
    time_s: ArrayLike,
    easting_m: ArrayLike,
    northing_m: ArrayLike,
    drum_width_m: ArrayLike,
    *,
    cell_size_m: float = DEFAULT_CELL_M,
    direction: ArrayLike | None = None,
    surface_temp_c: ArrayLike | None = None,
    icmv: ArrayLike | None = None,
    max_gap_s: float = DEFAULT_MAX_GAP_S,
    max_step_m: float = DEFAULT_MAX_STEP_M,
) -> PassGrid:
    """Pass-count grid of roller tracks (AASHTO PP 81): see the module docstring."""
    events, _ = pass_events(
        machine_ids,
        time_s,
        easting_m,
        northing_m,
        drum_width_m,
        cell_size_m=cell_size_m,
        direction=direction,
        surface_temp_c=surface_temp_c,
        icmv=icmv,
        max_gap_s=max_gap_s,
        max_step_m=max_step_m,
    )
    return grid_from_events(events, cell_size_m)


def merge_grids(grids: Sequence[PassGrid]) -> PassGrid:
    """Merge grids of the same cell size (other machines or partitions): the pass events are
    pooled, so counts add and first/last-pass values are chosen by time across grids."""
    if not grids:
        raise ValueError("no grids to merge")
    cell = grids[0].cell_size_m
    if any(g.cell_size_m != cell for g in grids):
        raise ValueError("grids with different cell sizes cannot be merged")
    ev = [g.events for g in grids]
    merged = PassEvents(
        np.concatenate([x.ix for x in ev]),
        np.concatenate([x.iy for x in ev]),
        np.concatenate([x.time_s for x in ev]),
        np.concatenate([x.temp_c for x in ev]),
        np.concatenate([x.icmv for x in ev]),
    )
    return grid_from_events(merged, cell)


def _pct(num: float, den: float) -> float:
    return 100.0 * num / den if den else 0.0


def _r(x: float, nd: int = 4) -> float | None:
    return None if not math.isfinite(x) else round(float(x), nd)


def temperature_by_pass(events: PassEvents) -> dict[str, float | None]:
    """Mean surface temperature of the cells at their 1st, 2nd, … pass (passes ordered by time
    within each cell); ``None`` where no temperature was recorded for that pass number."""
    if len(events) == 0:
        return {}
    flat_key = events.iy * (1 << 31) + events.ix
    order = np.lexsort((events.time_s, flat_key))
    key = flat_key[order]
    start = np.ones(key.size, dtype=bool)
    start[1:] = key[1:] != key[:-1]
    group_start = np.maximum.accumulate(np.where(start, np.arange(key.size), 0))
    rank = np.arange(key.size) - group_start  # 0-based pass number
    temp = events.temp_c[order]
    out: dict[str, float | None] = {}
    for k in range(int(rank.max()) + 1):
        vals = temp[(rank == k) & np.isfinite(temp)]
        out[str(k + 1)] = _r(float(vals.mean()), 2) if vals.size else None
    return out


def summarize(
    grid: PassGrid,
    *,
    target_passes: int,
    icmv_target: float | None = None,
    vibration: ArrayLike | None = None,
) -> dict[str, Any]:
    """QC summary of a pass grid (AASHTO PP 81 outputs): coverage, pass-count histogram, % of
    covered area at or above the target pass count, mean passes, temperature at each pass
    number, ICMV uniformity of the final pass, and the vibration-on share of the samples
    (``vibration``: per-sample booleans, NaN/None unknown)."""
    if target_passes < 1:
        raise ValueError("target_passes must be at least 1")
    counts = grid.counts
    covered = counts[counts > 0]
    cells = int(covered.size)
    max_pass = int(covered.max()) if cells else 0
    hist = np.bincount(covered, minlength=max_pass + 1) if cells else np.zeros(1, np.int64)
    area_cell = grid.cell_size_m**2
    out: dict[str, Any] = {
        "cell_size_m": grid.cell_size_m,
        "origin_e": grid.origin_e,
        "origin_n": grid.origin_n,
        "grid_shape": list(grid.shape),
        "cells_covered": cells,
        "area_covered_m2": round(cells * area_cell, 4),
        "target_passes": int(target_passes),
        "pass_histogram": {str(k): int(hist[k]) for k in range(1, max_pass + 1)},
        "pct_area_at_target": round(_pct(float((covered >= target_passes).sum()), cells), 4),
        "mean_passes": _r(float(covered.mean()), 4) if cells else None,
        "max_passes": max_pass,
        "temperature_by_pass_c": temperature_by_pass(grid.events),
    }
    vals = grid.icmv_last[(counts > 0) & np.isfinite(grid.icmv_last)]
    if vals.size:
        mean = float(vals.mean())
        std = float(vals.std())
        p10, p50, p90 = (float(v) for v in np.percentile(vals, [10, 50, 90]))
        icmv_stats: dict[str, Any] = {
            "cells": int(vals.size),
            "mean": _r(mean),
            "std": _r(std),
            "cv_pct": _r(_pct(std, mean)) if mean else None,
            "p10": _r(p10),
            "p50": _r(p50),
            "p90": _r(p90),
        }
        if icmv_target is not None:
            icmv_stats["target"] = icmv_target
            icmv_stats["pct_above_target"] = _r(_pct(float((vals >= icmv_target).sum()), vals.size))
        out["icmv"] = icmv_stats
    else:
        out["icmv"] = None
    if vibration is not None:
        v = np.asarray(vibration, dtype=np.float64)
        known = v[np.isfinite(v)]
        out["vibration_on_pct"] = (
            _r(_pct(float((known > 0).sum()), known.size)) if known.size else None
        )
    return out
