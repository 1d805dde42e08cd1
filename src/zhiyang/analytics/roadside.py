"""SCI (subgrade), TCI (traffic and roadside facilities) and BCI (bridges, tunnels, culverts)
per evaluation unit after JTG 5210-2018, the three parts of MQI beside PQI.

Pure numpy, one element per evaluation unit (normally 1000 m), whole-array expressions (the
loops run over damage items and structure kinds, never over units). The numbers live in
``standards/jtg5210_2018.toml`` (tables ``sci``, ``tci``, ``bci``) with their provenance;
:func:`parse` builds :class:`RoadsideParameters` from the merged file, so an organisation's
override is validated here (``rating.load_parameters`` calls it).

- ``SCI = max(0, 100 − Σ_t w_t · min(cap, GD_t))`` with ``GD_t = Σ_i d_i · q_i`` over the
  damage items i of type t (quantity q in m, m² or count), ``w_t`` the type weight
  (``weighted = false``: every w_t = 1). TCI likewise.
- ``BCI = min`` over the structures of the unit of the score of their technical condition
  class (1 → 100, 2 → 80, 3 → 70, 4 → 40, 5 → 0 by default, per kind); 100 for a unit that
  has no bridge, tunnel or culvert. The input is the worst class per kind (NaN: none).
- :func:`mqi_zero_mask`: units holding a class-5 structure, whose MQI is 0 when
  ``mqi_zero_on_class5``.

Input column names: ``sci_<item key>``, ``tci_<item key>``, ``bci_bridge``, ``bci_tunnel``,
``bci_culvert`` (:func:`input_columns`). NaN means "not surveyed": a unit with no finite
SCI (TCI) quantity has no SCI (TCI) from quantities; one with some has blanks counted as 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from zhiyang.analytics.parameters import ParameterError, Provenance, provenance

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DEDUCTION_INDICES = ("sci", "tci")
STRUCTURE_KINDS = ("bridge", "tunnel", "culvert")
CLASSES = (1, 2, 3, 4, 5)
UNITS = ("m", "m2", "each")
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class DamageItem:
    """One damage type at one severity; its input column is ``<index>_<key>``."""

    index: str
    key: str
    type: str
    severity: str
    name_zh: str
    name_en: str
    unit: str
    deduction: float
    source: str
    confirmed: bool

    @property
    def column(self) -> str:
        return f"{self.index}_{self.key}"


@dataclass(frozen=True)
class DeductionIndex:
    """SCI or TCI: the type weights, the cap of a type's deduction and the items."""

    name: str
    weighted: bool
    cap: float
    weights: Mapping[str, float]
    items: tuple[DamageItem, ...]

    def item(self, key: str) -> DamageItem:
        for item in self.items:
            if item.key == key:
                return item
        raise KeyError(key)


@dataclass(frozen=True)
class RoadsideParameters:
    sci: DeductionIndex
    tci: DeductionIndex
    #: kind → class (1..5) → score
    class_scores: Mapping[str, Mapping[int, float]]
    mqi_zero_on_class5: bool
    provenance: Mapping[str, Provenance]

    def index(self, name: str) -> DeductionIndex:
        return self.sci if name == "sci" else self.tci


def _number(table: Mapping[str, Any], key: str, path: str) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ParameterError(f"{path}.{key}: expected a finite number, got {value!r}")
    return float(value)


def _deduction_index(
    raw: Mapping[str, Any], name: str, prov: dict[str, Provenance]
) -> DeductionIndex:
    table = raw.get(name)
    if not isinstance(table, Mapping):
        raise ParameterError(f"missing table [{name}]")
    prov[name] = provenance(table, name)
    weighted = table.get("weighted")
    if not isinstance(weighted, bool):
        raise ParameterError(f"{name}.weighted: expected true or false")
    cap = _number(table, "cap", name)
    if cap <= 0:
        raise ParameterError(f"{name}.cap: must be > 0")
    w_table = table.get("weights")
    if not isinstance(w_table, Mapping):
        raise ParameterError(f"missing table [{name}.weights]")
    prov[f"{name}.weights"] = provenance(w_table, f"{name}.weights")
    weights = {
        k: _number(w_table, k, f"{name}.weights")
        for k in w_table
        if k not in ("source", "confirmed", "checked")
    }
    if any(w < 0 for w in weights.values()):
        raise ParameterError(f"{name}.weights: weights must be >= 0")
    if weighted and abs(sum(weights.values()) - 1.0) > _TOLERANCE:
        raise ParameterError(f"{name}.weights: must sum to 1, got {sum(weights.values()):.6g}")
    items: list[DamageItem] = []
    for entry in table.get("items", ()):
        path = f"{name}.items.{entry.get('key')}"
        pr = provenance(entry, path)
        prov[path] = pr
        unit = entry.get("unit")
        if unit not in UNITS:
            raise ParameterError(f"{path}.unit: one of {UNITS}")
        if entry.get("type") not in weights:
            raise ParameterError(f"{path}.type: {entry.get('type')!r} has no weight")
        deduction = _number(entry, "deduction", path)
        if deduction < 0:
            raise ParameterError(f"{path}.deduction: must be >= 0")
        items.append(
            DamageItem(
                index=name,
                key=str(entry["key"]),
                type=str(entry["type"]),
                severity=str(entry.get("severity", "")),
                name_zh=str(entry.get("name_zh", "")),
                name_en=str(entry.get("name_en", "")),
                unit=str(unit),
                deduction=deduction,
                source=pr.source,
                confirmed=pr.confirmed,
            )
        )
    if not items:
        raise ParameterError(f"{name}.items: at least one damage item")
    if len({i.key for i in items}) != len(items):
        raise ParameterError(f"{name}.items: duplicate keys")
    return DeductionIndex(
        name=name,
        weighted=weighted,
        cap=cap,
        weights=MappingProxyType(weights),
        items=tuple(items),
    )


def parse(raw: Mapping[str, Any]) -> RoadsideParameters:
    """The SCI/TCI/BCI parameters of a (merged) standards file; ``ParameterError`` naming
    the table at fault."""
    prov: dict[str, Provenance] = {}
    sci = _deduction_index(raw, "sci", prov)
    tci = _deduction_index(raw, "tci", prov)
    bci = raw.get("bci")
    if not isinstance(bci, Mapping):
        raise ParameterError("missing table [bci]")
    prov["bci"] = provenance(bci, "bci")
    zero = bci.get("mqi_zero_on_class5")
    if not isinstance(zero, bool):
        raise ParameterError("bci.mqi_zero_on_class5: expected true or false")
    scores: dict[str, Mapping[int, float]] = {}
    for kind in STRUCTURE_KINDS:
        path = f"bci.{kind}"
        table = bci.get(kind)
        if not isinstance(table, Mapping):
            raise ParameterError(f"missing table [{path}]")
        prov[path] = provenance(table, path)
        by_class = {c: _number(table, f"class{c}", path) for c in CLASSES}
        values = list(by_class.values())
        if any(not 0 <= v <= 100 for v in values) or values != sorted(values, reverse=True):
            raise ParameterError(f"{path}: scores must lie in 0..100 and not rise with the class")
        scores[kind] = MappingProxyType(by_class)
    return RoadsideParameters(
        sci=sci,
        tci=tci,
        class_scores=MappingProxyType(scores),
        mqi_zero_on_class5=zero,
        provenance=MappingProxyType(prov),
    )


def input_columns(params: RoadsideParameters) -> tuple[str, ...]:
    """Every input column the roadside indices read."""
    return (
        *(i.column for i in params.sci.items),
        *(i.column for i in params.tci.items),
        *(f"bci_{k}" for k in STRUCTURE_KINDS),
    )


def class_columns() -> tuple[str, ...]:
    return tuple(f"bci_{k}" for k in STRUCTURE_KINDS)


# --------------------------------------------------------------------------- kernels


def _column(columns: Mapping[str, npt.ArrayLike], name: str, n: int) -> FloatArray:
    if name not in columns:
        return np.full(n, np.nan)
    return np.asarray(columns[name], dtype=np.float64).reshape(-1)


def type_deductions(
    index: DeductionIndex, quantities: Mapping[str, npt.ArrayLike], n: int
) -> dict[str, FloatArray]:
    """GD_t per damage type: Σ deduction·quantity of its items, capped (blanks count 0).
    ``quantities`` are keyed by item key."""
    out = {t: np.zeros(n) for t in index.weights}
    for item in index.items:
        q = _column(quantities, item.key, n)
        out[item.type] += item.deduction * np.nan_to_num(q, nan=0.0)
    return {t: np.minimum(gd, index.cap) for t, gd in out.items()}


def deduction_index(
    index: DeductionIndex, quantities: Mapping[str, npt.ArrayLike], n: int | None = None
) -> FloatArray:
    """SCI or TCI per unit from damage quantities keyed by item key; NaN for a unit with no
    finite quantity (not surveyed)."""
    if n is None:
        n = next((np.asarray(v).reshape(-1).shape[0] for v in quantities.values()), 0)
    surveyed = np.zeros(n, dtype=bool)
    for item in index.items:
        surveyed |= np.isfinite(_column(quantities, item.key, n))
    total = np.zeros(n)
    for damage_type, gd in type_deductions(index, quantities, n).items():
        weight = index.weights[damage_type] if index.weighted else 1.0
        total += weight * gd
    return np.where(surveyed, np.maximum(0.0, 100.0 - total), np.nan)


def bci(
    params: RoadsideParameters, worst_class: Mapping[str, npt.ArrayLike], n: int | None = None
) -> FloatArray:
    """BCI per unit: the lowest score among the worst class of each structure kind; 100
    where the unit has none (all NaN). ``worst_class`` is keyed by kind."""
    if n is None:
        n = next((np.asarray(v).reshape(-1).shape[0] for v in worst_class.values()), 0)
    out = np.full(n, 100.0)
    for kind in STRUCTURE_KINDS:
        classes = _column(worst_class, kind, n)
        scores = np.array([math.nan, *(params.class_scores[kind][c] for c in CLASSES)])
        valid = np.isin(classes, CLASSES)
        position = np.where(valid, np.nan_to_num(classes, nan=0.0), 0).astype(np.int64)
        out = np.where(valid, np.minimum(out, scores[position]), out)
    return out


def mqi_zero_mask(
    params: RoadsideParameters, worst_class: Mapping[str, npt.ArrayLike], n: int
) -> BoolArray:
    """Units whose MQI the standard sets to 0 (a class-5 structure), if the rule is on."""
    mask = np.zeros(n, dtype=bool)
    if params.mqi_zero_on_class5:
        for kind in STRUCTURE_KINDS:
            mask |= _column(worst_class, kind, n) == 5
    return mask


def check(
    params: RoadsideParameters, columns: Mapping[str, npt.ArrayLike], n: int
) -> list[tuple[int | None, str, str, str]]:
    """Problems of the roadside input columns: ``(row, column, code, message)``."""
    problems: list[tuple[int | None, str, str, str]] = []
    classes = set(class_columns())
    for name in input_columns(params):
        if name not in columns:
            continue
        try:
            arr = np.asarray(columns[name], dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            problems.append((None, name, "not_number", "not numbers"))
            continue
        if arr.shape[0] != n:
            problems.append((None, name, "length", f"{arr.shape[0]} values, not {n}"))
            continue
        if name in classes:
            bad = np.isfinite(arr) & ~np.isin(arr, CLASSES)
            bad |= np.isinf(arr)
            problems += [
                (int(i), name, "class", "must be a class 1 to 5") for i in np.flatnonzero(bad)
            ]
        else:
            bad = np.isinf(arr) | (arr < 0)
            problems += [(int(i), name, "negative", "must be >= 0") for i in np.flatnonzero(bad)]
    return problems


def rate_parts(
    params: RoadsideParameters, columns: Mapping[str, npt.ArrayLike], n: int
) -> dict[str, FloatArray]:
    """SCI, TCI and BCI per unit from the roadside input columns; a part is NaN for a unit
    without the inputs (BCI: when no ``bci_*`` column is given at all)."""
    out: dict[str, FloatArray] = {}
    for name in DEDUCTION_INDICES:
        index = params.index(name)
        quantities = {i.key: columns[i.column] for i in index.items if i.column in columns}
        out[name] = deduction_index(index, quantities, n) if quantities else np.full(n, np.nan)
    worst = {k: columns[f"bci_{k}"] for k in STRUCTURE_KINDS if f"bci_{k}" in columns}
    out["bci"] = bci(params, worst, n) if worst else np.full(n, np.nan)
    return out


def worst_classes(
    unit_of_structure: npt.ArrayLike,
    kind_of_structure: Sequence[str],
    class_of_structure: npt.ArrayLike,
    n_units: int,
) -> dict[str, FloatArray]:
    """The worst (highest) class per kind and unit from one row per structure (unit index
    0..n_units−1, kind, class); NaN where a unit has none of a kind."""
    units = np.asarray(unit_of_structure, dtype=np.int64).reshape(-1)
    classes = np.asarray(class_of_structure, dtype=np.float64).reshape(-1)
    kinds = np.asarray(kind_of_structure, dtype=object).reshape(-1)
    out: dict[str, FloatArray] = {}
    for kind in STRUCTURE_KINDS:
        worst = np.full(n_units, -np.inf)
        mine = (kinds == kind) & np.isfinite(classes) & (units >= 0) & (units < n_units)
        np.maximum.at(worst, units[mine], classes[mine])
        out[kind] = np.where(np.isfinite(worst), worst, np.nan)
    return out


def mqi(
    weights: Mapping[str, float],
    parts: Mapping[str, npt.ArrayLike],
    zero: npt.ArrayLike | None = None,
) -> FloatArray:
    """MQI = Σ w·part over ``sci``, ``pqi``, ``bci``, ``tci`` (NaN if a part is missing);
    0 where ``zero`` (a class-5 structure under ``mqi_zero_on_class5``)."""
    arrays = {k: np.asarray(parts[k], dtype=np.float64).reshape(-1) for k in weights}
    total = np.asarray(sum(weights[k] * arrays[k] for k in weights), dtype=np.float64)
    if zero is not None:
        total = np.where(np.asarray(zero, dtype=bool) & np.isfinite(total), 0.0, total)
    return total
