"""Ground truth of a simulated shift's compaction: the noise-free drum path of every roller
pass and the true pass count per cell, computed independently of the QC engine.

A **true pass** is a maximal run of a roller's movements in one direction (forward or
reverse along the chainage; standing in between does not end it), as the simulator planned
them: the drum centre's noise-free path (:meth:`Shift.xy`, sampled every ``step_m`` so the
route's curvature is followed) and the drum width.

:func:`true_pass_counts` sweeps each pass exactly: the drum is a segment of the drum width
perpendicular to the direction of travel, turning about its centre at the corners of the
path, so the area it sweeps is the path buffered by half the drum width with flat ends and
round joins (shapely). A cell counts a pass when its centre lies in that area; the true
count of a cell is the number of passes covering it. This shares nothing with the engine in
``analytics.compaction`` (no clusters, no heading window, no quadrilaterals).

Pure: no Django import.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray


@dataclass(frozen=True)
class TruePass:
    """One roller pass: machine, drum width (m), drum-centre path ``xy`` (N x 2, metres),
    the times (s from the shift start) of its first and last point."""

    device: str
    width_m: float
    xy: NDArray[np.float64]
    t0: float
    t1: float


@dataclass(frozen=True)
class TrueCounts:
    """True pass counts on the global cell grid: cell ``(ix0 + j, iy0 + i)`` is
    ``counts[i, j]`` (cell centre at ``((ix + 0.5) c, (iy + 0.5) c)``)."""

    ix0: int
    iy0: int
    cell_size_m: float
    counts: NDArray[np.int32]

    def at(self, ix: Any, iy: Any) -> NDArray[np.int32]:
        """Counts at global cell indices (0 outside the grid)."""
        ix = np.asarray(ix) - self.ix0
        iy = np.asarray(iy) - self.iy0
        ny, nx = self.counts.shape
        ok = (ix >= 0) & (ix < nx) & (iy >= 0) & (iy < ny)
        out = np.zeros(ix.shape, np.int32)
        out[ok] = self.counts[iy[ok], ix[ok]]
        return out


def roller_passes(shift: Any, *, step_m: float = 0.25) -> list[TruePass]:
    """The true passes of every roller of a simulated :class:`~.simulator.Shift`, clipped to
    the shift's samples (the last sample time)."""
    end = float(shift.times[-1]) if len(shift.times) else 0.0
    out: list[TruePass] = []
    for device, segments in shift.roller_segments.items():
        width = next(
            (m.width_m for m in shift.config.machines if m.device == device and m.width_m), 0.0
        )
        if not width:
            from zhiyang.telemetry.simulator import DRUM_WIDTH_M

            role = next(m.role for m in shift.config.machines if m.device == device)
            width = DRUM_WIDTH_M[role]
        run: list[tuple[float, float, float]] = []  # (t, chainage, offset)
        current = ""

        for s in segments:
            if s.t0 >= end:
                break
            if s.direction == "stopped" or (s.c0 == s.c1 and s.o0 == s.o1):
                continue
            if s.direction != current:
                _flush(shift, device, float(width), run, out)
                current = s.direction
            t1 = min(s.t1, end)
            f1 = (t1 - s.t0) / (s.t1 - s.t0) if s.t1 > s.t0 else 1.0
            length = math.hypot(s.c1 - s.c0, s.o1 - s.o0) * f1
            pieces = max(1, math.ceil(length / step_m))
            for k in range(0 if not run else 1, pieces + 1):
                f = f1 * k / pieces
                run.append(
                    (s.t0 + (s.t1 - s.t0) * f, s.c0 + (s.c1 - s.c0) * f, s.o0 + (s.o1 - s.o0) * f)
                )
        _flush(shift, device, float(width), run, out)
    return out


def roller_chainage(shift: Any, device: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The noise-free chainage and lateral offset of a roller of a simulated shift at each
    of the shift's sample times (what its GNSS would read without noise), from the planned
    movements the simulator drove."""
    segments = shift.roller_segments.get(device)
    if segments is None:
        shift.messages(device)  # plans the rollers' movements
        segments = shift.roller_segments[device]
    t = np.asarray(shift.times, dtype=np.float64)
    t0 = np.array([s.t0 for s in segments])
    t1 = np.array([s.t1 for s in segments])
    c0 = np.array([s.c0 for s in segments])
    c1 = np.array([s.c1 for s in segments])
    o0 = np.array([s.o0 for s in segments])
    o1 = np.array([s.o1 for s in segments])
    k = np.clip(np.searchsorted(t0, t, side="right") - 1, 0, len(segments) - 1)
    span = t1[k] - t0[k]
    with np.errstate(divide="ignore", invalid="ignore"):
        f = np.where(span > 0, np.clip((t - t0[k]) / span, 0.0, 1.0), 0.0)
    f = np.where(t >= t1[k], 1.0, f)
    return c0[k] + (c1[k] - c0[k]) * f, o0[k] + (o1[k] - o0[k]) * f


def _flush(
    shift: Any,
    device: str,
    width: float,
    run: list[tuple[float, float, float]],
    out: list[TruePass],
) -> None:
    if len(run) >= 2:
        arr = np.array(run)
        xy, _dir = shift.xy(arr[:, 1], arr[:, 2])
        keep = np.ones(len(xy), dtype=bool)
        keep[1:] = np.any(np.diff(xy, axis=0) != 0, axis=1)
        if keep.sum() >= 2:
            out.append(TruePass(device, width, xy[keep], float(arr[0, 0]), float(arr[-1, 0])))
    run.clear()


def pass_polygon(p: TruePass) -> Any:
    """The area the drum sweeps in one pass (flat ends, round joins)."""
    return shapely.LineString(p.xy).buffer(p.width_m / 2, cap_style="flat", join_style="round")


def true_pass_counts(passes: Iterable[TruePass], cell_size_m: float) -> TrueCounts:
    """True pass count per cell of ``passes`` (see the module docstring)."""
    polys = [(pass_polygon(p)) for p in passes]
    polys = [q for q in polys if not q.is_empty]
    if not polys:
        return TrueCounts(0, 0, cell_size_m, np.zeros((0, 0), np.int32))
    bounds = np.array([q.bounds for q in polys])
    c = cell_size_m
    ix0 = math.floor(bounds[:, 0].min() / c) - 1
    iy0 = math.floor(bounds[:, 1].min() / c) - 1
    nx = math.floor(bounds[:, 2].max() / c) + 2 - ix0
    ny = math.floor(bounds[:, 3].max() / c) + 2 - iy0
    counts = np.zeros((ny, nx), np.int32)
    for q, (x0, y0, x1, y1) in zip(polys, bounds, strict=True):
        jx0 = max(math.floor(x0 / c - 0.5), ix0)
        jx1 = min(math.ceil(x1 / c - 0.5), ix0 + nx - 1)
        jy0 = max(math.floor(y0 / c - 0.5), iy0)
        jy1 = min(math.ceil(y1 / c - 0.5), iy0 + ny - 1)
        gx, gy = np.meshgrid(np.arange(jx0, jx1 + 1), np.arange(jy0, jy1 + 1))
        shapely.prepare(q)
        inside = shapely.contains_xy(q, (gx + 0.5) * c, (gy + 0.5) * c)
        counts[gy[inside] - iy0, gx[inside] - ix0] += 1
    return TrueCounts(ix0, iy0, c, counts)


def compare(
    truth: TrueCounts, ix: Sequence[int] | NDArray[np.int64], iy: Any, counts: Any
) -> dict[str, float]:
    """Engine counts (cells ``ix, iy`` with ``counts``) against the truth over the cells
    either covers: % exact, % within one pass, the largest excess over the true maximum."""
    ix = np.asarray(ix)
    iy = np.asarray(iy)
    counts = np.asarray(counts)
    ty, tx = np.nonzero(truth.counts)
    keys_e = set(zip(ix.tolist(), iy.tolist(), strict=True))
    extra = [(x + truth.ix0, y + truth.iy0) for y, x in zip(ty, tx, strict=True)]
    allkeys = sorted(keys_e | set(extra))
    ax = np.array([k[0] for k in allkeys], dtype=np.int64)
    ay = np.array([k[1] for k in allkeys], dtype=np.int64)
    engine = dict(zip(zip(ix.tolist(), iy.tolist(), strict=True), counts.tolist(), strict=True))
    e = np.array([engine.get(k, 0) for k in allkeys])
    t = truth.at(ax, ay)
    diff = np.abs(e - t)
    n = max(len(allkeys), 1)
    return {
        "cells": float(len(allkeys)),
        "exact_pct": 100.0 * float((diff == 0).sum()) / n,
        "within1_pct": 100.0 * float((diff <= 1).sum()) / n,
        "max_engine": float(e.max()) if e.size else 0.0,
        "max_truth": float(t.max()) if t.size else 0.0,
    }


# --------------------------------------------------------------------------------------------
# Synthetic roller tracks with a known truth (tests, benchmarks).


@dataclass(frozen=True)
class Track:
    """Samples of one or more machines (``heading_deg`` the noise-free body heading) and the
    true passes that made them."""

    machine: NDArray[np.str_]
    time_s: NDArray[np.float64]
    easting_m: NDArray[np.float64]
    northing_m: NDArray[np.float64]
    drum_width_m: NDArray[np.float64]
    heading_deg: NDArray[np.float64]
    direction: NDArray[np.int8]
    speed_m_s: NDArray[np.float64]
    passes: tuple[TruePass, ...]

    def __len__(self) -> int:
        return int(self.time_s.size)

    def columns(self, *, heading: bool = False, direction: bool = False) -> dict[str, Any]:
        """Keyword arguments of ``analytics.compaction.pass_grid``."""
        out: dict[str, Any] = {
            "machine_ids": self.machine,
            "time_s": self.time_s,
            "easting_m": self.easting_m,
            "northing_m": self.northing_m,
            "drum_width_m": self.drum_width_m,
        }
        if heading:
            out["heading_deg"] = self.heading_deg
        if direction:
            out["direction"] = self.direction
        return out


def _along(nodes: NDArray[np.float64], s: NDArray[np.float64]) -> tuple[Any, Any]:
    seg = np.hypot(*np.diff(nodes, axis=0).T)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    k = np.clip(np.searchsorted(cum, s, side="right") - 1, 0, len(seg) - 1)
    f = (s - cum[k]) / seg[k]
    xy = nodes[k] + (nodes[k + 1] - nodes[k]) * f[:, None]
    d = (nodes[k + 1] - nodes[k]) / seg[k, None]
    return xy, d


def back_and_forth(
    nodes: Sequence[Sequence[float]],
    *,
    passes: int,
    device: str = "R1",
    width_m: float = 2.0,
    speed_m_s: float = 1.1,
    rate_hz: float = 10.0,
    noise_m: float = 0.0,
    stop_s: float = 3.0,
    start_s: float = 0.0,
    standing_s: float = 0.0,
    seed: int = 0,
) -> Track:
    """A roller driving ``passes`` times back and forth along the polyline ``nodes`` (metres;
    straight or curved), stopping ``stop_s`` at each turnaround, and standing ``standing_s``
    before the first pass and after the last (GNSS jitter all along: ``noise_m`` per axis)."""
    rng = np.random.default_rng(seed)
    pts = np.asarray(nodes, dtype=float)
    if len(pts) == 2:  # sample a straight line finely so _along's segments are simple
        pts = np.linspace(pts[0], pts[1], 3)
    length = float(np.hypot(*np.diff(pts, axis=0).T).sum())
    dt = 1.0 / rate_hz
    run_s = length / speed_m_s
    t_parts: list[NDArray[np.float64]] = []
    s_parts: list[NDArray[np.float64]] = []
    dir_parts: list[NDArray[np.float64]] = []
    true: list[TruePass] = []
    t = start_s
    cycle = [(standing_s, 0.0, 0)] if standing_s else []
    for p in range(passes):
        forward = p % 2 == 0
        cycle.append((run_s, 1.0 if forward else -1.0, 1 if forward else -1))
        cycle.append((stop_s if p < passes - 1 else standing_s, 0.0, 0))
    pos = 0.0
    for duration, sign, direction in cycle:
        if duration <= 0:
            continue
        ts = np.arange(0.0, duration, dt)
        if sign:
            s = pos + sign * speed_m_s * ts
            end = pos + sign * length
            poly, _d = _along(pts, np.linspace(pos, end, max(2, math.ceil(length / 0.25) + 1)))
            true.append(TruePass(device, width_m, poly, t, t + duration))
            pos = end
        else:
            s = np.full(ts.size, pos)
        t_parts.append(t + ts)
        s_parts.append(np.clip(s, 0.0, length))
        dir_parts.append(np.full(ts.size, direction))
        t += duration
    tt = np.concatenate(t_parts)
    ss = np.concatenate(s_parts)
    xy, d = _along(pts, ss)
    xy = xy + rng.normal(0.0, noise_m, xy.shape)
    heading = np.degrees(np.arctan2(d[:, 0], d[:, 1])) % 360.0
    dirs = np.concatenate(dir_parts).astype(np.int8)
    speed = np.where(dirs != 0, speed_m_s, 0.0)
    return Track(
        np.full(tt.size, device),
        tt,
        xy[:, 0],
        xy[:, 1],
        np.full(tt.size, width_m),
        heading,
        dirs,
        speed,
        tuple(true),
    )


def combine(*tracks: Track) -> Track:
    """Several machines' tracks as one."""
    columns = {
        f: np.concatenate([getattr(t, f) for t in tracks])
        for f in Track.__dataclass_fields__
        if f != "passes"
    }
    return Track(**columns, passes=tuple(p for t in tracks for p in t.passes))
