"""Patrol coverage: which chainage a GPS track actually ran along.

Pure numpy (no Django). Input: the chainage each track point was snapped to on the route
(``network.linref``), its distance from the centre line and its time. A point further than
``tolerance_m`` from the road is off the route (a detour, a car park) and breaks the track.
Two consecutive on-route points cover the chainage between them when the time between them
is at most ``max_gap_s`` and the jump at most ``max_jump_m`` (a GPS dropout, or a phone
that slept, must not count the road in between as patrolled). The covered intervals are
merged, clipped to ``[lo_m, hi_m]`` and their total length is the km patrolled.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

#: Defaults: GPS on a phone plus a wide road; one fix every few seconds at patrol speed.
TOLERANCE_M = 60.0
MAX_GAP_S = 180.0
MAX_JUMP_M = 3000.0


def covered_intervals(
    chainage_m: ArrayLike,
    distance_m: ArrayLike,
    time_s: ArrayLike,
    *,
    lo_m: float,
    hi_m: float,
    tolerance_m: float = TOLERANCE_M,
    max_gap_s: float = MAX_GAP_S,
    max_jump_m: float = MAX_JUMP_M,
) -> list[tuple[float, float]]:
    """Merged chainage intervals (m, increasing) covered by consecutive track points.

    Shapes: three arrays of length n (n ≥ 0), in track order.
    """
    ch = np.asarray(chainage_m, dtype=float)
    dist = np.asarray(distance_m, dtype=float)
    t = np.asarray(time_s, dtype=float)
    if ch.size < 2:
        return []
    on = (dist <= tolerance_m) & np.isfinite(ch)
    pair = on[:-1] & on[1:]
    pair &= np.abs(np.diff(t)) <= max_gap_s
    pair &= np.abs(np.diff(ch)) <= max_jump_m
    if not pair.any():
        return []
    a = np.minimum(ch[:-1], ch[1:])[pair]
    b = np.maximum(ch[:-1], ch[1:])[pair]
    a = np.clip(a, lo_m, hi_m)
    b = np.clip(b, lo_m, hi_m)
    keep = b > a
    a, b = a[keep], b[keep]
    if a.size == 0:
        return []
    order = np.argsort(a, kind="stable")
    a, b = a[order], b[order]
    # Merge: a new interval starts where its start passes the running maximum end.
    running = np.maximum.accumulate(b)
    starts = np.concatenate(([True], a[1:] > running[:-1]))
    idx = np.flatnonzero(starts)
    ends = np.concatenate((idx[1:], [a.size])) - 1
    return [(float(a[i]), float(running[j])) for i, j in zip(idx, ends, strict=True)]


def covered_length_m(intervals: list[tuple[float, float]]) -> float:
    """Total length of merged intervals (m)."""
    return float(sum(b - a for a, b in intervals))
