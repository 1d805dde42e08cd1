"""Quantities machines measured: area covered, volume laid, litres sprayed (pure numpy).

One machine's readings are samples ``t_s`` (seconds), ``speed_m_per_s`` and ``width_m``
(and optionally ``depth_m`` or ``rate_l_per_m2``). The distance between two samples is the
mean speed × the time between them (trapezoid rule); a gap longer than ``max_gap_s`` (the
machine was off or out of coverage) counts nothing. The area is distance × the mean width;
a volume is area × mean depth (paving thickness, milling depth); litres are area × the mean
spray rate.
"""

from __future__ import annotations

import numpy as np

MAX_GAP_S = 60.0


def _intervals(t_s: np.ndarray, max_gap_s: float) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(t_s, kind="stable")
    dt = np.diff(t_s[order])
    keep = (dt > 0) & (dt <= max_gap_s)
    return order, np.where(keep, dt, 0.0)


def _mean_pairs(values: np.ndarray, order: np.ndarray) -> np.ndarray:
    v = np.nan_to_num(np.asarray(values, dtype=float)[order], nan=0.0)
    result: np.ndarray = (v[1:] + v[:-1]) / 2.0
    return result


def covered(
    t_s: np.ndarray,
    speed_m_per_s: np.ndarray,
    width_m: np.ndarray,
    *,
    per_m2: np.ndarray | None = None,
    max_gap_s: float = MAX_GAP_S,
) -> float:
    """Σ speed × Δt × width (m²), or × ``per_m2`` (depth in m → m³; rate in L/m² → L)."""
    t = np.asarray(t_s, dtype=float)
    if t.size < 2:
        return 0.0
    order, dt = _intervals(t, max_gap_s)
    area = _mean_pairs(speed_m_per_s, order) * dt * _mean_pairs(width_m, order)
    if per_m2 is not None:
        area = area * _mean_pairs(per_m2, order)
    return float(np.sum(area))
