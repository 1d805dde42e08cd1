"""Acceptance ranges for paving, rolling and spraying measurements per JTG F40-2004.

Given the standard's data (``standards/jtg_f40_2004.toml``, with an organisation's
overrides) and the context of the mix or the coat — binder grade, modified or not, season,
roller, base type, product, design thickness — :func:`acceptance_range` returns the range a
measurement must lie in, with the clause it comes from and its ``confirmed`` flag. The work
instructions' checklists (sop app) validate field measurements with it; the live telemetry
rules use the same codes.

Measurement codes (:data:`MEASUREMENTS`; units are in the names):

- ``mix_temp_plant_c``: mix leaving the plant, [plant min, plant max];
- ``mix_temp_arrival_c``: mix arriving on site, [arrival min, discard limit];
- ``mix_temp_paving_c``: mix behind the screed, [paving min (season), discard limit];
- ``rolling_start_temp_c``: internal temperature at the start of rolling, ≥ min (season);
- ``rolling_end_temp_c``: surface temperature at the end of rolling, ≥ min (roller type);
- ``open_traffic_temp_c``: surface temperature before opening to traffic, ≤ 50;
- ``paver_speed_m_per_min``: 2–6, or 1–3 for modified asphalt and SMA;
- ``roller_speed_kmh``: ≤ the maximum for the roller and phase (normal range as target);
- ``spray_rate_l_per_m2``: prime coat (semi-rigid/granular base) or tack coat
  (asphalt/cement-concrete surface) by product;
- ``thickness_mm``: design thickness − / + the project's tolerance (or the default %);
- ``loose_thickness_mm``: design thickness × the loose factor range.

Ranges are inclusive: a value equal to a limit passes. Pure: no Django, no I/O beyond reading
the packaged TOML once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from zhiyang.analytics import parameters
from zhiyang.analytics.parameters import ParameterError

STANDARD_FILE = "jtg_f40_2004.toml"

#: Binder grades of ordinary petroleum asphalt (penetration grade), and SBS modified.
BINDER_GRADES = ("50", "70", "90", "110", "sbs")
SEASONS = ("normal", "low_temperature")
ROLLER_TYPES = ("steel", "pneumatic", "vibratory")
ROLLING_PHASES = ("initial", "intermediate", "final")
#: Surfaces sprayed: prime coat goes on a base, tack coat on an existing surface.
PRIME_BASES = ("semi_rigid", "granular")
TACK_SURFACES = ("asphalt", "cement_concrete")
BASE_TYPES = PRIME_BASES + TACK_SURFACES
PRODUCTS = ("emulsion", "cutback", "hot_asphalt")
MIX_TYPES = ("dense", "sma")

#: code → (unit, Chinese name, English name).
MEASUREMENTS: dict[str, tuple[str, str, str]] = {
    "mix_temp_plant_c": ("°C", "出厂温度", "Mix temperature leaving the plant"),
    "mix_temp_arrival_c": ("°C", "到场温度", "Mix temperature on arrival"),
    "mix_temp_paving_c": ("°C", "摊铺温度", "Paving temperature"),
    "rolling_start_temp_c": ("°C", "开始碾压温度", "Temperature at the start of rolling"),
    "rolling_end_temp_c": ("°C", "碾压终了温度", "Surface temperature at the end of rolling"),
    "open_traffic_temp_c": ("°C", "开放交通温度", "Surface temperature before opening to traffic"),
    "paver_speed_m_per_min": ("m/min", "摊铺速度", "Paver speed"),
    "roller_speed_kmh": ("km/h", "碾压速度", "Roller speed"),
    "spray_rate_l_per_m2": ("L/m²", "洒布量", "Spray rate"),
    "thickness_mm": ("mm", "压实厚度", "Compacted thickness"),
    "loose_thickness_mm": ("mm", "松铺厚度", "Loose thickness"),
}


class SpecError(ValueError):
    """A measurement code or a context the standard does not cover (or lacks a value)."""


@dataclass(frozen=True)
class MixContext:
    """What a measurement's range depends on. Only the fields a code needs must be set.

    ``binder_grade``: ``"50"``, ``"70"``, ``"90"``, ``"110"`` (``"70#"`` accepted) or
    ``"sbs"`` (SBS modified; also implied by ``modified``). ``thickness_tolerance_*_mm`` are
    the project's own tolerances; without them the standard's percentages apply.
    """

    binder_grade: str = "70"
    modified: bool = False
    season: str = "normal"
    mix_type: str = "dense"
    roller: str = "steel"
    rolling_phase: str = "initial"
    base_type: str = ""
    product: str = "emulsion"
    design_thickness_mm: float | None = None
    thickness_tolerance_minus_mm: float | None = None
    thickness_tolerance_plus_mm: float | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> MixContext:
        """A context from loose values (a form, JSON); unknown keys are ignored, empty ones
        take the default; numbers are parsed."""
        known = {f for f in cls.__dataclass_fields__}
        kwargs: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known or value in (None, ""):
                continue
            if key in (
                "design_thickness_mm",
                "thickness_tolerance_minus_mm",
                "thickness_tolerance_plus_mm",
            ):
                kwargs[key] = _finite(value, key)
            elif key == "modified":
                kwargs[key] = (
                    value
                    if isinstance(value, bool)
                    else str(value).lower()
                    in (
                        "1",
                        "true",
                        "yes",
                        "on",
                    )
                )
            else:
                kwargs[key] = str(value)
        return cls(**kwargs)

    @property
    def grade(self) -> str:
        """The normalised binder grade (``"sbs"`` when modified)."""
        if self.modified:
            return "sbs"
        grade = self.binder_grade.strip().lower().rstrip("#")
        if grade in ("sbs", "sbs_modified", "modified"):
            return "sbs"
        if grade not in BINDER_GRADES:
            raise SpecError(f"binder_grade: {self.binder_grade!r} is not one of {BINDER_GRADES}")
        return grade

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AcceptanceRange:
    """The inclusive range ``[min_value, max_value]`` (either may be None: no limit) a
    measurement must lie in; ``target_*`` is the normal working range where the standard
    gives one besides the limit (roller speeds)."""

    code: str
    unit: str
    min_value: float | None
    max_value: float | None
    source: str
    confirmed: bool
    target_min: float | None = None
    target_max: float | None = None

    def check(self, value: float) -> bool:
        """True if ``value`` is finite and within the limits (limits included)."""
        if not math.isfinite(value):
            return False
        if self.min_value is not None and value < self.min_value:
            return False
        return not (self.max_value is not None and value > self.max_value)

    def label(self) -> str:
        """``"≥ 135 °C"``, ``"≤ 50 °C"``, ``"0.3–0.6 L/m²"``."""
        if self.min_value is not None and self.max_value is not None:
            return f"{_num(self.min_value)}–{_num(self.max_value)} {self.unit}"
        if self.min_value is not None:
            return f"≥ {_num(self.min_value)} {self.unit}"
        if self.max_value is not None:
            return f"≤ {_num(self.max_value)} {self.unit}"
        return self.unit

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["label"] = self.label()
        return data


def _num(value: float) -> str:
    return f"{value:g}"


def _finite(value: Any, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"{name}: needs a number, got {value!r}") from exc
    if not math.isfinite(number):
        raise SpecError(f"{name}: needs a finite number")
    return number


# --------------------------------------------------------------------------- parameters


def load_parameters(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The packaged JTG F40-2004 tables with ``overrides`` merged, validated: every range
    is two finite numbers with min ≤ max, every limit a finite number. An overridden table
    says so in its ``source``."""
    params = parameters.load(STANDARD_FILE)
    if overrides:
        parameters.merge_tables(params, overrides)
    _validate(params, "")
    return params


def _validate(node: Mapping[str, Any], path: str) -> None:
    for key, value in node.items():
        where = f"{path}{key}"
        if key in ("source", "checked", "code", "title", "title_en", "version"):
            continue
        if isinstance(value, Mapping):
            _validate(value, f"{where}.")
        elif isinstance(value, list):
            if len(value) != 2 or not all(_is_number(v) for v in value):
                raise ParameterError(f"{where}: needs a range [min, max] of two numbers")
            if value[0] > value[1]:
                raise ParameterError(f"{where}: min must not exceed max")
        elif key == "confirmed":
            if not isinstance(value, bool):
                raise ParameterError(f"{where}: needs true or false")
        elif not _is_number(value) or value < 0:
            raise ParameterError(f"{where}: needs a number >= 0")


def _is_number(value: Any) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(float(value))
    )


# --------------------------------------------------------------------------- ranges


def _provenance(params: Mapping[str, Any], *tables: str) -> tuple[str, bool]:
    found = parameters.inherited_provenance(params, *tables)
    return found.source, found.confirmed


def _get(params: Mapping[str, Any], *path: str) -> Any:
    node: Any = params
    for name in path:
        if not isinstance(node, Mapping) or name not in node:
            raise SpecError(f"{'.'.join(path)}: not in the standard's data")
        node = node[name]
    return node


def _range(value: Any, name: str) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise SpecError(f"{name}: not a range")
    return float(value[0]), float(value[1])


def _choice(value: str, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise SpecError(f"{name}: {value!r} is not one of {allowed}")
    return value


def _hot_mix(params: Mapping[str, Any], ctx: MixContext) -> tuple[dict[str, Any], str, bool]:
    grade = ctx.grade
    table = "sbs_modified" if grade == "sbs" else f"grade_{grade}"
    source, confirmed = _provenance(params, "hot_mix", table)
    return dict(_get(params, "hot_mix", table)), source, confirmed


def acceptance_range(
    code: str, context: MixContext | Mapping[str, Any], parameters: Mapping[str, Any] | None = None
) -> AcceptanceRange:
    """The range ``code`` must lie in for ``context``.

    ``parameters`` is what :func:`load_parameters` returned (with an organisation's
    overrides); the packaged values when None. Raises :class:`SpecError` for an unknown code
    or a context the code cannot be resolved for (e.g. thickness without a design thickness).
    """
    if code not in MEASUREMENTS:
        raise SpecError(f"{code}: unknown measurement code")
    ctx = context if isinstance(context, MixContext) else MixContext.from_mapping(context)
    params = parameters if parameters is not None else load_parameters()
    unit = MEASUREMENTS[code][0]

    def make(
        lo: float | None, hi: float | None, source: str, confirmed: bool, **kw: Any
    ) -> AcceptanceRange:
        return AcceptanceRange(code, unit, lo, hi, source, confirmed, **kw)

    if code.startswith(("mix_temp_", "rolling_")):
        mix, source, confirmed = _hot_mix(params, ctx)
        season = _choice(ctx.season, SEASONS, "season")
        low = season == "low_temperature"
        discard = float(mix["discard_above_c"])
        if code == "mix_temp_plant_c":
            lo, hi = _range(mix["plant_c"], "plant_c")
            return make(lo, hi, source, confirmed)
        if code == "mix_temp_arrival_c":
            return make(float(mix["arrival_min_c"]), discard, source, confirmed)
        if code == "mix_temp_paving_c":
            key = "paving_low_temp_min_c" if low else "paving_min_c"
            return make(float(mix[key]), discard, source, confirmed)
        if code == "rolling_start_temp_c":
            key = "rolling_start_low_temp_min_c" if low else "rolling_start_min_c"
            return make(float(mix[key]), discard, source, confirmed)
        roller = _choice(ctx.roller, ROLLER_TYPES, "roller")
        return make(float(mix["rolling_end_min_c"][roller]), None, source, confirmed)
    if code == "open_traffic_temp_c":
        source, confirmed = _provenance(params, "open_to_traffic")
        return make(
            None, float(_get(params, "open_to_traffic", "surface_max_c")), source, confirmed
        )
    if code == "paver_speed_m_per_min":
        source, confirmed = _provenance(params, "paver_speed")
        mix_type = _choice(ctx.mix_type, MIX_TYPES, "mix_type")
        slow = ctx.grade == "sbs" or mix_type == "sma"
        key = "modified_or_sma_m_per_min" if slow else "normal_m_per_min"
        lo, hi = _range(_get(params, "paver_speed", key), key)
        return make(lo, hi, source, confirmed)
    if code == "roller_speed_kmh":
        roller = _choice(ctx.roller, ROLLER_TYPES, "roller")
        phase = _choice(ctx.rolling_phase, ROLLING_PHASES, "rolling_phase")
        source, confirmed = _provenance(params, "roller_speed", roller)
        lo, hi = _range(_get(params, "roller_speed", roller, f"{phase}_kmh"), phase)
        top = float(_get(params, "roller_speed", roller, f"{phase}_max_kmh"))
        return make(None, top, source, confirmed, target_min=lo, target_max=hi)
    if code == "spray_rate_l_per_m2":
        base = _choice(ctx.base_type, BASE_TYPES, "base_type")
        coat = "prime_coat" if base in PRIME_BASES else "tack_coat"
        product = _choice(ctx.product, PRODUCTS, "product")
        rates = _get(params, coat, base)
        if product not in rates:
            raise SpecError(f"product: {product!r} is not used for {coat} on {base}")
        source, confirmed = _provenance(params, coat)
        lo, hi = _range(rates[product], f"{coat}.{base}.{product}")
        return make(lo, hi, source, confirmed)
    # thickness_mm, loose_thickness_mm
    if ctx.design_thickness_mm is None or ctx.design_thickness_mm <= 0:
        raise SpecError("design_thickness_mm: needed for thickness, and > 0")
    design = float(ctx.design_thickness_mm)
    source, confirmed = _provenance(params, "thickness")
    table = _get(params, "thickness")
    if code == "loose_thickness_mm":
        lo, hi = _range(table["loose_factor"], "loose_factor")
        return make(round(design * lo, 1), round(design * hi, 1), source, confirmed)
    minus = ctx.thickness_tolerance_minus_mm
    plus = ctx.thickness_tolerance_plus_mm
    if minus is None:
        minus = design * float(table["tolerance_minus_pct"]) / 100.0
    else:
        source, confirmed = "project tolerance", True
    if plus is None:
        plus = design * float(table["tolerance_plus_pct"]) / 100.0
    return make(round(design - minus, 1), round(design + plus, 1), source, confirmed)


def check(
    code: str,
    value: float,
    context: MixContext | Mapping[str, Any],
    parameters: Mapping[str, Any] | None = None,
) -> tuple[bool, AcceptanceRange]:
    """(passed, range) for one measured ``value``."""
    found = acceptance_range(code, context, parameters)
    return found.check(float(value)), found
