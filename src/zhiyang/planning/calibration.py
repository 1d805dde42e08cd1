"""Calibrating the standard decay equation from the network's own survey history.

Method (docs/planning.md, "Calibration"): the years since each unit's last treatment are not
recorded, so ages cannot be observed. What the history does show is how fast units at a
given condition deteriorate: the same evaluation unit (route, direction, chainage) rated in
two successive approved surveys gives a pair (PQI₀, PQI₁, Δt years). Under the standard
equation a unit at PQI₀ sits at its *equivalent age* a₀ = age_at(PQI₀; α, β), and after Δt
years it is predicted at value(a₀ + Δt; α, β) — exactly how the planner moves units forward
(``StandardDecay.predict`` without an age). α and β are chosen by bounded least squares over
the pairs (``scipy.optimize.least_squares``, trust-region reflective):

    min_{α, β}  Σ_pairs [ predict(PQI₀, Δt; α, β) − PQI₁ ]²

Pairs whose index rose by more than ``TREATED_RISE`` points were evidently treated between
the surveys and are left out; so are pairs without both values. Goodness of fit: RMSE of the
predicted PQI₁, and R² of the *annual change* (PQI₁ − PQI₀): R² of PQI₁ itself would be near
1 just because PQI₁ ≈ PQI₀, which says nothing about the decay. The default curve's RMSE on
the same pairs is kept for comparison.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np

from zhiyang.analytics.deterioration import CLASS_GROUPS, StandardDecay, default_parameters

#: An index rising by more than this between two surveys means the unit was treated.
TREATED_RISE = 5.0
#: Fewer pairs than this: no calibration for the group (the default stays in use).
MIN_PAIRS = 8
#: Bounds of α (years) and β: a fit reaching one says the history is too short to tell.
BOUNDS = ((2.0, 100.0), (0.2, 3.0))


@dataclass(frozen=True)
class Pair:
    before: float
    after: float
    years: float


@dataclass
class GroupFit:
    pavement: str
    group: str
    alpha: float
    beta: float
    r2: float | None
    rmse: float
    n: int
    default_alpha: float
    default_beta: float
    default_rmse: float
    points: list[list[float]] = field(default_factory=list)


def predict_pairs(model: StandardDecay, pairs: list[Pair]) -> np.ndarray:
    """PQI₁ predicted from PQI₀ after Δt years along the curve (equivalent age)."""
    before = np.array([p.before for p in pairs])
    years = np.array([p.years for p in pairs])
    return model.value(model.age_at(before) + years)


def at_bound(alpha: float, beta: float, *, rel: float = 0.005) -> bool:
    """True if the fitted α or β sits on a bound of BOUNDS (within ``rel``): the history
    did not pin the curve down, and the fit should be used with care."""
    return any(
        abs(value - edge) <= rel * max(abs(edge), 1.0)
        for value, edges in zip((alpha, beta), BOUNDS, strict=True)
        for edge in edges
    )


def fit_pairs(pairs: list[Pair], *, start: tuple[float, float]) -> tuple[float, float]:
    """Least-squares α, β over the pairs (see the module docstring)."""
    from scipy.optimize import least_squares

    after = np.array([p.after for p in pairs])

    def residuals(p: np.ndarray) -> np.ndarray:
        return predict_pairs(StandardDecay(float(p[0]), float(p[1])), pairs) - after

    (a_lo, a_hi), (b_lo, b_hi) = BOUNDS
    best = None
    for a0, b0 in (start, (8.0, 0.5), (30.0, 1.5)):
        x0 = [min(max(a0, a_lo * 1.01), a_hi * 0.99), min(max(b0, b_lo * 1.01), b_hi * 0.99)]
        res = least_squares(residuals, x0, bounds=([a_lo, b_lo], [a_hi, b_hi]), method="trf")
        if best is None or res.cost < best.cost:
            best = res
    assert best is not None
    return float(best.x[0]), float(best.x[1])


def goodness(model: StandardDecay, pairs: list[Pair]) -> tuple[float | None, float]:
    """(R² of the annual change, RMSE of PQI₁) of ``model`` on ``pairs``."""
    before = np.array([p.before for p in pairs])
    after = np.array([p.after for p in pairs])
    years = np.array([p.years for p in pairs])
    predicted = predict_pairs(model, pairs)
    resid = predicted - after
    rmse = float(math.sqrt(float(np.mean(resid**2))))
    change = (after - before) / years
    predicted_change = (predicted - before) / years
    ss_tot = float(np.sum((change - change.mean()) ** 2))
    r2 = 1.0 - float(np.sum((predicted_change - change) ** 2)) / ss_tot if ss_tot > 0 else None
    return r2, rmse


def fit_group(pavement: str, group: str, pairs: list[Pair], index: str = "pqi") -> GroupFit:
    """Fit one (pavement, road-class group) and compare with its default curve."""
    road_class = next(rc for rc, g in CLASS_GROUPS.items() if g == group)
    default = default_parameters(pavement, road_class, index)
    default_model = StandardDecay(default.alpha, default.beta)
    alpha, beta = fit_pairs(pairs, start=(default.alpha, default.beta))
    model = StandardDecay(alpha, beta)
    r2, rmse = goodness(model, pairs)
    _r2, default_rmse = goodness(default_model, pairs)
    predicted = predict_pairs(model, pairs)
    points = [
        [round(p.before, 2), round(p.after, 2), round(float(q), 2), round(p.years, 3)]
        for p, q in zip(pairs, predicted, strict=True)
    ]
    return GroupFit(
        pavement=pavement,
        group=group,
        alpha=alpha,
        beta=beta,
        r2=r2,
        rmse=rmse,
        n=len(pairs),
        default_alpha=default.alpha,
        default_beta=default.beta,
        default_rmse=default_rmse,
        points=points,
    )


def pairs_by_group(observations: list[dict[str, Any]]) -> dict[tuple[str, str], list[Pair]]:
    """Pairs of successive observations of the same unit, grouped by (pavement, group).

    ``observations``: dicts with ``key`` (the unit's identity: route, direction, chainage),
    ``date``, ``value``, ``pavement``, ``road_class``. Each unit's observations are sorted
    by date and paired with the next one.
    """
    by_unit: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for obs in observations:
        if obs["value"] is not None:
            by_unit[obs["key"]].append(obs)
    groups: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for series in by_unit.values():
        series.sort(key=lambda o: o["date"])
        for first, second in pairwise(series):
            years = (second["date"] - first["date"]).days / 365.25
            if years < 0.5:
                continue
            if second["value"] - first["value"] > TREATED_RISE:
                continue
            group = CLASS_GROUPS.get(second["road_class"])
            if group is None or second["pavement"] not in ("asphalt", "concrete"):
                continue
            if not 0 < first["value"] < 100:
                continue
            groups[(second["pavement"], group)].append(
                Pair(float(first["value"]), float(second["value"]), years)
            )
    return dict(groups)
