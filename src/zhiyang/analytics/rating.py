"""Pavement and highway condition rating after JTG 5210-2018 (default) and JTG H20-2007.

Pure numpy: :func:`rate` takes one array per input column (one element per evaluation unit)
and returns one array per index, computed as whole-array expressions (the only Python loops
run over distress items, road-class groups and indices, never over units). All numbers of the
standards live in ``standards/jtg5210_2018.toml`` and ``standards/jtg_h20_2007.toml`` with
their source and a ``confirmed`` flag; :func:`load_parameters` reads them and merges
per-organisation or per-project overrides over them. docs/rating.md has the formulas, which
index applies where and the provenance of every value.

Conventions: NaN means "not measured" on input and "cannot be computed or does not apply" on
output; grades are 优/良/中/次/差 ('' for NaN).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from zhiyang.analytics import parameters, roadside
from zhiyang.analytics.parameters import ParameterError, Provenance, provenance

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
ObjectArray = npt.NDArray[np.object_]
Column = Callable[[str], FloatArray]

EDITIONS = ("2018", "2007")
GRADES = ("优", "良", "中", "次", "差")
ROAD_CLASSES = ("expressway", "class1", "class2", "class3", "class4")
PAVEMENTS = ("asphalt", "concrete")
#: Pavement indices that may carry a PQI weight.
PQI_COMPONENTS = ("pci", "rqi", "rdi", "sri", "pbi", "pwi", "pssi")
#: Indices returned by :func:`rate`, in output order.
OUTPUT_INDICES = ("dr", "pci", "rqi", "rdi", "sri", "pbi", "pwi", "pssi", "pqi", "mqi")
MQI_COMPONENTS = ("sci", "pqi", "bci", "tci")
PB_COLUMNS = ("pb_light", "pb_medium", "pb_heavy")
FLOAT_COLUMNS = (
    "length_m",
    "width_m",
    "iri",
    "rd_mm",
    "sfc",
    "dr",
    *PB_COLUMNS,
    "mpd",
    "mpdc",
    "sci",
    "bci",
    "tci",
    "ssi",
)

_FILES = {"2018": "jtg5210_2018.toml", "2007": "jtg_h20_2007.toml"}
_WEIGHT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class InputProblem:
    """One invalid input value: ``row`` is the 0-based unit index (None: the whole column);
    ``code`` is stable (for translated messages), ``message`` is English."""

    row: int | None
    column: str
    code: str
    message: str


class RatingInputError(ValueError):
    """Invalid input to :func:`rate`; ``errors`` lists every problem, ``row``/``column`` the
    first one."""

    def __init__(self, errors: Sequence[InputProblem]):
        self.errors = list(errors)
        first = self.errors[0]
        self.row = first.row
        self.column = first.column
        shown = "; ".join(f"row {e.row}, {e.column}: {e.message}" for e in self.errors[:5])
        super().__init__(shown + (" …" if len(self.errors) > 5 else ""))


@dataclass(frozen=True)
class Curve:
    """Two-parameter curve of an index formula (meaning of a0/a1 depends on the index)."""

    a0: float
    a1: float


@dataclass(frozen=True)
class RdiParameters:
    rda_mm: float
    rdb_mm: float
    a0: float
    a1: float


@dataclass(frozen=True)
class SriParameters:
    sri_min: float
    a0: float
    a1: float


@dataclass(frozen=True)
class DistressItem:
    """One distress type at one severity; ``key`` is also its input column name."""

    key: str
    type: str
    severity: str
    name_zh: str
    name_en: str
    unit: str
    weight: float
    influence_width_m: float | None
    pavement: str
    source: str
    confirmed: bool

    @property
    def area_factor_m(self) -> float:
        """Metres of width per unit of quantity: 1 for areas, the influence width for lengths."""
        return 1.0 if self.influence_width_m is None else self.influence_width_m


@dataclass(frozen=True)
class RatingParameters:
    """Every number the rating uses for one edition (plus overrides), validated."""

    edition: str
    version: str
    code: str
    title: str
    title_en: str
    class_groups: Mapping[str, tuple[str, ...]]
    grade_bounds: tuple[float, float, float, float]
    applicability: Mapping[str, frozenset[str]]
    mqi_weights: Mapping[str, float]
    pci: Mapping[str, Curve]
    rqi: Mapping[str, Curve]
    rdi: RdiParameters
    sri: SriParameters
    pssi: Curve
    pbi: Mapping[str, float] | None
    pwi: Curve | None
    pqi_weights: Mapping[str, Mapping[str, Mapping[str, float]]]
    distress: Mapping[str, tuple[DistressItem, ...]]
    provenance: Mapping[str, Provenance]
    overridden: tuple[str, ...] = field(default=())
    #: SCI/TCI/BCI from damage quantities and structure classes (None: the edition's file
    #: has no such tables; ``sci``/``bci``/``tci`` are then only taken as given values).
    roadside: roadside.RoadsideParameters | None = field(default=None)

    def unconfirmed(self) -> list[str]:
        """Tables whose values are defaults still to be checked against the standard."""
        return sorted(path for path, p in self.provenance.items() if not p.confirmed)


# --------------------------------------------------------------------------- parameters


def _raw(edition: str) -> Mapping[str, Any]:
    return parameters.packaged(_FILES[edition])


def _may_add(table: str, key: str) -> bool:
    """An override may add a weight to a PQI table (``pqi.<pavement>.<class>``)."""
    return table.startswith("pqi.") and table.count(".") == 2 and key in PQI_COMPONENTS


def _number(table: Mapping[str, Any], key: str, path: str) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ParameterError(f"{path}.{key}: expected a finite number, got {value!r}")
    return float(value)


def _weights(table: Mapping[str, Any], keys: Sequence[str], path: str) -> dict[str, float]:
    weights = {k: _number(table, k, path) for k in keys if k in table}
    if any(w < 0 for w in weights.values()) or abs(sum(weights.values()) - 1) > _WEIGHT_TOLERANCE:
        raise ParameterError(f"{path}: weights must be >= 0 and sum to 1, got {weights}")
    return weights


def _parse(raw: Mapping[str, Any], overridden: list[str]) -> RatingParameters:
    prov: dict[str, Provenance] = {}

    def table(path: str) -> Mapping[str, Any]:
        node: Any = raw
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise ParameterError(f"missing table [{path}]")
            node = node[part]
        prov[path] = provenance(node, path)
        return node  # type: ignore[no-any-return]

    groups = {g: tuple(classes) for g, classes in raw["class_groups"].items()}
    if sorted(c for cs in groups.values() for c in cs) != sorted(ROAD_CLASSES):
        raise ParameterError("class_groups must list every road class exactly once")
    g = table("grades")
    bounds = tuple(_number(g, k, "grades") for k in ("excellent", "good", "fair", "poor"))
    if list(bounds) != sorted(bounds, reverse=True):
        raise ParameterError("grades: bounds must decrease from excellent to poor")
    a = table("applicability")
    applicability = {i: frozenset(a.get(i, ())) for i in PQI_COMPONENTS}
    if any(p not in PAVEMENTS for ps in applicability.values() for p in ps):
        raise ParameterError(f"applicability: pavements must be among {PAVEMENTS}")

    def curve(path: str) -> Curve:
        t = table(path)
        return Curve(_number(t, "a0", path), _number(t, "a1", path))

    r = table("rdi")
    rdi = RdiParameters(*(_number(r, k, "rdi") for k in ("rda_mm", "rdb_mm", "a0", "a1")))
    if not 0 < rdi.rda_mm < rdi.rdb_mm:
        raise ParameterError("rdi: need 0 < rda_mm < rdb_mm")
    s = table("sri")
    sri = SriParameters(*(_number(s, k, "sri") for k in ("sri_min", "a0", "a1")))
    pbi = None
    if "pbi" in raw:
        p = table("pbi")
        pbi = MappingProxyType({k: _number(p, k, "pbi") for k in ("light", "medium", "heavy")})
    pqi: dict[str, dict[str, Mapping[str, float]]] = {}
    for group in groups:
        pqi[group] = {}
        for pavement in PAVEMENTS:
            path = f"pqi.{group}.{pavement}"
            w = _weights(table(path), PQI_COMPONENTS, path)
            if any(w[i] > 0 and pavement not in applicability[i] for i in w):
                raise ParameterError(f"{path}: weights an index that does not apply to it")
            pqi[group][pavement] = MappingProxyType(w)
    distress: dict[str, tuple[DistressItem, ...]] = {}
    for pavement in PAVEMENTS:
        items = []
        for n, item in enumerate(raw["distress"][pavement]):
            path = f"distress.{pavement}.{item.get('key')}"
            width = item.get("influence_width_m")
            unit = item.get("unit")
            if unit not in ("m2", "m") or (unit == "m") != (width is not None):
                raise ParameterError(f"{path}: unit m needs influence_width_m, m2 must not")
            pr = provenance(item, path)
            prov[path] = pr
            items.append(
                DistressItem(
                    key=str(item["key"]),
                    type=str(item["type"]),
                    severity=str(item["severity"]),
                    name_zh=str(item["name_zh"]),
                    name_en=str(item["name_en"]),
                    unit=unit,
                    weight=_number(item, "weight", path),
                    influence_width_m=None
                    if width is None
                    else _number(item, "influence_width_m", path),
                    pavement=pavement,
                    source=pr.source,
                    confirmed=pr.confirmed,
                )
            )
            if items[-1].weight < 0 or (items[-1].influence_width_m or 1.0) <= 0:
                raise ParameterError(f"{path}: weight must be >= 0, width > 0 (item {n})")
        if len({i.key for i in items}) != len(items):
            raise ParameterError(f"distress.{pavement}: duplicate keys")
        distress[pavement] = tuple(items)
    parts = roadside.parse(raw) if "sci" in raw else None
    if parts is not None:
        prov.update(parts.provenance)
    return RatingParameters(
        edition=str(raw["edition"]),
        version=str(raw["version"]),
        code=str(raw["code"]),
        title=str(raw["title"]),
        title_en=str(raw["title_en"]),
        class_groups=MappingProxyType(groups),
        grade_bounds=(bounds[0], bounds[1], bounds[2], bounds[3]),
        applicability=MappingProxyType(applicability),
        mqi_weights=MappingProxyType(_weights(table("mqi"), MQI_COMPONENTS, "mqi")),
        pci=MappingProxyType({p: curve(f"pci.{p}") for p in PAVEMENTS}),
        rqi=MappingProxyType({grp: curve(f"rqi.{grp}") for grp in groups}),
        rdi=rdi,
        sri=sri,
        pssi=curve("pssi"),
        pbi=pbi,
        pwi=curve("pwi") if "pwi" in raw else None,
        pqi_weights=MappingProxyType(pqi),
        distress=MappingProxyType(distress),
        provenance=MappingProxyType(prov),
        overridden=tuple(overridden),
        roadside=parts,
    )


def load_parameters(
    edition: str = "2018", overrides: Mapping[str, Any] | None = None
) -> RatingParameters:
    """The parameters of ``edition``, with ``overrides`` (a nested dict shaped like the TOML
    file; distress items addressed by key) merged over them and everything validated.

    An overridden table keeps its ``source`` unless the override gives one; the dotted paths
    of the overridden values are in ``RatingParameters.overridden``.
    """
    if edition not in EDITIONS:
        raise ParameterError(f"unknown edition {edition!r}; expected one of {EDITIONS}")
    if not overrides:
        return _cached_parameters(edition)
    raw = copy.deepcopy(dict(_raw(edition)))
    done = parameters.merge(raw, overrides, may_add=_may_add)
    if str(raw.get("edition")) != edition:
        raise ParameterError("override: the edition cannot be changed")
    try:
        return _parse(raw, done)
    except (KeyError, TypeError) as exc:
        raise ParameterError(f"override: malformed ({exc})") from exc


@cache
def _cached_parameters(edition: str) -> RatingParameters:
    return _parse(_raw(edition), [])


def distress_items(pavement: str, edition: str = "2018") -> list[DistressItem]:
    """The distress items of ``pavement`` (keys = input column names) in table order."""
    if pavement not in PAVEMENTS:
        raise ParameterError(f"unknown pavement {pavement!r}; expected one of {PAVEMENTS}")
    return list(load_parameters(edition).distress[pavement])


# --------------------------------------------------------------------------- grades


def grade(values: npt.ArrayLike, parameters: RatingParameters | None = None) -> ObjectArray:
    """Grade of each value: 优 >= 90, 良 >= 80, 中 >= 70, 次 >= 60, else 差; '' for NaN."""
    bounds = (parameters or _cached_parameters("2018")).grade_bounds
    v = np.asarray(values, dtype=np.float64)
    # Counting the bounds at or below a value gives its grade position (4 = 优 ... 0 = 差).
    above = sum((v >= b).astype(np.int64) for b in bounds)
    labels = np.array([*GRADES[::-1], ""], dtype=object)
    position = np.where(np.isnan(v), 5, np.asarray(above, dtype=np.int64))
    return labels[position]  # type: ignore[no-any-return]


def grade_of(value: float) -> str:
    """Grade of one value ('' for NaN)."""
    return str(grade(np.array([value]))[0])


# --------------------------------------------------------------------------- input checks


def _problems_where(mask: BoolArray, column: str, code: str, message: str) -> list[InputProblem]:
    return [InputProblem(int(i), column, code, message) for i in np.flatnonzero(mask)]


def check_columns(
    columns: Mapping[str, npt.ArrayLike], parameters: RatingParameters | None = None
) -> list[InputProblem]:
    """Every problem of the input of :func:`rate` (empty list: valid). Rows are 0-based."""
    params = parameters or _cached_parameters("2018")
    # A key may belong to both pavements (修补 = ``patching``).
    items: dict[str, list[str]] = {}
    for pave in PAVEMENTS:
        for item in params.distress[pave]:
            items.setdefault(item.key, []).append(pave)
    problems: list[InputProblem] = []
    for name in ("road_class", "pavement"):
        if name not in columns:
            problems.append(InputProblem(None, name, "missing", "required column"))
    if problems:
        return problems
    parts = roadside.input_columns(params.roadside) if params.roadside else ()
    known = {"road_class", "pavement", *FLOAT_COLUMNS, *items, *parts}
    for name in columns:
        if name not in known:
            problems.append(InputProblem(None, name, "unknown_column", "unknown column"))
    road_class = np.asarray(columns["road_class"], dtype=object)
    pavement = np.asarray(columns["pavement"], dtype=object)
    n = road_class.shape[0]
    floats: dict[str, FloatArray] = {}
    for name in known & set(columns) - {"road_class", "pavement", *parts}:
        try:
            floats[name] = np.asarray(columns[name], dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            problems.append(InputProblem(None, name, "not_number", "not numbers"))
            continue
    for name, arr in [("pavement", pavement), *floats.items()]:
        if arr.shape[0] != n:
            problems.append(InputProblem(None, name, "length", f"{arr.shape[0]} values, not {n}"))
    if problems:
        return problems
    problems += _problems_where(
        ~np.isin(road_class, ROAD_CLASSES), "road_class", "choice", f"one of {ROAD_CLASSES}"
    )
    problems += _problems_where(
        ~np.isin(pavement, PAVEMENTS), "pavement", "choice", f"one of {PAVEMENTS}"
    )
    positive = {"length_m", "width_m", "mpdc"}
    percent = {"dr", "sci", "bci", "tci"}
    for name, arr in floats.items():
        problems += _problems_where(np.isinf(arr), name, "not_finite", "not a finite number")
        if name in positive:
            problems += _problems_where(arr <= 0, name, "not_positive", "must be > 0")
        elif name in percent:
            bad = (arr < 0) | (arr > 100)
            problems += _problems_where(bad, name, "percent", "must be between 0 and 100")
        else:
            problems += _problems_where(arr < 0, name, "negative", "must be >= 0")
        if name in items:
            wrong = (arr > 0) & ~np.isin(pavement, items[name])
            problems += _problems_where(
                wrong, name, "wrong_pavement", f"is a {'/'.join(items[name])} distress"
            )
    if params.roadside is not None:
        problems += [
            InputProblem(row, column, code, message)
            for row, column, code, message in roadside.check(params.roadside, columns, n)
        ]
    quantities = [v for k, v in floats.items() if k in items]
    if quantities:
        any_quantity = np.any(np.isfinite(np.vstack(quantities)), axis=0)
        dr = floats.get("dr", np.full(n, np.nan))
        for name in ("length_m", "width_m"):
            arr = floats.get(name, np.full(n, np.nan))
            problems += _problems_where(
                any_quantity & np.isnan(dr) & np.isnan(arr),
                name,
                "needs_area",
                "needed to turn distress quantities into DR",
            )
    return sorted(problems, key=lambda p: (-1 if p.row is None else p.row, p.column))


# --------------------------------------------------------------------------- rating


@dataclass(frozen=True)
class _Masks:
    """Which units are in each road-class group and on each pavement, computed once per call
    (comparing object arrays of strings is the slow part of a vectorised rating)."""

    n: int
    groups: Mapping[str, BoolArray]
    pavements: Mapping[str, BoolArray]

    @classmethod
    def of(cls, road_class: ObjectArray, pavement: ObjectArray, params: RatingParameters) -> _Masks:
        return cls(
            n=road_class.shape[0],
            groups={g: np.isin(road_class, list(c)) for g, c in params.class_groups.items()},
            pavements={p: pavement == p for p in PAVEMENTS},
        )


def _by_group(masks: _Masks, values: Mapping[str, float]) -> FloatArray:
    """Per-unit value of a parameter given per road-class group."""
    out = np.full(masks.n, np.nan)
    for group, mask in masks.groups.items():
        out[mask] = values[group]
    return out


def _applies(index: str, masks: _Masks, params: RatingParameters) -> BoolArray:
    applies = np.zeros(masks.n, dtype=bool)
    for pave in params.applicability[index]:
        applies |= masks.pavements[pave]
    return applies


def rate(
    columns: Mapping[str, npt.ArrayLike],
    *,
    edition: str = "2018",
    parameters: RatingParameters | None = None,
) -> dict[str, npt.NDArray[Any]]:
    """Rate every unit. ``parameters`` (if given) decides the edition; otherwise ``edition``.

    Inputs and outputs: see the module docstring and docs/rating.md. Raises
    :class:`RatingInputError` listing every invalid value.
    """
    params = parameters or load_parameters(edition)
    problems = check_columns(columns, params)
    if problems:
        raise RatingInputError(problems)
    road_class = np.asarray(columns["road_class"], dtype=object)
    pavement = np.asarray(columns["pavement"], dtype=object)
    n = road_class.shape[0]
    masks = _Masks.of(road_class, pavement, params)

    def col(name: str) -> FloatArray:
        if name not in columns:
            return np.full(n, np.nan)
        return np.asarray(columns[name], dtype=np.float64).reshape(-1)

    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        out: dict[str, npt.NDArray[Any]] = {"dr": _dr(col, masks, params)}
        out.update(_indices(col, masks, out["dr"], params))
        out["pqi"] = _pqi(out, masks, params)
        parts = {"pqi": out["pqi"], **_roadside_parts(columns, col, n, params)}
        mqi = sum(params.mqi_weights[k] * parts[k] for k in MQI_COMPONENTS)
        out["mqi"] = np.asarray(mqi, dtype=np.float64)
        if params.roadside is not None:
            worst = {
                k: columns[f"bci_{k}"] for k in roadside.STRUCTURE_KINDS if f"bci_{k}" in columns
            }
            zero = roadside.mqi_zero_mask(params.roadside, worst, n)
            out["mqi"] = np.where(zero & np.isfinite(out["mqi"]), 0.0, out["mqi"])
        out.update({k: parts[k] for k in ("sci", "bci", "tci")})
    out["grade_pqi"] = grade(out["pqi"], params)
    out["grade_mqi"] = grade(out["mqi"], params)
    for k in ("sci", "bci", "tci"):
        out[f"grade_{k}"] = grade(out[k], params)
    return out


def _roadside_parts(
    columns: Mapping[str, npt.ArrayLike], col: Column, n: int, params: RatingParameters
) -> dict[str, FloatArray]:
    """SCI, BCI, TCI per unit: computed from damage quantities / structure classes where the
    unit has them, else the value given in the ``sci``/``bci``/``tci`` column, else NaN."""
    given = {k: col(k) for k in ("sci", "bci", "tci")}
    if params.roadside is None:
        return given
    computed = roadside.rate_parts(params.roadside, columns, n)
    out = {k: np.where(np.isfinite(computed[k]), computed[k], given[k]) for k in given}
    # A class column given but blank means "no structure of that kind": BCI is 100 unless a
    # structure of another kind, or a given ``bci``, says otherwise.
    classes = [col(c) for c in roadside.class_columns() if c in columns]
    if classes:
        any_structure = np.any(np.isfinite(np.vstack(classes)), axis=0)
        out["bci"] = np.where(
            any_structure, computed["bci"], np.where(np.isfinite(given["bci"]), given["bci"], 100.0)
        )
    return out


def _dr(col: Column, masks: _Masks, params: RatingParameters) -> FloatArray:
    """DR (%) = 100·Σ w_i·A_i / A, A = length × width; a given ``dr`` takes precedence.

    Length-measured items become areas through their influence width. A blank quantity is 0
    when the unit has any quantity; a unit with none (and no ``dr``) has no DR. DR is capped
    at 100 (the damaged area cannot exceed the unit).
    """
    damaged_m2 = np.zeros(masks.n)
    surveyed = np.zeros(masks.n, dtype=bool)
    for pave in PAVEMENTS:
        mine = masks.pavements[pave]
        for item in params.distress[pave]:
            quantity = col(item.key)
            given = mine & np.isfinite(quantity)
            damaged_m2 += np.where(given, item.weight * quantity * item.area_factor_m, 0.0)
            surveyed |= given
    area_m2 = col("length_m") * col("width_m")
    from_quantities = np.where(surveyed, np.minimum(100.0 * damaged_m2 / area_m2, 100.0), np.nan)
    dr_given = col("dr")
    return np.where(np.isfinite(dr_given), dr_given, from_quantities)


def _indices(
    col: Column, masks: _Masks, dr: FloatArray, params: RatingParameters
) -> dict[str, FloatArray]:
    """PCI, RQI, RDI, SRI, PSSI, PBI, PWI per unit (formulas in docs/rating.md); NaN where
    the input is not measured, the edition has no such index, or the pavement has none."""
    nan = np.nan
    out: dict[str, FloatArray] = {}
    asphalt = masks.pavements["asphalt"]
    a0 = np.where(asphalt, params.pci["asphalt"].a0, params.pci["concrete"].a0)
    a1 = np.where(asphalt, params.pci["asphalt"].a1, params.pci["concrete"].a1)
    out["pci"] = np.clip(100.0 - a0 * dr**a1, 0.0, 100.0)

    r0 = _by_group(masks, {g: c.a0 for g, c in params.rqi.items()})
    r1 = _by_group(masks, {g: c.a1 for g, c in params.rqi.items()})
    out["rqi"] = 100.0 / (1.0 + r0 * np.exp(r1 * col("iri")))

    rd, p = col("rd_mm"), params.rdi
    rdi = np.select(
        [rd <= p.rda_mm, rd <= p.rdb_mm, rd > p.rdb_mm],
        [100.0 - p.a0 * rd, 100.0 - p.a0 * p.rda_mm - p.a1 * (rd - p.rda_mm), 0.0],
        nan,
    )
    out["rdi"] = np.clip(rdi, 0.0, 100.0)

    s = params.sri
    out["sri"] = (100.0 - s.sri_min) / (1.0 + s.a0 * np.exp(s.a1 * col("sfc"))) + s.sri_min
    out["pssi"] = 100.0 / (1.0 + params.pssi.a0 * np.exp(params.pssi.a1 * col("ssi")))

    out["pbi"] = np.full(dr.shape[0], nan)
    if params.pbi is not None:
        counts = np.vstack([col(c) for c in PB_COLUMNS])
        deduction = sum(
            params.pbi[c.removeprefix("pb_")] * np.nan_to_num(counts[i])
            for i, c in enumerate(PB_COLUMNS)
        )
        bumps_given = np.any(np.isfinite(counts), axis=0)
        out["pbi"] = np.where(bumps_given, np.maximum(0.0, 100.0 - deduction), nan)

    out["pwi"] = np.full(dr.shape[0], nan)
    if params.pwi is not None:
        mpdc = col("mpdc")
        wear_ratio = np.clip(100.0 * (mpdc - col("mpd")) / mpdc, 0.0, 100.0)
        out["pwi"] = np.clip(100.0 - params.pwi.a0 * wear_ratio**params.pwi.a1, 0.0, 100.0)

    for index in PQI_COMPONENTS:
        out[index] = np.where(_applies(index, masks, params), out[index], nan)
    return out


def _pqi(
    indices: Mapping[str, npt.NDArray[Any]], masks: _Masks, params: RatingParameters
) -> FloatArray:
    """PQI = Σ w·index, only where every index with a non-zero weight is available."""
    total = np.zeros(masks.n)
    complete = np.ones(masks.n, dtype=bool)
    cells = [
        (masks.groups[group] & masks.pavements[pave], weights)
        for group, by_pavement in params.pqi_weights.items()
        for pave, weights in by_pavement.items()
    ]
    for index in PQI_COMPONENTS:
        weight = np.zeros(masks.n)
        for mask, weights in cells:
            weight[mask] = weights.get(index, 0.0)
        value = np.asarray(indices[index], dtype=np.float64)
        complete &= (weight == 0) | np.isfinite(value)
        total += np.where(weight > 0, weight * value, 0.0)
    return np.where(complete, total, np.nan)


# --------------------------------------------------------------------------- aggregation


def _finite_pairs(
    values: npt.ArrayLike, lengths: npt.ArrayLike | None
) -> tuple[FloatArray, FloatArray]:
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    w = np.ones_like(v) if lengths is None else np.asarray(lengths, dtype=np.float64).reshape(-1)
    if w.shape != v.shape:
        raise ValueError(f"{v.shape[0]} values but {w.shape[0]} lengths")
    keep = np.isfinite(v) & np.isfinite(w) & (w > 0)
    return v[keep], w[keep]


def aggregate(values: npt.ArrayLike, lengths: npt.ArrayLike) -> float:
    """Length-weighted mean of the units that have a value; NaN if none has."""
    v, w = _finite_pairs(values, lengths)
    return float(np.sum(v * w) / np.sum(w)) if v.size else math.nan


def grade_shares(
    values: npt.ArrayLike,
    lengths: npt.ArrayLike | None = None,
    parameters: RatingParameters | None = None,
) -> dict[str, float]:
    """Percent of rated units per grade (by count, or by length when ``lengths`` is given);
    units without a value are left out; NaN for every grade if none is rated."""
    v, w = _finite_pairs(values, lengths)
    if not v.size:
        return dict.fromkeys(GRADES, math.nan)
    g = grade(v, parameters)
    total = float(np.sum(w))
    return {name: float(100.0 * np.sum(w[g == name]) / total) for name in GRADES}


def good_rate(
    values: npt.ArrayLike,
    lengths: npt.ArrayLike | None = None,
    parameters: RatingParameters | None = None,
) -> float:
    """优良率: percent of rated units (or length) graded 优 or 良."""
    shares = grade_shares(values, lengths, parameters)
    return shares["优"] + shares["良"]


def poor_rate(
    values: npt.ArrayLike,
    lengths: npt.ArrayLike | None = None,
    parameters: RatingParameters | None = None,
) -> float:
    """次差率: percent of rated units (or length) graded 次 or 差."""
    shares = grade_shares(values, lengths, parameters)
    return shares["次"] + shares["差"]


def summarise(
    values_by_index: Mapping[str, npt.ArrayLike],
    lengths: npt.ArrayLike,
    groups: npt.ArrayLike,
    parameters: RatingParameters | None = None,
) -> dict[Any, dict[str, Any]]:
    """Per group (route, district, or one label for the network): units, length_m, and per
    index its length-weighted mean, grade and length shares, 优良率 and 次差率.

    ``{group: {"units": n, "length_m": L, "indices": {"pqi": {"mean": .., "grade": ..,
    "shares": {"优": %, ...}, "good_rate": %, "poor_rate": %}, ...}}}``
    """
    length = np.asarray(lengths, dtype=np.float64).reshape(-1)
    labels = np.asarray(groups, dtype=object).reshape(-1)
    arrays = {k: np.asarray(v, dtype=np.float64).reshape(-1) for k, v in values_by_index.items()}
    if labels.shape != length.shape or any(a.shape != length.shape for a in arrays.values()):
        raise ValueError("values, lengths and groups must have one element per unit")
    result: dict[Any, dict[str, Any]] = {}
    for label in dict.fromkeys(labels.tolist()):
        mine = labels == label
        indices: dict[str, Any] = {}
        for name, arr in arrays.items():
            mean = aggregate(arr[mine], length[mine])
            shares = grade_shares(arr[mine], length[mine], parameters)
            indices[name] = {
                "mean": mean,
                "grade": grade_of(mean)
                if parameters is None
                else str(grade([mean], parameters)[0]),
                "shares": shares,
                "good_rate": shares["优"] + shares["良"],
                "poor_rate": shares["次"] + shares["差"],
            }
        result[label] = {
            "units": int(np.sum(mine)),
            "length_m": float(np.nansum(length[mine])),
            "indices": indices,
        }
    return result
