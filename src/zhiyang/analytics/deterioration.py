"""Pavement deterioration models: the standard decay equation and a Markov chain.

The standard decay equation of Chinese pavement management (孙立军《铺面工程学》; the
performance model family used with JTG 5421-2018 / JTG 5142-2019 pavement management):

    PPI(y) = PPI0 · {1 − exp[−(α / y)^β]}

with ``y`` the years since the last treatment (or since construction), ``PPI0`` the index right
after it (100 by default), ``α`` the "life factor" (years; larger = slower decay) and ``β`` the
"shape factor" (larger = the index stays high longer, then drops faster). ``PPI(0) = PPI0`` and
``PPI(y) → 0`` as ``y → ∞``; ``PPI(α) = PPI0 · (1 − e⁻¹) ≈ 0.632 · PPI0``.

Units in a network rarely carry a reliable treatment history, so every model can work from the
index alone: :meth:`StandardDecay.age_at` inverts the curve and gives the *equivalent age* of a
unit whose index is known.

Pure numpy/scipy. Default α, β per pavement, road-class group and index are in
``standards/deterioration.toml`` (with source and ``confirmed`` flag); :func:`default_decay`
reads them. :func:`fit_standard_decay` calibrates α, β from a network's own survey history.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from zhiyang.analytics import parameters

FloatArray = npt.NDArray[np.float64]

INDICES = ("pqi", "pci", "rqi", "rdi", "sri", "pwi", "pbi", "mqi")
PAVEMENTS = ("asphalt", "concrete")
ROAD_CLASSES = ("expressway", "class1", "class2", "class3", "class4")
#: Road-class groups of the defaults (JTG 5210-2018 uses the same split for its curves).
CLASS_GROUPS = {
    "expressway": "high",
    "class1": "high",
    "class2": "low",
    "class3": "low",
    "class4": "low",
}
_FILE = "deterioration.toml"


class DeteriorationError(ValueError):
    """Invalid model parameters, inputs or data file (the message says what)."""


@runtime_checkable
class DeteriorationModel(Protocol):
    """Anything that predicts an index forward in time.

    ``predict(index_now, years_ahead, age_now=None)`` returns an array of shape
    ``shape(index_now) + shape(years_ahead)``: the predicted index of each unit (first axes)
    after each number of years (last axes). ``age_now`` (years since the last treatment, same
    shape as ``index_now``; NaN = unknown) may be ignored by models that do not use age.
    ``years_ahead = 0`` returns ``index_now`` itself.
    """

    def predict(
        self,
        index_now: npt.ArrayLike,
        years_ahead: npt.ArrayLike,
        age_now: npt.ArrayLike | None = None,
    ) -> FloatArray: ...


def _outer(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Broadcast ``a`` over the leading axes and ``b`` over the trailing axes."""
    return a.reshape(a.shape + (1,) * b.ndim), b.reshape((1,) * a.ndim + b.shape)


@dataclass(frozen=True)
class StandardDecay:
    """PPI(y) = ppi0 · {1 − exp[−(alpha / y)^beta]}; ``alpha`` in years, ``beta`` > 0."""

    alpha: float
    beta: float
    ppi0: float = 100.0

    def __post_init__(self) -> None:
        for name in ("alpha", "beta", "ppi0"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise DeteriorationError(f"{name} must be a finite number > 0, got {value!r}")

    def value(self, age_years: npt.ArrayLike) -> FloatArray:
        """The index at ``age_years`` (≥ 0; 0 gives ``ppi0``, ∞ gives 0; NaN stays NaN)."""
        y = np.asarray(age_years, dtype=np.float64)
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            # (alpha / 0) = inf -> exp(-inf) = 0 -> ppi0, as the formula's limit.
            ratio = np.where(y > 0, self.alpha / np.where(y > 0, y, 1.0), np.inf)
            out = self.ppi0 * -np.expm1(-(ratio**self.beta))
        out = np.where(y < 0, self.ppi0, out)
        return np.where(np.isnan(y), np.nan, out)

    def age_at(self, value: npt.ArrayLike) -> FloatArray:
        """Equivalent age: the years at which the curve reaches ``value``.

        ``value ≥ ppi0`` gives 0, ``value ≤ 0`` gives ∞, NaN gives NaN. Inverse of
        :meth:`value`: y = α / [−ln(1 − PPI / PPI0)]^(1/β).
        """
        v = np.asarray(value, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            frac = np.clip(v / self.ppi0, 0.0, 1.0)
            g = -np.log1p(-frac)  # (alpha / y)^beta
            out = self.alpha / g ** (1.0 / self.beta)
        out = np.where(frac >= 1.0, 0.0, out)
        out = np.where(frac <= 0.0, np.inf, out)
        return np.where(np.isnan(v), np.nan, out)

    def predict(
        self,
        index_now: npt.ArrayLike,
        years_ahead: npt.ArrayLike,
        age_now: npt.ArrayLike | None = None,
    ) -> FloatArray:
        """Index after ``years_ahead`` years, shape ``shape(index_now) + shape(years_ahead)``.

        Without ``age_now`` (or where it is NaN) the unit moves along the curve from its
        equivalent age: ``value(age_at(index_now) + t)`` (exact at t = 0). With a known age
        the unit keeps its relative position on the curve:
        ``index_now · value(age_now + t) / value(age_now)`` (capped at ``ppi0``).
        """
        now = np.asarray(index_now, dtype=np.float64)
        t = np.asarray(years_ahead, dtype=np.float64)
        if np.any(t < 0):
            raise DeteriorationError("years_ahead must be >= 0")
        eq_age = self.age_at(now)
        if age_now is not None:
            age = np.broadcast_to(np.asarray(age_now, dtype=np.float64), now.shape)
        else:
            age = np.full(now.shape, np.nan)
        a_eq, tt = _outer(eq_age, t)
        out = self.value(a_eq + tt)
        known = np.isfinite(age) & (age >= 0)
        if np.any(known):
            a_k, tt = _outer(np.where(known, age, 0.0), t)
            n_k, _ = _outer(now, t)
            base = self.value(a_k)
            with np.errstate(divide="ignore", invalid="ignore"):
                scaled = np.minimum(self.ppi0, n_k * self.value(a_k + tt) / base)
            scaled = np.where(base > 0, scaled, 0.0)
            k, _ = _outer(known.astype(np.float64), t)
            out = np.where(k > 0, scaled, out)
        n_all, _ = _outer(now, t)
        return np.where(np.isnan(n_all), np.nan, out)

    def with_alpha_factor(self, factor: float) -> StandardDecay:
        """The same curve with α multiplied by ``factor`` (> 1: slower decay)."""
        return StandardDecay(self.alpha * factor, self.beta, self.ppi0)


@dataclass(frozen=True)
class DecayFit:
    """Result of :func:`fit_standard_decay`: parameters, goodness of fit and the model."""

    alpha: float
    beta: float
    r2: float
    rmse: float
    n: int
    model: StandardDecay


def fit_standard_decay(
    age_years: npt.ArrayLike,
    values: npt.ArrayLike,
    ppi0: float = 100.0,
    *,
    alpha0: float = 15.0,
    beta0: float = 0.8,
    bounds: tuple[tuple[float, float], tuple[float, float]] = ((0.1, 200.0), (0.05, 10.0)),
) -> DecayFit:
    """Least-squares fit of α, β to (age, index) observations, ``ppi0`` fixed.

    Uses ``scipy.optimize.least_squares`` (trust region reflective, bounded: α in
    ``bounds[0]`` years, β in ``bounds[1]``). Pairs with a NaN or negative age, or a NaN
    index, are dropped; at least 3 remain or :class:`DeteriorationError` is raised.
    Goodness of fit: R² = 1 − SS_res / SS_tot (NaN if the values are all equal) and RMSE.
    """
    from scipy.optimize import least_squares

    y = np.asarray(age_years, dtype=np.float64).ravel()
    v = np.asarray(values, dtype=np.float64).ravel()
    if y.shape != v.shape:
        raise DeteriorationError("age_years and values must have the same length")
    keep = np.isfinite(y) & np.isfinite(v) & (y >= 0)
    y, v = y[keep], v[keep]
    if y.size < 3:
        raise DeteriorationError("at least 3 observations with an age and a value are needed")
    if not (math.isfinite(ppi0) and ppi0 > 0):
        raise DeteriorationError("ppi0 must be > 0")
    (a_lo, a_hi), (b_lo, b_hi) = bounds

    def residuals(p: FloatArray) -> FloatArray:
        return StandardDecay(float(p[0]), float(p[1]), ppi0).value(y) - v

    best = None
    # A few starting points: the problem is smooth but can have flat regions.
    for a_start in (alpha0, 5.0, 30.0):
        for b_start in (beta0, 0.4, 2.0):
            x0 = np.clip(
                [a_start, b_start], [a_lo * 1.001, b_lo * 1.001], [a_hi * 0.999, b_hi * 0.999]
            )
            res = least_squares(residuals, x0, bounds=([a_lo, b_lo], [a_hi, b_hi]), method="trf")
            if best is None or res.cost < best.cost:
                best = res
    assert best is not None
    alpha, beta = float(best.x[0]), float(best.x[1])
    model = StandardDecay(alpha, beta, ppi0)
    resid = model.value(y) - v
    ss_res = float(np.sum(resid**2))
    ss_tot = float(np.sum((v - v.mean()) ** 2))
    r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else math.nan
    return DecayFit(alpha, beta, r2, math.sqrt(ss_res / y.size), int(y.size), model)


@dataclass(frozen=True)
class MarkovChain:
    """Discrete-time Markov chain over condition states (one step = one year).

    ``transition[i, j]`` is the probability of moving from state i to state j in a year (rows
    sum to 1; states ordered best first). ``lower_bounds[i]`` is the lowest index of state i
    (decreasing; the last state takes everything below its predecessor's bound), and
    ``state_values[i]`` the index assumed for a unit in state i (by default the mid-point of
    the state's band, ``ppi0`` on top and the lowest bound's half at the bottom). A unit
    starts in the state of its current index with certainty and the prediction is the
    expected index after t years. Default bounds are the JTG 5210-2018 grades 优/良/中/次/差.
    """

    transition: tuple[tuple[float, ...], ...]
    lower_bounds: tuple[float, ...] = (90.0, 80.0, 70.0, 60.0, 0.0)
    state_values: tuple[float, ...] | None = None
    ppi0: float = 100.0

    def __post_init__(self) -> None:
        p = np.asarray(self.transition, dtype=np.float64)
        n = len(self.lower_bounds)
        if p.shape != (n, n):
            raise DeteriorationError(f"transition must be {n}×{n} (one row per state)")
        if np.any(p < 0) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-9):
            raise DeteriorationError("transition rows must be probabilities summing to 1")
        if any(b <= a for a, b in zip(self.lower_bounds[1:], self.lower_bounds[:-1], strict=True)):
            raise DeteriorationError("lower_bounds must decrease")
        if self.state_values is not None and len(self.state_values) != n:
            raise DeteriorationError("state_values needs one value per state")

    @property
    def values(self) -> FloatArray:
        if self.state_values is not None:
            return np.asarray(self.state_values, dtype=np.float64)
        upper = np.array([self.ppi0, *self.lower_bounds[:-1]], dtype=np.float64)
        return (upper + np.asarray(self.lower_bounds, dtype=np.float64)) / 2.0

    def state_of(self, index: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """State number of each index value (0 = best); NaN maps to the last state."""
        v = np.asarray(index, dtype=np.float64)
        bounds = np.asarray(self.lower_bounds, dtype=np.float64)
        # Number of bounds strictly above the value's band = state position.
        above = (v[..., None] < bounds[:-1]).sum(axis=-1)
        return np.asarray(above, dtype=np.int64)

    def predict(
        self,
        index_now: npt.ArrayLike,
        years_ahead: npt.ArrayLike,
        age_now: npt.ArrayLike | None = None,
    ) -> FloatArray:
        """Expected index after ``years_ahead`` years (``age_now`` is not used).

        At t = 0 the current index itself is returned (not its state's value)."""
        now = np.asarray(index_now, dtype=np.float64)
        t = np.asarray(years_ahead)
        if np.any(t < 0) or not np.all(np.equal(np.mod(t, 1), 0)):
            raise DeteriorationError("years_ahead must be whole years >= 0 for a Markov chain")
        t_int = t.astype(np.int64)
        p = np.asarray(self.transition, dtype=np.float64)
        vals = self.values
        tmax = int(t_int.max()) if t_int.size else 0
        # expected[k, s]: expected value after k years starting from state s.
        expected = np.empty((tmax + 1, len(vals)))
        vec = vals.copy()
        for k in range(tmax + 1):
            expected[k] = vec
            vec = p @ vec
        state = self.state_of(now)
        out = expected[
            t_int.reshape((1,) * now.ndim + t_int.shape),
            state.reshape(state.shape + (1,) * t_int.ndim),
        ]
        n_all, tt = _outer(now, t_int.astype(np.float64))
        out = np.where(tt == 0, n_all, out)
        return np.where(np.isnan(n_all), np.nan, out)


# --------------------------------------------------------------------------- defaults


@dataclass(frozen=True)
class DefaultDecay:
    """One row of the defaults file with its provenance."""

    pavement: str
    group: str
    index: str
    alpha: float
    beta: float
    ppi0: float
    source: str
    confirmed: bool


def _raw() -> Mapping[str, Any]:
    return parameters.packaged(_FILE)


@cache
def default_table() -> dict[tuple[str, str, str], DefaultDecay]:
    """All defaults of ``standards/deterioration.toml`` keyed by (pavement, group, index)."""
    raw = _raw()
    out: dict[tuple[str, str, str], DefaultDecay] = {}
    for pavement in PAVEMENTS:
        for group in ("high", "low"):
            table = raw.get(pavement, {}).get(group)
            if not isinstance(table, Mapping):
                raise DeteriorationError(f"{_FILE}: missing table [{pavement}.{group}]")
            for index, row in table.items():
                if not isinstance(row, Mapping):
                    continue
                try:
                    out[(pavement, group, index)] = DefaultDecay(
                        pavement,
                        group,
                        index,
                        float(row["alpha"]),
                        float(row["beta"]),
                        float(row.get("ppi0", 100.0)),
                        str(row["source"]),
                        bool(row["confirmed"]),
                    )
                except (KeyError, TypeError, ValueError) as exc:
                    raise DeteriorationError(
                        f"{_FILE}: [{pavement}.{group}.{index}] malformed ({exc})"
                    ) from exc
    return out


def default_parameters(pavement: str, road_class: str, index: str = "pqi") -> DefaultDecay:
    """The default row (with provenance) for a pavement, road class and index."""
    if pavement not in PAVEMENTS:
        raise DeteriorationError(f"unknown pavement {pavement!r}; expected one of {PAVEMENTS}")
    group = CLASS_GROUPS.get(road_class)
    if group is None:
        raise DeteriorationError(
            f"unknown road class {road_class!r}; expected one of {ROAD_CLASSES}"
        )
    row = default_table().get((pavement, group, index.lower()))
    if row is None:
        raise DeteriorationError(f"no default decay for {pavement}/{group}/{index}")
    return row


def default_decay(pavement: str, road_class: str, index: str = "pqi") -> StandardDecay:
    """The default :class:`StandardDecay` for a pavement, road class and index (PQI, PCI,
    RQI, RDI, ...) from ``standards/deterioration.toml``."""
    row = default_parameters(pavement, road_class, index)
    return StandardDecay(row.alpha, row.beta, row.ppi0)
