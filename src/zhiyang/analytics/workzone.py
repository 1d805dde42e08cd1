"""Maintenance work-zone layout per JTG H30-2015 (GB 5768.4-2017 uses the same zones).

A work zone is six zones in driving order: warning (警告区 S) → upstream taper (上游过渡区
Ls) → buffer (缓冲区 H) → work (工作区 G) → downstream taper (下游过渡区 Lx) → termination
(终止区 Z). :func:`design_work_zone` returns their lengths and offsets (metres from the start
of the warning zone, in driving order), the signs with their positions and the speed-limit
steps from the approach speed down to the work-zone limit.

Every number comes from ``standards/jtg_h30_2015.toml`` with its source and ``confirmed``
flag, overridable through ``parameters``; the layout carries the provenance of each number so
a layout sheet can say which ones still need checking against the printed standard.

Pure: no Django, no I/O beyond reading the packaged TOML once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from zhiyang.analytics import parameters
from zhiyang.analytics.parameters import ParameterError

ZONE_ORDER = (
    "warning",
    "upstream_taper",
    "buffer",
    "work",
    "downstream_taper",
    "termination",
)

ZONE_NAMES_ZH = {
    "warning": "警告区",
    "upstream_taper": "上游过渡区",
    "buffer": "缓冲区",
    "work": "工作区",
    "downstream_taper": "下游过渡区",
    "termination": "终止区",
}

ZONE_SYMBOLS = {
    "warning": "S",
    "upstream_taper": "Ls",
    "buffer": "H",
    "work": "G",
    "downstream_taper": "Lx",
    "termination": "Z",
}

SIGN_NAMES = {
    "road_work": ("施工标志", "Road work ahead"),
    "speed_limit": ("限速标志", "Speed limit"),
    "lane_reduction": ("车道数变少", "Lane reduction"),
    "direction": ("导向标志", "Direction (arrow) sign"),
    "cones_start": ("锥形交通路标（起）", "Traffic cones start"),
    "cones_end": ("锥形交通路标（止）", "Traffic cones end"),
    "end_speed_limit": ("解除限速", "End of speed limit"),
}

STANDARD_FILE = "jtg_h30_2015.toml"


class WorkZoneInputError(ValueError):
    """Inputs the standard does not cover (speed outside the tables, work area too long)."""


@dataclass(frozen=True)
class Zone:
    zone: str
    name_zh: str
    symbol: str
    length_m: float
    start_offset_m: float
    end_offset_m: float
    source: str
    confirmed: bool


@dataclass(frozen=True)
class Sign:
    kind: str
    name_zh: str
    name_en: str
    offset_m: float
    zone: str
    speed_kmh: int | None = None
    confirmed: bool = False


@dataclass(frozen=True)
class SpeedStep:
    speed_kmh: int
    offset_m: float


@dataclass(frozen=True)
class Provenance:
    source: str
    confirmed: bool
    value: Any


@dataclass(frozen=True)
class WorkZoneLayout:
    """The computed layout; offsets are metres from the warning zone's start, driving order."""

    zones: tuple[Zone, ...]
    signs: tuple[Sign, ...]
    speed_steps: tuple[SpeedStep, ...]
    speed_limit_kmh: int
    approach_speed_kmh: int
    downgrade_pct: float
    standard: str
    provenance: Mapping[str, Provenance] = field(default_factory=dict)

    @property
    def total_length_m(self) -> float:
        return self.zones[-1].end_offset_m

    def zone(self, name: str) -> Zone:
        for z in self.zones:
            if z.zone == name:
                return z
        raise KeyError(name)

    @property
    def unconfirmed(self) -> list[str]:
        return sorted(k for k, p in self.provenance.items() if not p.confirmed)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``zones`` in driving order first (the CLI's contract), then the rest."""
        return {
            "zones": [asdict(z) for z in self.zones],
            "signs": [asdict(s) for s in self.signs],
            "speed_steps": [asdict(s) for s in self.speed_steps],
            "speed_limit_kmh": self.speed_limit_kmh,
            "approach_speed_kmh": self.approach_speed_kmh,
            "downgrade_pct": self.downgrade_pct,
            "total_length_m": self.total_length_m,
            "standard": self.standard,
            "provenance": {k: asdict(p) for k, p in sorted(self.provenance.items())},
            "unconfirmed": self.unconfirmed,
        }


# --- Parameters ---


def load_parameters(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The packaged JTG H30-2015 tables, with ``overrides`` merged table by table.

    An overridden table keeps its keys but is marked ``confirmed = false`` and its source
    says "override", unless the override sets both itself.
    """
    params = parameters.load(STANDARD_FILE)
    if overrides:
        parameters.merge_tables(params, overrides)
    return params


def _table(params: Mapping[str, Any], name: str) -> dict[str, Any]:
    table = params.get(name)
    if not isinstance(table, dict):
        raise ParameterError(f"{name}: missing from the standard's data")
    if not isinstance(table.get("source"), str) or not isinstance(table.get("confirmed"), bool):
        raise ParameterError(f"{name}: needs source (text) and confirmed (true/false)")
    return table


def _number(table: Mapping[str, Any], key: str, name: str) -> float:
    value = table.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ParameterError(f"{name}.{key}: needs a number")
    return float(value)


def _speed_table(table: Mapping[str, Any], name: str) -> dict[int, Any]:
    raw = table.get("length_m")
    if not isinstance(raw, Mapping) or not raw:
        raise ParameterError(f"{name}.length_m: needs a table by speed")
    try:
        return {int(k): v for k, v in raw.items()}
    except ValueError as exc:
        raise ParameterError(f"{name}.length_m: keys must be speeds in km/h") from exc


def _at_or_above(speeds: dict[int, Any], speed: float, name: str) -> tuple[int, Any]:
    """The entry of the lowest tabulated speed >= ``speed`` (conservative for in-between
    speeds); ``WorkZoneInputError`` outside the table."""
    low, high = min(speeds), max(speeds)
    if not (low <= speed <= high):
        raise WorkZoneInputError(
            f"{name}: {speed:g} km/h is outside the table of JTG H30-2015 ({low}–{high} km/h)"
        )
    key = min(s for s in speeds if s >= speed)
    return key, speeds[key]


def _round_up(value: float, step: float) -> float:
    if step <= 0:
        return value
    return math.ceil(value / step - 1e-9) * step


# --- The layout ---


def buffer_length_m(
    speed_limit_kmh: float, downgrade_pct: float = 0.0, parameters: Mapping[str, Any] | None = None
) -> float:
    """Minimum longitudinal buffer length H (JTG H30-2015 Table 4.0.6)."""
    params = load_parameters(parameters)
    return _buffer(params, speed_limit_kmh, downgrade_pct)[0]


def _buffer(params: Mapping[str, Any], speed: float, downgrade_pct: float) -> tuple[float, int]:
    table = _table(params, "buffer")
    threshold = _number(table, "downgrade_threshold_pct", "buffer")
    key, pair = _at_or_above(_speed_table(table, "buffer"), speed, "work-zone speed limit")
    if not (isinstance(pair, list) and len(pair) == 2):
        raise ParameterError(f"buffer.length_m.{key}: needs [<= threshold, > threshold]")
    length = pair[1] if downgrade_pct > threshold else pair[0]
    return float(length), key


def _speed_steps(approach: int, final: int, max_step: int) -> list[int]:
    """Limits shown in turn from the approach speed down to ``final``: each the lowest round
    (multiple of 10) speed at most ``max_step`` below the previous one (100 → 60 gives 80, 60;
    95 → 60 gives 80, 60), the last one ``final``."""
    out: list[int] = []
    previous = approach
    while previous - final > max_step:
        value = int(math.ceil((previous - max_step) / 10.0 - 1e-9) * 10)
        if value >= previous:
            value = previous - max_step
        out.append(value)
        previous = value
    out.append(final)
    return out


def design_work_zone(
    *,
    speed_limit_kmh: float,
    downgrade_pct: float = 0.0,
    work_length_m: float,
    lane_width_m: float = 3.75,
    closed_lanes: int = 1,
    design_speed_kmh: float | None = None,
    parameters: Mapping[str, Any] | None = None,
    shoulder_only: bool = False,
    opposite_carriageway: bool = False,
) -> WorkZoneLayout:
    """Compute the zone sequence, signs and speed steps of a lane-closure work zone.

    ``speed_limit_kmh`` is the final (work-zone) limit; ``design_speed_kmh`` the approach
    speed (the road's normal limit or design speed; default: the work-zone limit, i.e. no
    speed transition). ``downgrade_pct`` is the downhill gradient towards the work area;
    exactly the threshold (3 %) counts as the lower band. ``shoulder_only``: only the hard
    shoulder is closed (a third of the upstream taper). ``opposite_carriageway``: traffic is
    moved to the other carriageway (work area up to 6 km instead of 4 km).
    """
    for name, value in (
        ("speed limit", speed_limit_kmh),
        ("downgrade", downgrade_pct),
        ("work length", work_length_m),
        ("lane width", lane_width_m),
    ):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise WorkZoneInputError(f"{name}: needs a number")
        if not math.isfinite(value):
            raise WorkZoneInputError(f"{name}: needs a finite number")
    if downgrade_pct < 0:
        raise WorkZoneInputError("downgrade: give the downhill gradient as a positive percent")
    if work_length_m <= 0:
        raise WorkZoneInputError("work length: must be positive")
    if not (2.0 <= lane_width_m <= 5.0):
        raise WorkZoneInputError("lane width: expected 2–5 m")
    if isinstance(closed_lanes, bool) or not isinstance(closed_lanes, int) or closed_lanes < 1:
        raise WorkZoneInputError("closed lanes: at least one")
    params = load_parameters(parameters)
    provenance: dict[str, Provenance] = {}

    def note(key: str, table_name: str, value: Any) -> None:
        table = _table(params, table_name)
        provenance[key] = Provenance(str(table["source"]), bool(table["confirmed"]), value)

    # Work area G.
    work = _table(params, "work")
    max_work = _number(
        work, "max_opposite_carriageway_m" if opposite_carriageway else "max_m", "work"
    )
    if work_length_m > max_work:
        raise WorkZoneInputError(
            f"work length: {work_length_m:g} m is longer than the {max_work:g} m JTG H30-2015 "
            "allows for one work area; split it into several work zones"
        )
    note("work.max_m", "work", max_work)

    # Buffer H (the checked table).
    buffer_m, buffer_key = _buffer(params, float(speed_limit_kmh), float(downgrade_pct))
    final = round(speed_limit_kmh)
    note(f"buffer.length_m.{buffer_key}", "buffer", buffer_m)

    # Speed transition.
    approach_raw = speed_limit_kmh if design_speed_kmh is None else design_speed_kmh
    if isinstance(approach_raw, bool) or not isinstance(approach_raw, int | float):
        raise WorkZoneInputError("normal speed: needs a number")
    if not math.isfinite(approach_raw) or approach_raw < speed_limit_kmh:
        raise WorkZoneInputError("normal speed: must not be below the work-zone speed limit")
    approach = round(approach_raw)
    steps_table = _table(params, "speed_steps")
    max_step = int(_number(steps_table, "max_step_kmh", "speed_steps"))
    spacing = _number(steps_table, "spacing_m", "speed_steps")
    if max_step <= 0 or spacing <= 0:
        raise ParameterError("speed_steps: step and spacing must be positive")
    step_speeds = _speed_steps(approach, final, max_step)
    note("speed_steps.max_step_kmh", "speed_steps", max_step)
    note("speed_steps.spacing_m", "speed_steps", spacing)

    # Warning zone S: by approach speed, long enough for the speed steps.
    warning_table = _table(params, "warning")
    warning_key, warning_value = _at_or_above(
        _speed_table(warning_table, "warning"), float(approach), "normal speed"
    )
    if isinstance(warning_value, bool) or not isinstance(warning_value, int | float):
        raise ParameterError(f"warning.length_m.{warning_key}: needs a number")
    warning_m = max(float(warning_value), len(step_speeds) * spacing)
    note(f"warning.length_m.{warning_key}", "warning", float(warning_value))

    # Upstream taper Ls by the closed width and the final limit.
    taper = _table(params, "upstream_taper")
    width = lane_width_m * closed_lanes
    threshold = _number(taper, "formula_threshold_kmh", "upstream_taper")
    if final >= threshold:
        taper_m = final * width / _number(taper, "high_speed_divisor", "upstream_taper")
    else:
        taper_m = final**2 * width / _number(taper, "low_speed_divisor", "upstream_taper")
    if shoulder_only:
        taper_m *= _number(taper, "shoulder_factor", "upstream_taper")
    taper_m = max(
        _round_up(taper_m, _number(taper, "round_up_m", "upstream_taper")),
        _number(taper, "min_m", "upstream_taper"),
    )
    note("upstream_taper.length_m", "upstream_taper", taper_m)

    downstream_m = _number(_table(params, "downstream_taper"), "min_m", "downstream_taper")
    note("downstream_taper.min_m", "downstream_taper", downstream_m)
    termination_m = _number(_table(params, "termination"), "min_m", "termination")
    note("termination.min_m", "termination", termination_m)

    lengths = {
        "warning": warning_m,
        "upstream_taper": taper_m,
        "buffer": buffer_m,
        "work": float(work_length_m),
        "downstream_taper": downstream_m,
        "termination": termination_m,
    }
    sources = {
        "warning": "warning",
        "upstream_taper": "upstream_taper",
        "buffer": "buffer",
        "work": "work",
        "downstream_taper": "downstream_taper",
        "termination": "termination",
    }
    zones: list[Zone] = []
    offset = 0.0
    for name in ZONE_ORDER:
        table = _table(params, sources[name])
        length = round(lengths[name], 3)
        zones.append(
            Zone(
                zone=name,
                name_zh=ZONE_NAMES_ZH[name],
                symbol=ZONE_SYMBOLS[name],
                length_m=length,
                start_offset_m=round(offset, 3),
                end_offset_m=round(offset + length, 3),
                source=str(table["source"]),
                # The work area's length is the user's; its limit is what is cited.
                confirmed=bool(table["confirmed"]),
            )
        )
        offset += length
    by_name = {z.zone: z for z in zones}

    # Speed steps: the last (final limit) one spacing before the taper, earlier ones every
    # spacing before it, all inside the warning zone.
    taper_start = by_name["upstream_taper"].start_offset_m
    steps = tuple(
        SpeedStep(speed_kmh=v, offset_m=round(taper_start - (len(step_speeds) - i) * spacing, 3))
        for i, v in enumerate(step_speeds)
    )

    signs_table = _table(params, "signs")
    signs_ok = bool(signs_table["confirmed"])
    lane_reduction_before = _number(signs_table, "lane_reduction_before_taper_m", "signs")
    note("signs.lane_reduction_before_taper_m", "signs", lane_reduction_before)

    def sign(
        kind: str, at: float, zone: str, speed: int | None = None, ok: bool = signs_ok
    ) -> Sign:
        zh, en = SIGN_NAMES[kind]
        return Sign(kind, zh, en, round(at, 3), zone, speed, ok)

    signs = [sign("road_work", 0.0, "warning")]
    signs += [
        sign("speed_limit", s.offset_m, "warning", s.speed_kmh, bool(steps_table["confirmed"]))
        for s in steps
    ]
    signs.append(sign("lane_reduction", max(0.0, taper_start - lane_reduction_before), "warning"))
    signs.sort(key=lambda s: s.offset_m)
    signs.append(sign("direction", taper_start, "upstream_taper"))
    signs.append(sign("cones_start", taper_start, "upstream_taper"))
    signs.append(sign("cones_end", by_name["downstream_taper"].end_offset_m, "downstream_taper"))
    signs.append(sign("end_speed_limit", by_name["termination"].end_offset_m, "termination"))

    return WorkZoneLayout(
        zones=tuple(zones),
        signs=tuple(signs),
        speed_steps=steps,
        speed_limit_kmh=final,
        approach_speed_kmh=approach,
        downgrade_pct=float(downgrade_pct),
        standard=f"{params.get('code', 'JTG H30-2015')} {params.get('title', '')}".strip(),
        provenance=provenance,
    )
