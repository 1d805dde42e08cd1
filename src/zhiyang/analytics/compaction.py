"""Intelligent compaction (IC) pass counts and QC summaries, after AASHTO PP 81 and the FHWA
Veta conventions, made to hold on real GNSS tracks (RTK noise of 1–3 cm, stops, turnarounds).

The model (docs/qc.md has the measured accuracy; parameters in
``analytics/standards/compaction_qc.toml``, :func:`load_parameters`):

1. **Stationary filter.** Per machine, samples sorted by time are grouped into *clusters*: a
   sample within ``noise_radius_m`` of the current cluster's mean position (or slower than
   ``min_speed_m_s`` where a speed is given) joins it; the first sample outside starts a new
   cluster. Each cluster is one track *vertex* at its mean position. A roller standing for
   minutes is one vertex (its jitter draws nothing and cannot reverse it); a moving roller
   gives a vertex every ``noise_radius_m`` or every sample, whichever is longer. Samples more
   than ``max_gap_s`` apart in time or ``max_step_m`` in space are not joined (no footprint
   across the gap, a new pass after it).
2. **Passes.** A pass (PP 81: one traversal of the drum over a cell) ends at a *reversal*:
   the machine travelled more than ``reversal_hysteresis_m`` back from the furthest point it
   had reached along its direction of travel (estimated over the last ``heading_window_m``);
   the pass ends, and the next begins, at that furthest vertex. Where the messages carry a
   direction field (+1 forward, -1 reverse, 0 stopped/unknown) a change between forward and
   reverse also ends the pass.
3. **Drum lines.** At each vertex the drum is a line of the drum width, perpendicular to the
   heading: the message's heading where given (degrees clockwise from north), else the
   direction of the track's least-squares line over ``line_window_m`` of travel within the
   pass; its centre is the vertex projected onto that line (RTK noise across the track is
   averaged out, the along-track position and the turnaround points stay as measured).
4. **Sweep.** Between consecutive drum lines of a pass the drum sweeps the quadrilateral
   they span (no gaps between consecutive footprints, whatever the noise of the heading); a
   cell (default 0.5 m) is covered when its centre is inside (even-odd rule, half-open
   edges). A cell covered by several quadrilaterals of one pass counts once (a stamp per
   cell holds the last pass that covered it), so shared edges are never counted twice. The
   pass count of a cell is the number of passes, over all machines, that covered it.

Duplicate times within a machine: the first sample (in input order) is kept.

Grids are aligned to multiples of the cell size (``origin = floor(min / cell) * cell``), and
every pass is kept as an *event* (global cell index, time, temperature, ICMV), so grids from
different machines or partitions merge exactly (:func:`merge_grids`): counts add, and the first
and last pass of a cell are chosen by time.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from zhiyang.analytics import parameters
from zhiyang.analytics.compaction_kernel import _passes, _sweep, _vertices

F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

STANDARD_FILE = "compaction_qc.toml"


@dataclass(frozen=True)
class CompactionParams:
    """The pass-counting parameters (see the module docstring and the standards file)."""

    cell_size_m: float
    target_passes: int
    max_gap_s: float
    max_step_m: float
    noise_radius_m: float
    min_speed_m_s: float
    heading_window_m: float
    line_window_m: float
    reversal_hysteresis_m: float

    def with_(self, **changes: Any) -> CompactionParams:
        """A copy with ``changes`` (``None`` values are ignored)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


def load_parameters(overrides: Mapping[str, Any] | None = None) -> CompactionParams:
    """The packaged parameters (``[grid]`` and ``[pass_counting]``) with an organisation's
    ``overrides`` (tables of the same shape) merged."""
    data = parameters.load(STANDARD_FILE)
    if overrides:
        parameters.merge_tables(data, overrides)
    values = {**data["grid"], **data["pass_counting"]}
    kwargs = {f.name: values[f.name] for f in fields(CompactionParams)}
    kwargs["target_passes"] = int(kwargs["target_passes"])
    params = CompactionParams(**{k: v for k, v in kwargs.items()})
    _check(params)
    return params


def _check(p: CompactionParams) -> None:
    for name in (
        "cell_size_m",
        "max_gap_s",
        "max_step_m",
        "noise_radius_m",
        "heading_window_m",
        "line_window_m",
        "reversal_hysteresis_m",
    ):
        value = getattr(p, name)
        if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive number")
    if not (math.isfinite(p.min_speed_m_s) and p.min_speed_m_s >= 0):
        raise ValueError("min_speed_m_s must not be negative")
    if p.target_passes < 1:
        raise ValueError("target_passes must be at least 1")


DEFAULTS = load_parameters()
DEFAULT_CELL_M = DEFAULTS.cell_size_m
DEFAULT_MAX_GAP_S = DEFAULTS.max_gap_s
DEFAULT_MAX_STEP_M = DEFAULTS.max_step_m


@dataclass(frozen=True)
class PassEvents:
    """One row per (cell, pass): the raw material of a :class:`PassGrid`.

    ``ix``/``iy`` are global cell indices (cell centre at ``((ix + 0.5) c, (iy + 0.5) c)``);
    ``time_s``, ``temp_c`` are those of the track vertex where the pass first covered the cell;
    ``icmv`` is the mean ICMV over the pass's vertices covering the cell (NaN if none).
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
# Public API


def _as_f64(name: str, values: ArrayLike, size: int | None = None) -> F64:
    arr = np.ascontiguousarray(values, dtype=np.float64)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional")
    if size is not None and arr.size != size:
        raise ValueError(f"{name} has {arr.size} values, expected {size}")
    return arr


def _optional(name: str, values: ArrayLike | None, size: int) -> F64:
    if values is None:
        return np.full(size, np.nan)
    return _as_f64(name, values, size)


def machine_codes(machine_ids: ArrayLike) -> I64:
    """Integer codes (order of first appearance) for any machine identifiers."""
    ids = np.asarray(machine_ids)
    if ids.dtype.kind in "iu":
        return np.ascontiguousarray(ids, dtype=np.int64)
    ids = ids.ravel()
    if ids.size == 0:
        return np.zeros(0, dtype=np.int64)
    # Machines come in runs: code the run heads only (np.unique on every string is slow).
    change = np.empty(ids.size, dtype=bool)
    change[0] = True
    change[1:] = ids[1:] != ids[:-1]
    heads = ids[change]
    _, first, inverse = np.unique(heads, return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first))
    return np.ascontiguousarray(rank[inverse.ravel()][np.cumsum(change) - 1], dtype=np.int64)


def pass_events(
    machine_ids: ArrayLike,
    time_s: ArrayLike,
    easting_m: ArrayLike,
    northing_m: ArrayLike,
    drum_width_m: ArrayLike,
    *,
    cell_size_m: float | None = None,
    direction: ArrayLike | None = None,
    heading_deg: ArrayLike | None = None,
    speed_m_s: ArrayLike | None = None,
    surface_temp_c: ArrayLike | None = None,
    icmv: ArrayLike | None = None,
    max_gap_s: float | None = None,
    max_step_m: float | None = None,
    params: CompactionParams | None = None,
) -> tuple[PassEvents, int]:
    """Every (cell, pass) pair of the tracks (see the module docstring), and the number of
    passes. Samples need not be sorted. ``params`` defaults to the packaged standards data;
    ``cell_size_m``, ``max_gap_s``, ``max_step_m`` override it."""
    p = (params or DEFAULTS).with_(
        cell_size_m=cell_size_m, max_gap_s=max_gap_s, max_step_m=max_step_m
    )
    if not p.cell_size_m > 0 or not math.isfinite(p.cell_size_m):
        raise ValueError("cell_size_m must be a positive number")
    _check(p)
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
    temp = _optional("surface_temp_c", surface_temp_c, size)
    ic = _optional("icmv", icmv, size)
    head = _optional("heading_deg", heading_deg, size)
    spd = _optional("speed_m_s", speed_m_s, size)
    if direction is None:
        dirs = np.zeros(size, dtype=np.int8)
    else:
        raw = np.asarray(direction, dtype=np.float64)
        if raw.size != size:
            raise ValueError(f"direction has {raw.size} values, expected {size}")
        dirs = np.sign(np.nan_to_num(raw)).astype(np.int8)
    if size == 0:
        return PassEvents.empty(), 0
    cols: list[Any] = [codes, t, e, n, w, spd, head, dirs, temp, ic]
    # Sort by machine then time (stable: the first of duplicate times stays first), drop dups;
    # tracks already in that order (the usual case) are used as they are.
    same = codes[1:] == codes[:-1]
    ordered = bool(np.all((codes[1:] > codes[:-1]) | (same & (t[1:] > t[:-1]))))
    if not ordered:
        order = np.lexsort((t, codes))
        keep = np.ones(size, dtype=bool)
        cs, ts = codes[order], t[order]
        keep[1:] = (cs[1:] != cs[:-1]) | (ts[1:] != ts[:-1])
        order = order[keep]
        cols = [a[order] for a in cols]
    run, ve, vn, vt, vw, vh, vtemp, vic, vdin, vdout = _vertices(  # type: ignore[call-arg]
        *cols,
        float(p.noise_radius_m),
        float(p.min_speed_m_s),
        float(p.max_gap_s),
        float(p.max_step_m),
    )
    seg, path = _passes(
        run, ve, vn, vdin, vdout, float(p.heading_window_m), float(p.reversal_hysteresis_m)
    )
    cell = float(p.cell_size_m)
    half = 0.5 * float(w.max())
    ix0 = math.floor((float(ve.min()) - half) / cell) - 1
    iy0 = math.floor((float(vn.min()) - half) / cell) - 1
    nx = math.floor((float(ve.max()) + half) / cell) + 2 - ix0
    ny = math.floor((float(vn.max()) + half) / cell) + 2 - iy0
    ev_ix, ev_iy, ev_t, ev_temp, ev_icmv = _sweep(
        seg,
        path,
        ve,
        vn,
        vt,
        vw,
        vh,
        vtemp,
        vic,
        float(p.line_window_m),
        ix0,
        iy0,
        nx,
        ny,
        cell,
    )
    passes = int(seg.max()) + 1 if seg.size else 0
    return PassEvents(ev_ix, ev_iy, ev_t, ev_temp, ev_icmv), passes


def pass_grid(
    machine_ids: ArrayLike,
    time_s: ArrayLike,
    easting_m: ArrayLike,
    northing_m: ArrayLike,
    drum_width_m: ArrayLike,
    *,
    cell_size_m: float | None = None,
    direction: ArrayLike | None = None,
    heading_deg: ArrayLike | None = None,
    speed_m_s: ArrayLike | None = None,
    surface_temp_c: ArrayLike | None = None,
    icmv: ArrayLike | None = None,
    max_gap_s: float | None = None,
    max_step_m: float | None = None,
    params: CompactionParams | None = None,
) -> PassGrid:
    """Pass-count grid of roller tracks (AASHTO PP 81): see the module docstring."""
    p = (params or DEFAULTS).with_(
        cell_size_m=cell_size_m, max_gap_s=max_gap_s, max_step_m=max_step_m
    )
    events, _ = pass_events(
        machine_ids,
        time_s,
        easting_m,
        northing_m,
        drum_width_m,
        direction=direction,
        heading_deg=heading_deg,
        speed_m_s=speed_m_s,
        surface_temp_c=surface_temp_c,
        icmv=icmv,
        params=p,
    )
    return grid_from_events(events, p.cell_size_m)


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
