"""SCI, TCI and BCI of evaluation units from the inventory, and the complete MQI per unit
and by route, district and network.

Which inspections count for a unit rated on day D: those of the ``window_days`` (365) up to
D. An asset counts with its latest inspection in the window only (inspecting it twice does
not double its damage); an inspection without an asset (a patrol finding, a roadside
survey) counts on its own. A unit is *surveyed* for SCI (TCI) when an inspection of a
subgrade (facility) asset, an inspection without an asset, or a SCI (TCI) damage lies in it;
its damage quantities are then summed per item and rated by ``analytics.roadside``.
BCI takes the latest class of every in-service bridge, tunnel and culvert overlapping the
unit (the worst decides), 100 for a unit without one when the route has an inventory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.utils import timezone

from zhiyang.analytics import rating, roadside
from zhiyang.assets.choices import AssetStatus
from zhiyang.assets.models import Asset, Damage, Inspection
from zhiyang.network.models import Route

WINDOW_DAYS = 365
UNIT_LENGTH_M = 1000.0


def _unit_of(chainages: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Index of the unit holding each chainage (-1: none); a chainage on a cut belongs to
    the unit it starts, the route's last chainage to the last unit."""
    idx = np.searchsorted(starts, chainages, side="right") - 1
    ok = (idx >= 0) & (chainages <= ends[np.clip(idx, 0, len(ends) - 1)] + 1e-6)
    return np.where(ok, idx, -1)


def inventory_columns(
    *,
    route: Route,
    bounds: Sequence[tuple[float, float]],
    on: dt.date | None = None,
    window_days: int = WINDOW_DAYS,
    parameters: roadside.RoadsideParameters | None = None,
) -> dict[str, np.ndarray]:
    """The roadside input columns of ``analytics.rating`` (``sci_<item>``, ``tci_<item>``,
    ``bci_<kind>``) for the units ``bounds`` of ``route``, from the inventory; NaN where a
    unit is not surveyed ({} when the route has no asset and no inspection at all)."""
    from zhiyang.assets import catalogue

    params = parameters or catalogue.parameters()
    n = len(bounds)
    if not n:
        return {}
    day = on or timezone.localdate()
    since = day - dt.timedelta(days=window_days)
    starts = np.array([b[0] for b in bounds], dtype=float)
    ends = np.array([b[1] for b in bounds], dtype=float)
    inspections = list(
        Inspection.objects.filter(route=route, inspected_on__gt=since, inspected_on__lte=day)
        .order_by("asset_id", "-inspected_on", "-id")
        .values_list("id", "asset_id", "chainage_m", "asset__asset_type__kind")
    )
    has_assets = Asset.objects.filter(route=route).exists()
    if not inspections and not has_assets:
        return {}
    counted: list[int] = []
    seen_assets: set[int] = set()
    surveyed = {"sci": np.zeros(n, dtype=bool), "tci": np.zeros(n, dtype=bool)}
    for pk, asset_id, chainage, kind in inspections:
        if asset_id is not None:
            if asset_id in seen_assets:
                continue
            seen_assets.add(asset_id)
        counted.append(pk)
        unit = int(_unit_of(np.array([chainage]), starts, ends)[0])
        if unit < 0:
            continue
        if kind in (None, "subgrade"):
            surveyed["sci"][unit] = True
        if kind in (None, "facility"):
            surveyed["tci"][unit] = True
    columns: dict[str, np.ndarray] = {}
    for name in ("sci", "tci"):
        for item in params.index(name).items:
            columns[item.column] = np.zeros(n)
    damages = list(
        Damage.objects.filter(inspection_id__in=counted).values_list(
            "index", "item", "quantity", "chainage_m"
        )
    )
    if damages:
        units = _unit_of(np.array([d[3] for d in damages], dtype=float), starts, ends)
        for (index, key, quantity, _c), unit in zip(damages, units, strict=True):
            column = f"{index}_{key}"
            if unit < 0 or column not in columns:
                continue
            columns[column][unit] += quantity
            surveyed[index][unit] = True
    for name in ("sci", "tci"):
        for item in params.index(name).items:
            columns[item.column] = np.where(surveyed[name], columns[item.column], np.nan)
    columns.update(_structure_classes(route, starts, ends))
    return columns


def _structure_classes(route: Route, starts: np.ndarray, ends: np.ndarray) -> dict[str, np.ndarray]:
    n = len(starts)
    worst = {k: np.full(n, np.nan) for k in roadside.STRUCTURE_KINDS}
    rows = (
        Asset.objects.filter(
            route=route, status=AssetStatus.IN_SERVICE, condition_class__isnull=False
        )
        .exclude(asset_type__structure="")
        .values_list("asset_type__structure", "start_m", "end_m", "condition_class")
    )
    for kind, start, end, klass in rows:
        # Every unit the structure overlaps (a point: the unit holding it).
        hit = (starts < end) & (ends > start) if end is not None else np.zeros(n, bool)
        if end is None:
            unit = int(_unit_of(np.array([start]), starts, ends)[0])
            if unit >= 0:
                hit[unit] = True
        worst[kind] = np.where(hit, np.fmax(worst[kind], float(klass or 0)), worst[kind])
    # A class column given with blanks means "no structure": BCI 100 there.
    return {f"bci_{k}": v for k, v in worst.items()}


def inventory_parts(
    *,
    route: Route,
    bounds: Sequence[tuple[float, float]],
    on: dt.date | None = None,
    parameters: rating.RatingParameters | None = None,
) -> dict[str, np.ndarray]:
    """SCI, BCI, TCI per unit from the inventory (NaN: not surveyed / no inventory) and
    ``mqi_zero`` (a class-5 structure in the unit), rated with ``parameters`` (the
    organisation's rating parameters; default the packaged 2018 ones)."""
    params = parameters or rating.load_parameters("2018")
    n = len(bounds)
    nan = np.full(n, np.nan)
    if params.roadside is None:
        return {"sci": nan, "bci": nan, "tci": nan.copy(), "mqi_zero": np.zeros(n, bool)}
    columns = inventory_columns(route=route, bounds=bounds, on=on, parameters=params.roadside)
    if not columns:
        return {"sci": nan, "bci": nan.copy(), "tci": nan.copy(), "mqi_zero": np.zeros(n, bool)}
    parts: dict[str, np.ndarray] = dict(roadside.rate_parts(params.roadside, columns, n))
    worst = {k: columns[f"bci_{k}"] for k in roadside.STRUCTURE_KINDS}
    parts["bci"] = np.where(np.isfinite(parts["bci"]), parts["bci"], 100.0)
    parts["mqi_zero"] = roadside.mqi_zero_mask(params.roadside, worst, n)
    return parts


def route_units(route: Route, unit_length_m: float = UNIT_LENGTH_M) -> list[tuple[float, float]]:
    from zhiyang.condition.services import unit_bounds

    return unit_bounds(route.start_m, route.end_m, unit_length_m)


def pqi_by_unit(route: Route, bounds: Sequence[tuple[float, float]], user: Any) -> np.ndarray:
    """Length-weighted PQI of the latest rated survey's units (main lane) over each unit."""
    from zhiyang.condition.models import SurveyUnit
    from zhiyang.condition.services import weighted_means
    from zhiyang.core.access import restrict

    units = restrict(SurveyUnit.objects.filter(route=route, survey__lane=1), user, "view")
    latest = (
        units.order_by("-survey__survey_date", "-survey_id")
        .values_list("survey_id", flat=True)
        .first()
    )
    n = len(bounds)
    if latest is None:
        return np.full(n, np.nan)
    rows = np.array(
        list(
            units.filter(survey_id=latest, pqi__isnull=False).values_list("start_m", "end_m", "pqi")
        ),
        dtype=float,
    ).reshape(-1, 3)
    if not rows.size:
        return np.full(n, np.nan)
    starts = np.array([b[0] for b in bounds])
    ends = np.array([b[1] for b in bounds])
    return np.asarray(weighted_means(rows[:, 0], rows[:, 1], rows[:, 2], starts, ends))


def network_mqi(
    *, user: Any, route: str = "", district: str = "", on: dt.date | None = None
) -> dict[str, Any]:
    """The complete MQI per 1000 m unit of every route in ``user``'s scope, and its summary
    (length-weighted means, grades, 优良率) by route, district and network."""
    from zhiyang.condition.services import _json_number, section_at, sections_for
    from zhiyang.core.access import restrict

    params = rating.load_parameters("2018")
    routes = restrict(Route.objects.all(), user, "view").order_by("code")
    if route:
        routes = routes.filter(code__iexact=route)
    units: list[dict[str, Any]] = []
    for r in routes.distinct():
        bounds = route_units(r)
        if not bounds:
            continue
        sections = sections_for(r)
        parts = inventory_parts(route=r, bounds=bounds, on=on, parameters=params)
        parts["pqi"] = pqi_by_unit(r, bounds, user)
        value = roadside.mqi(params.mqi_weights, parts, parts["mqi_zero"])
        for i, (a, b) in enumerate(bounds):
            section = section_at(sections, (a + b) / 2)
            if section is None:
                continue
            if district and section.district.code != district:
                continue
            units.append(
                {
                    "route": r.code,
                    "district": section.district.code,
                    "district_name": section.district.name,
                    "start_m": a,
                    "end_m": b,
                    "length_m": b - a,
                    **{k: _num(parts[k][i]) for k in ("pqi", "sci", "bci", "tci")},
                    "mqi": _num(value[i]),
                    "grade_mqi": rating.grade_of(float(value[i])),
                }
            )
    indices = ("mqi", "pqi", "sci", "bci", "tci")
    out: dict[str, Any] = {
        "weights": dict(params.mqi_weights),
        "provenance": {
            k: {"source": p.source, "confirmed": p.confirmed}
            for k, p in params.provenance.items()
            if k in ("mqi", "sci", "tci", "bci", "sci.weights", "tci.weights")
        },
        "units": units,
        "network": None,
        "routes": [],
        "districts": [],
    }
    if not units:
        return out
    lengths = np.array([u["length_m"] for u in units])
    values = {k: np.array([np.nan if u[k] is None else u[k] for u in units]) for k in indices}

    def groups(labels: list[Any]) -> dict[Any, Any]:
        result = rating.summarise(values, lengths, np.array(labels, dtype=object), params)
        return {k: _json_number(v) for k, v in result.items()}

    out["network"] = groups(["network"] * len(units))["network"]
    names = {u["district"]: u["district_name"] for u in units}
    out["routes"] = [
        {"route": k, **v} for k, v in sorted(groups([u["route"] for u in units]).items())
    ]
    out["districts"] = [
        {"district": k, "district_name": names[k], **v}
        for k, v in sorted(groups([u["district"] for u in units]).items())
    ]
    return out


def _num(value: float) -> float | None:
    return None if not np.isfinite(value) else round(float(value), 2)


def survey_inputs(
    *,
    route: Route,
    bounds: Sequence[tuple[float, float]],
    on: dt.date | None,
    parameters: rating.RatingParameters,
) -> dict[str, np.ndarray]:
    """What the condition rating of a survey takes from the inventory (its one call into
    this app): ``sci``/``bci``/``tci`` per unit (NaN where the inventory says nothing), and
    with the 2018 edition the structure classes ``bci_<kind>`` so that a class-5 structure
    sets MQI to 0 as the standard says."""
    roadside_params = parameters if parameters.roadside is not None else None
    parts = inventory_parts(
        route=route, bounds=bounds, on=on, parameters=roadside_params or rating.load_parameters()
    )
    out = {k: parts[k] for k in ("sci", "bci", "tci")}
    if roadside_params is not None and roadside_params.roadside is not None:
        starts = np.array([b[0] for b in bounds], dtype=float)
        ends = np.array([b[1] for b in bounds], dtype=float)
        if Asset.objects.filter(route=route).exists():
            out.update(_structure_classes(route, starts, ends))
    return out


def plan_mqi_report(
    *,
    sci: Sequence[float | None],
    bci: Sequence[float | None],
    tci: Sequence[float | None],
    lengths_m: Sequence[float],
    pqi_by_year: np.ndarray,
    pqi_now: Sequence[float],
) -> dict[str, Any]:
    """MQI-related figures of a maintenance plan, for the planner to report beside its PQI
    benefit (the optimiser still maximises PQI): per horizon year the length-weighted mean
    MQI and MQI 优良率 with the plan, SCI/BCI/TCI held at the units' current values (a plan
    treats the pavement only). Units without a part are left out (NaN MQI)."""
    params = rating.load_parameters("2018")
    w = params.mqi_weights
    parts = {
        k: np.array([np.nan if v is None else float(v) for v in vals], dtype=float)
        for k, vals in (("sci", sci), ("bci", bci), ("tci", tci))
    }
    lengths = np.asarray(lengths_m, dtype=float)
    zero = parts["bci"] <= 0.0  # a class-5 structure stays until the structure is repaired
    table = np.asarray(pqi_by_year, dtype=float)

    def figures(pqi: np.ndarray) -> tuple[float | None, float | None]:
        value = roadside.mqi(w, {"pqi": pqi, **parts}, zero & params.roadside.mqi_zero_on_class5)  # type: ignore[union-attr]
        mean = rating.aggregate(value, lengths)
        good = rating.good_rate(value, lengths, params)
        return (_num(mean), _num(good))

    now = figures(np.asarray(pqi_now, dtype=float))
    years = [figures(table[:, j]) for j in range(table.shape[1])] if table.size else []
    return {
        "now": {"mean_mqi": now[0], "good_rate_mqi_pct": now[1]},
        "mean_mqi": [y[0] for y in years],
        "good_rate_mqi_pct": [y[1] for y in years],
        "rated_units": int(np.sum(np.isfinite(parts["sci"] + parts["bci"] + parts["tci"]))),
    }
