"""Treatment candidates for multi-year maintenance planning: cost, benefit, trajectories.

Time convention (horizon ``years = (Y1, …, YN)``): ``pqi_now`` is the index at t = 0, the
start of Y1 (the latest survey). A treatment "in year Yk" (k = 1..N) is applied at
t = k − 1, i.e. at the start of Yk, and the trajectories give the index at the *end* of
each year, t = 1..N. Do nothing: the unit follows its deterioration model from ``pqi_now``.
Treated in Yk: identical up to t = k − 1; then the index jumps to the treatment's effect
(``reset_to`` a value, or ``improve_by`` points on the predicted index, capped at PPI0) and
decays from there with the treated model (for :class:`StandardDecay`: α × ``alpha_factor``,
starting at the equivalent age of the new index).

Benefit of a candidate (documented in docs/optimize.md):

    benefit = w_i · Σ_{t=1..T} [PQI_treated(t) − PQI_nothing(t)] · 1 year

with ``w_i = length_km · traffic_weight`` by default (``weight="length"``: length_km only;
``"area_traffic"``: length_km · width_m · traffic_weight), ``T = benefit_years`` (default
N; a longer T counts benefit beyond the horizon so late treatments are not undervalued).
Units: index-points · km · years (× traffic weight). Cost = unit cost (¥/m²) × length_m ×
width_m, assumed spent in the treatment year (no discounting).

Pure numpy: a Python loop runs over (pavement, road class) groups, treatments and years,
never over units.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .deterioration import DeteriorationModel, StandardDecay, default_decay

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
ModelFor = Callable[[str, str], DeteriorationModel]
WEIGHTS = ("length_traffic", "length", "area_traffic")


class LifecycleError(ValueError):
    """Invalid units, treatments or horizon (the message names the field)."""


def _grade_bounds() -> tuple[float, float, float, float]:
    from .rating import load_parameters

    return load_parameters().grade_bounds


@dataclass(frozen=True)
class Treatment:
    """One catalogue entry.

    Applicability: ``min_index ≤ index ≤ max_index`` (the index just before treatment),
    ``road_classes`` / ``pavements`` (empty = all), and at least ``min_interval_years``
    since the unit's last treatment (when known). Effect: ``reset_to`` (index right after)
    or ``improve_by`` (points added to the predicted index), capped at the model's PPI0;
    ``alpha_factor`` multiplies the decay's α afterwards (> 1 decays slower). ``ppi0`` caps
    the improvement (100 for every JTG 5210 index).
    """

    code: str
    unit_cost_yuan_per_m2: float
    min_index: float = 0.0
    max_index: float = 100.0
    road_classes: tuple[str, ...] = ()
    pavements: tuple[str, ...] = ()
    reset_to: float | None = None
    improve_by: float | None = None
    alpha_factor: float = 1.0
    min_interval_years: float = 0.0
    ppi0: float = 100.0
    category: str = ""
    name: str = ""

    def __post_init__(self) -> None:
        if (self.reset_to is None) == (self.improve_by is None):
            raise LifecycleError(f"treatment {self.code}: give exactly one of reset_to, improve_by")
        if not (self.unit_cost_yuan_per_m2 >= 0 and math.isfinite(self.unit_cost_yuan_per_m2)):
            raise LifecycleError(f"treatment {self.code}: unit_cost_yuan_per_m2 must be >= 0")
        if not self.min_index <= self.max_index:
            raise LifecycleError(f"treatment {self.code}: min_index must be <= max_index")
        if not self.alpha_factor > 0:
            raise LifecycleError(f"treatment {self.code}: alpha_factor must be > 0")

    def applies_to(
        self, index: npt.ArrayLike, road_class: npt.ArrayLike, pavement: npt.ArrayLike
    ) -> BoolArray:
        """Whether the treatment may be applied at ``index`` on each unit (interval aside)."""
        v = np.asarray(index, dtype=np.float64)
        ok = (v >= self.min_index) & (v <= self.max_index)
        if self.road_classes:
            ok &= np.isin(np.asarray(road_class, dtype=object), list(self.road_classes))
        if self.pavements:
            ok &= np.isin(np.asarray(pavement, dtype=object), list(self.pavements))
        return np.asarray(ok, dtype=bool)

    def after(self, index_before: npt.ArrayLike) -> FloatArray:
        """The index right after the treatment."""
        v = np.asarray(index_before, dtype=np.float64)
        if self.reset_to is not None:
            out = np.full(v.shape, float(self.reset_to))
        else:
            out = v + float(self.improve_by or 0.0)
        return np.asarray(np.minimum(out, self.ppi0), dtype=np.float64)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Treatment:
        """Build from a dict (e.g. a catalogue row or TOML table); unknown keys ignored."""
        names = set(cls.__dataclass_fields__)
        values = {k: v for k, v in data.items() if k in names}
        for key in ("road_classes", "pavements"):
            if key in values:
                values[key] = tuple(values[key] or ())
        return cls(**values)


@dataclass(frozen=True)
class Units:
    """The evaluation units to plan for, one array element per unit.

    ``id`` any labels; ``pavement`` 'asphalt'/'concrete'; ``road_class`` 'expressway',
    'class1'..'class4'; ``traffic_weight`` a relative weight (1 = average); ``age_years``
    years since the last treatment (NaN = unknown: the model uses the equivalent age);
    ``years_since_treatment`` for the minimum interval (NaN = unknown: no restriction).
    """

    id: npt.NDArray[Any]
    length_m: FloatArray
    width_m: FloatArray
    pqi_now: FloatArray
    pavement: npt.NDArray[np.object_]
    road_class: npt.NDArray[np.object_]
    traffic_weight: FloatArray
    age_years: FloatArray
    years_since_treatment: FloatArray

    @classmethod
    def from_columns(
        cls,
        *,
        id: npt.ArrayLike,
        length_m: npt.ArrayLike,
        width_m: npt.ArrayLike,
        pqi_now: npt.ArrayLike,
        pavement: npt.ArrayLike | str = "asphalt",
        road_class: npt.ArrayLike | str = "class2",
        traffic_weight: npt.ArrayLike | float = 1.0,
        age_years: npt.ArrayLike | float = math.nan,
        years_since_treatment: npt.ArrayLike | float = math.nan,
    ) -> Units:
        """Validate and broadcast the columns (scalars apply to every unit)."""
        ids = np.asarray(id)
        n = ids.shape[0] if ids.ndim == 1 else -1
        if n < 0:
            raise LifecycleError("id: must be one-dimensional")

        def floats(
            name: str, value: Any, *, positive: bool = False, nan_ok: bool = False
        ) -> FloatArray:
            try:
                arr = np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).copy()
            except ValueError as exc:
                raise LifecycleError(f"{name}: needs one value per unit ({exc})") from exc
            bad = ~np.isfinite(arr) if not nan_ok else np.isinf(arr)
            if positive:
                bad |= arr <= 0
            if np.any(bad):
                raise LifecycleError(f"{name}: invalid value at unit {int(np.flatnonzero(bad)[0])}")
            return arr

        def labels(name: str, value: Any) -> npt.NDArray[np.object_]:
            try:
                return np.broadcast_to(np.asarray(value, dtype=object), (n,)).copy()
            except ValueError as exc:
                raise LifecycleError(f"{name}: needs one value per unit ({exc})") from exc

        pqi = floats("pqi_now", pqi_now)
        if np.any((pqi < 0) | (pqi > 100)):
            raise LifecycleError("pqi_now: must be within 0..100")
        return cls(
            id=ids,
            length_m=floats("length_m", length_m, positive=True),
            width_m=floats("width_m", width_m, positive=True),
            pqi_now=pqi,
            pavement=labels("pavement", pavement),
            road_class=labels("road_class", road_class),
            traffic_weight=floats("traffic_weight", traffic_weight),
            age_years=floats("age_years", age_years, nan_ok=True),
            years_since_treatment=floats(
                "years_since_treatment", years_since_treatment, nan_ok=True
            ),
        )

    def __len__(self) -> int:
        return int(self.length_m.shape[0])


@dataclass(frozen=True)
class Trajectories:
    """Network outcome of a selection, one value per horizon year (end of year).

    ``mean_pqi`` length-weighted mean; ``good_rate_pct`` 优良率, percent of length with
    PQI ≥ the 良 bound (80); ``backlog_yuan`` cost of bringing back every unit below
    ``backlog_below`` (the 中 bound, 70, by default) with the cheapest treatment applicable
    at its index; ``pqi`` the per-unit (n_units, N) trajectory; ``now_*`` the values at t = 0.
    """

    years: tuple[int, ...]
    mean_pqi: FloatArray
    good_rate_pct: FloatArray
    backlog_yuan: FloatArray
    pqi: FloatArray
    now_mean_pqi: float
    now_good_rate_pct: float
    now_backlog_yuan: float
    spend_yuan: FloatArray

    def as_dict(self) -> dict[str, Any]:
        return {
            "years": list(self.years),
            "mean_pqi": self.mean_pqi.tolist(),
            "good_rate_pct": self.good_rate_pct.tolist(),
            "backlog_yuan": self.backlog_yuan.tolist(),
            "spend_yuan": self.spend_yuan.tolist(),
            "now": {
                "mean_pqi": self.now_mean_pqi,
                "good_rate_pct": self.now_good_rate_pct,
                "backlog_yuan": self.now_backlog_yuan,
            },
        }


@dataclass(frozen=True)
class Candidates:
    """All (unit, year, treatment) options with cost and benefit, and their trajectories.

    Arrays (one element per candidate): ``unit`` (row in ``units``), ``year_index`` (0..N−1),
    ``year`` (calendar year), ``treatment`` (row in ``treatments``), ``cost_yuan``,
    ``benefit``, ``index_before`` (predicted index just before treatment), ``index_after``;
    ``treated`` (n_candidates, N) the unit's index at the end of each year if this candidate
    is chosen; ``base`` (n_units, N) the do-nothing trajectories; ``weight`` (n_units,).
    """

    units: Units
    treatments: tuple[Treatment, ...]
    years: tuple[int, ...]
    unit: IntArray
    year_index: IntArray
    year: IntArray
    treatment: IntArray
    cost_yuan: FloatArray
    benefit: FloatArray
    index_before: FloatArray
    index_after: FloatArray
    treated: FloatArray
    base: FloatArray
    weight: FloatArray
    weight_kind: str
    benefit_years: int
    good_bound: float
    backlog_below: float

    def __len__(self) -> int:
        return int(self.unit.shape[0])

    def for_solver(self) -> dict[str, Any]:
        """Keyword arguments for :func:`zhiyang.analytics.optimize.solve` (add ``budgets``)."""
        return {
            "unit": self.unit,
            "year": self.year,
            "cost": self.cost_yuan,
            "benefit": self.benefit,
            "priority": self.index_before,
        }

    def trajectories(self, selection: npt.ArrayLike | None = None) -> Trajectories:
        """Network trajectories when the candidates ``selection`` (indices; at most one per
        unit, as the optimiser guarantees) are carried out and nothing else."""
        sel = np.asarray([] if selection is None else selection, dtype=np.int64).ravel()
        if sel.size and np.unique(self.unit[sel]).size != sel.size:
            raise LifecycleError("selection: more than one candidate for a unit")
        pqi = self.base.copy()
        pqi[self.unit[sel]] = self.treated[sel]
        length = self.units.length_m
        total = float(length.sum())
        mean = (length @ pqi) / total
        good = 100.0 * (length @ (pqi >= self.good_bound)) / total
        now = self.units.pqi_now
        need = need_cost(self.units, self.treatments, np.concatenate([now[:, None], pqi], axis=1))
        below = np.concatenate([now[:, None], pqi], axis=1) < self.backlog_below
        backlog_all = (need * below).sum(axis=0)
        backlog = backlog_all[1:]
        spend = np.zeros(len(self.years))
        np.add.at(spend, self.year_index[sel], self.cost_yuan[sel])
        return Trajectories(
            years=self.years,
            mean_pqi=mean,
            good_rate_pct=good,
            backlog_yuan=backlog,
            pqi=pqi,
            now_mean_pqi=float(length @ now / total),
            now_good_rate_pct=float(100.0 * length @ (now >= self.good_bound) / total),
            now_backlog_yuan=float(backlog_all[0]),
            spend_yuan=spend,
        )

    def target(
        self, target_pct: float = 90.0, *, mode: str = "each"
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(gain, baseline, required) for :func:`~zhiyang.analytics.optimize.min_cost_to_target`
        with 优良率 ≥ ``target_pct``: gain[c, t] = length_m · ([treated ≥ 80] − [nothing ≥ 80])
        at the end of year t; baseline = do-nothing good length; required = target share ×
        network length, in every year (``mode="each"``) or the last year only (``"final"``)."""
        if mode not in ("each", "final"):
            raise LifecycleError("mode: expected 'each' or 'final'")
        length = self.units.length_m
        good_base = self.base >= self.good_bound
        good_treated = self.treated >= self.good_bound
        gain = length[self.unit, None] * (good_treated.astype(float) - good_base[self.unit])
        baseline = length @ good_base
        required = np.full(len(self.years), float(target_pct) / 100.0 * float(length.sum()))
        if mode == "final":
            required[:-1] = np.nan
        return gain, baseline, required

    def explain(self, candidate: int, *, selection: npt.ArrayLike | None = None) -> dict[str, Any]:
        """Why this unit, treatment and year: plain data (codes, numbers) for the UI to
        translate. ``rank`` is the candidate's position by benefit/cost ratio among all
        candidates (1 = best); ``rank_in_unit`` among the unit's own candidates."""
        k = int(candidate)
        if not 0 <= k < len(self):
            raise LifecycleError(f"candidate: {k} out of range")
        i = int(self.unit[k])
        tr = self.treatments[int(self.treatment[k])]
        ratio = self._ratio()
        rank = int(np.sum(ratio > ratio[k])) + 1
        mine = self.unit == i
        rank_in_unit = int(np.sum(ratio[mine] > ratio[k])) + 1
        interval = self.units.years_since_treatment[i]
        selected = None
        if selection is not None:
            selected = bool(np.isin(k, np.asarray(selection, dtype=np.int64)))
        return {
            "unit": i,
            "unit_id": _plain(self.units.id[i]),
            "year": int(self.year[k]),
            "treatment": tr.code,
            "category": tr.category,
            "index_now": float(self.units.pqi_now[i]),
            "index_before": float(self.index_before[k]),
            "index_after": float(self.index_after[k]),
            "do_nothing": self.base[i].tolist(),
            "treated": self.treated[k].tolist(),
            "years": list(self.years),
            "applicability": {
                "index_range": [tr.min_index, tr.max_index],
                "road_class": str(self.units.road_class[i]),
                "road_classes": list(tr.road_classes),
                "pavement": str(self.units.pavement[i]),
                "pavements": list(tr.pavements),
                "min_interval_years": tr.min_interval_years,
                "years_since_treatment": None if math.isnan(interval) else float(interval),
            },
            "length_m": float(self.units.length_m[i]),
            "width_m": float(self.units.width_m[i]),
            "traffic_weight": float(self.units.traffic_weight[i]),
            "weight": float(self.weight[i]),
            "cost_yuan": float(self.cost_yuan[k]),
            "benefit": float(self.benefit[k]),
            "benefit_cost_ratio": float(ratio[k]),
            "rank": rank,
            "rank_in_unit": rank_in_unit,
            "candidates_of_unit": int(mine.sum()),
            "selected": selected,
        }

    def _ratio(self) -> FloatArray:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(self.cost_yuan > 0, self.benefit / self.cost_yuan, np.inf)
        return np.where(self.benefit > 0, r, 0.0)


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def default_model_for(index: str = "pqi") -> ModelFor:
    """``model_for`` using the TOML defaults (:func:`default_decay`) for ``index``."""

    def model_for(pavement: str, road_class: str) -> DeteriorationModel:
        return default_decay(pavement, road_class, index)

    return model_for


def _treated_model(model: DeteriorationModel, factor: float) -> DeteriorationModel:
    if factor != 1.0 and isinstance(model, StandardDecay):
        return model.with_alpha_factor(factor)
    return model


def build_candidates(
    units: Units,
    treatments: Sequence[Treatment] | Iterable[Treatment],
    years: Sequence[int],
    model_for: ModelFor | None = None,
    *,
    weight: str = "length_traffic",
    benefit_years: int | None = None,
    backlog_below: float | None = None,
    min_benefit: float = 0.0,
) -> Candidates:
    """Every applicable (unit, year, treatment) with its cost, benefit and trajectory.

    ``years`` the horizon (consecutive calendar years), ``model_for(pavement, road_class)``
    the deterioration model of a group (default: the TOML PQI defaults). A candidate exists
    where the treatment applies to the unit's predicted index just before it, the minimum
    interval since the last treatment has passed, and its benefit exceeds ``min_benefit``.
    See the module docstring for the exact benefit.
    """
    trs = tuple(treatments)
    yrs = tuple(int(y) for y in years)
    if not yrs:
        raise LifecycleError("years: the horizon is empty")
    if any(b != a + 1 for a, b in itertools.pairwise(yrs)):
        raise LifecycleError("years: must be consecutive")
    if weight not in WEIGHTS:
        raise LifecycleError(f"weight: expected one of {WEIGHTS}")
    n_years = len(yrs)
    horizon = max(n_years, int(benefit_years or n_years))
    model_for = model_for or default_model_for("pqi")
    bounds = _grade_bounds()
    good = bounds[1]
    below = float(bounds[2] if backlog_below is None else backlog_below)
    n = len(units)
    length_km = units.length_m / 1000.0
    w = {
        "length_traffic": length_km * units.traffic_weight,
        "length": length_km,
        "area_traffic": length_km * units.width_m * units.traffic_weight,
    }[weight]
    area = units.length_m * units.width_m
    steps = np.arange(1, horizon + 1, dtype=np.float64)

    base = np.empty((n, horizon))
    groups: dict[tuple[str, str], IntArray] = {}
    pav_names, pav_code = np.unique(units.pavement.astype(str), return_inverse=True)
    rc_names, rc_code = np.unique(units.road_class.astype(str), return_inverse=True)
    keys = pav_code.ravel() * len(rc_names) + rc_code.ravel()
    for key in np.unique(keys):
        p_i, r_i = divmod(int(key), len(rc_names))
        groups[(str(pav_names[p_i]), str(rc_names[r_i]))] = np.flatnonzero(keys == key)
    models = {g: model_for(*g) for g in groups}
    for g, rows in groups.items():
        base[rows] = models[g].predict(units.pqi_now[rows], steps, units.age_years[rows])

    # Index just before a treatment in year k (at t = k - 1): pqi_now, then base[:, k - 2].
    before_all = np.concatenate([units.pqi_now[:, None], base[:, : n_years - 1]], axis=1)
    parts: dict[str, list[npt.NDArray[Any]]] = {
        k: [] for k in ("unit", "yi", "tr", "cost", "benefit", "before", "after", "traj")
    }
    for t_i, tr in enumerate(trs):
        cost_units = tr.unit_cost_yuan_per_m2 * area
        for g, rows in groups.items():
            model = _treated_model(models[g], tr.alpha_factor)
            for k in range(n_years):
                before = before_all[rows, k]
                ok = tr.applies_to(before, units.road_class[rows], units.pavement[rows])
                since = units.years_since_treatment[rows]
                ok &= ~(since + k < tr.min_interval_years)  # NaN: unknown, allowed
                if not np.any(ok):
                    continue
                r = rows[ok]
                after = tr.after(before[ok])
                traj = base[r].copy()
                remain = horizon - k
                traj[:, k:] = model.predict(after, steps[:remain])
                gain = (traj - base[r]).sum(axis=1) * w[r]
                keep = gain > min_benefit
                if not np.any(keep):
                    continue
                parts["unit"].append(r[keep])
                parts["yi"].append(np.full(int(keep.sum()), k))
                parts["tr"].append(np.full(int(keep.sum()), t_i))
                parts["cost"].append(cost_units[r[keep]])
                parts["benefit"].append(gain[keep])
                parts["before"].append(before[ok][keep])
                parts["after"].append(after[keep])
                parts["traj"].append(traj[keep, :n_years])

    def cat(key: str, dtype: Any, shape: tuple[int, ...] = (0,)) -> npt.NDArray[Any]:
        return np.concatenate(parts[key]).astype(dtype) if parts[key] else np.zeros(shape, dtype)

    unit = cat("unit", np.int64)
    yi = cat("yi", np.int64)
    tr_idx = cat("tr", np.int64)
    order = np.lexsort((tr_idx, yi, unit))
    treated = cat("traj", np.float64, (0, n_years))[order]
    return Candidates(
        units=units,
        treatments=trs,
        years=yrs,
        unit=unit[order],
        year_index=yi[order],
        year=np.asarray(yrs, dtype=np.int64)[yi[order]] if yi.size else np.zeros(0, np.int64),
        treatment=tr_idx[order],
        cost_yuan=cat("cost", np.float64)[order],
        benefit=cat("benefit", np.float64)[order],
        index_before=cat("before", np.float64)[order],
        index_after=cat("after", np.float64)[order],
        treated=treated,
        base=base[:, :n_years].copy(),
        weight=w,
        weight_kind=weight,
        benefit_years=horizon,
        good_bound=good,
        backlog_below=below,
    )


def need_cost(units: Units, trs: Sequence[Treatment], pqi: FloatArray) -> FloatArray:
    """Cost of the cheapest treatment applicable at each index of ``pqi`` (n_units, …),
    or of the costliest treatment allowed on the unit's pavement and road class when none
    applies at that index (0 if the catalogue has none for the unit)."""
    area = units.length_m * units.width_m
    n = len(units)
    shape = pqi.shape
    flat = pqi.reshape(n, -1)
    need = np.full(flat.shape, np.inf)
    fallback = np.zeros(n)
    for tr in trs:
        cost = tr.unit_cost_yuan_per_m2 * area
        kind = tr.applies_to(np.full(n, tr.min_index), units.road_class, units.pavement)
        fallback = np.where(kind, np.maximum(fallback, cost), fallback)
        for k in range(flat.shape[1]):
            ok = tr.applies_to(flat[:, k], units.road_class, units.pavement)
            need[:, k] = np.where(ok, np.minimum(need[:, k], cost), need[:, k])
    need = np.where(np.isfinite(need), need, fallback[:, None])
    return need.reshape(shape)


#: Illustrative catalogue for tests, benchmarks and examples (codes of works.choices.Treatment).
#: Unit costs and effects are round numbers, NOT cited data: the editable, cited catalogue
#: lives in the planning app.
_EXAMPLE = (
    ("crack_sealing", "preventive", 6.0, 75.0, 95.0, None, 4.0, 1.0, 2.0),
    ("fog_seal", "preventive", 8.0, 80.0, 100.0, None, 3.0, 1.05, 2.0),
    ("micro_surfacing", "preventive", 35.0, 70.0, 92.0, None, 10.0, 1.05, 4.0),
    ("chip_seal", "preventive", 30.0, 70.0, 90.0, None, 9.0, 1.0, 4.0),
    ("thin_overlay", "preventive", 65.0, 60.0, 88.0, 95.0, None, 1.0, 6.0),
    ("mill_and_inlay", "corrective", 120.0, 50.0, 82.0, 98.0, None, 1.05, 8.0),
    ("pothole_repair", "corrective", 15.0, 40.0, 80.0, None, 5.0, 1.0, 1.0),
    ("anti_skid_repair", "corrective", 40.0, 60.0, 90.0, None, 6.0, 1.0, 4.0),
    ("structural_overlay", "rehabilitation", 220.0, 0.0, 72.0, 100.0, None, 1.15, 10.0),
    ("reconstruction", "rehabilitation", 450.0, 0.0, 60.0, 100.0, None, 1.25, 15.0),
)


def example_treatments(codes: Sequence[str] | None = None) -> tuple[Treatment, ...]:
    """An illustrative catalogue (all ten treatment codes, or ``codes`` in that order)."""
    rows = {
        r[0]: Treatment(
            code=r[0],
            category=r[1],
            unit_cost_yuan_per_m2=r[2],
            min_index=r[3],
            max_index=r[4],
            reset_to=r[5],
            improve_by=r[6],
            alpha_factor=r[7],
            min_interval_years=r[8],
        )
        for r in _EXAMPLE
    }
    if codes is None:
        return tuple(rows.values())
    try:
        return tuple(rows[c] for c in codes)
    except KeyError as exc:
        raise LifecycleError(f"unknown example treatment {exc}") from exc
