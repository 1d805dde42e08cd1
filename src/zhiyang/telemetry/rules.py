"""Live rules: one device's readings against the project's thresholds (JTG F40-2004).

Pure: no Django. The thresholds come from ``analytics.specs`` (the acceptance ranges per mix
context) and the project's paving setup, built once per setup by :func:`build_config`. The
:class:`RuleEngine` keeps, per device and rule, whether the condition holds and since when
(reading time), and a short track of each project's paver; it turns readings into alarm
events (raise, update, resolve) after the debounce.

Rule codes (:data:`RULES`):

- ``paving_temp``: mat temperature behind the screed (mean and minimum of ``mat_temp_c``) and
  ``screed_temp_c`` ≥ the paving minimum (``mix_temp_paving_c``) and ≤ the discard limit;
- ``arrival_temp``: a truck's ``mix_temp_c`` ≥ the arrival minimum (``mix_temp_arrival_c``);
- ``rolling_start_temp``: the initial roller's surface temperature ≥ the start-of-rolling
  minimum (``rolling_start_temp_c``; the standard means the internal temperature: the
  surface reading is a conservative proxy);
- ``rolling_end_temp``: the final roller's surface temperature ≥ the end-of-rolling minimum
  for its roller type (``rolling_end_temp_c``);
- ``paver_speed``: a moving paver's speed within 2–6 m/min (1–3 for modified or SMA);
- ``paver_stop``: the paver standing (speed 0) longer than the project's stop limit;
- ``roller_speed``: a roller's speed ≤ the maximum for its type and rolling phase;
- ``roller_gap_distance``: the initial roller no further than the limit from the paver's
  latest position (same project);
- ``roller_gap_time``: the time since the paver was where the initial roller is now;
- ``spray_rate``: a sprayer's rate within the range for the product and surface;
- ``thickness``: the paver's thickness within design ± tolerance.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from zhiyang.analytics import specs

RULES: tuple[str, ...] = (
    "paving_temp",
    "arrival_temp",
    "rolling_start_temp",
    "rolling_end_temp",
    "paver_speed",
    "paver_stop",
    "roller_speed",
    "roller_gap_distance",
    "roller_gap_time",
    "spray_rate",
    "thickness",
)

#: Rule code → the specs measurement code its threshold comes from (None: the setup's own).
SPEC_CODES: dict[str, str | None] = {
    "paving_temp": "mix_temp_paving_c",
    "arrival_temp": "mix_temp_arrival_c",
    "rolling_start_temp": "rolling_start_temp_c",
    "rolling_end_temp": "rolling_end_temp_c",
    "paver_speed": "paver_speed_m_per_min",
    "paver_stop": None,
    "roller_speed": "roller_speed_kmh",
    "roller_gap_distance": None,
    "roller_gap_time": None,
    "spray_rate": "spray_rate_l_per_m2",
    "thickness": "thickness_mm",
}

#: Roles told about an alarm of each rule; a critical alarm also goes to the manager.
NOTIFY: dict[str, tuple[str, ...]] = {
    "paving_temp": ("qc_inspector", "engineer"),
    "arrival_temp": ("qc_inspector", "engineer"),
    "rolling_start_temp": ("qc_inspector", "engineer"),
    "rolling_end_temp": ("qc_inspector", "engineer"),
    "thickness": ("qc_inspector", "engineer"),
    "spray_rate": ("qc_inspector", "engineer"),
    "paver_speed": ("engineer",),
    "paver_stop": ("engineer", "manager"),
    "roller_speed": ("engineer",),
    "roller_gap_distance": ("engineer",),
    "roller_gap_time": ("engineer",),
}

ROLLER_TYPES: dict[str, str] = {
    "steel_drum_roller": "steel",
    "pneumatic_roller": "pneumatic",
    "vibratory_roller": "vibratory",
}
PHASES = specs.ROLLING_PHASES
STOPPED_M_PER_MIN = 0.05
#: Paver track: points at least this far apart are kept, this many per project.
TRACK_STEP_M = 1.0
TRACK_POINTS = 600
#: A roller further than this from the whole paver track is not on the paver's mat.
TRACK_NEAR_M = 15.0


def notified_roles(rule: str, severity: str) -> list[str]:
    roles = list(NOTIFY.get(rule, ("engineer",)))
    if severity == "critical" and "manager" not in roles:
        roles.append("manager")
    return roles


@dataclass(frozen=True)
class Limit:
    """An inclusive range (either end may be None) and where it comes from."""

    min: float | None
    max: float | None
    unit: str
    source: str = ""

    def breach(self, value: float) -> float | None:
        """The limit broken by ``value`` (the min or the max), or None when within."""
        if self.min is not None and value < self.min:
            return self.min
        if self.max is not None and value > self.max:
            return self.max
        return None


@dataclass(frozen=True)
class RuleConfig:
    """Thresholds and parameters of one project (or the defaults without a setup)."""

    limits: Mapping[str, Limit]  # rule → limit, for the rules with one limit
    rolling_end: Mapping[str, Limit]  # roller type → limit
    roller_speed: Mapping[tuple[str, str], Limit]  # (roller type, phase) → limit
    roller_phases: Mapping[int, str] = field(default_factory=dict)  # equipment id → phase
    max_gap_m: float = 60.0
    max_gap_s: float = 300.0
    paver_stop_s: float = 120.0
    debounce_s: float = 10.0


def _limit(rng: specs.AcceptanceRange) -> Limit:
    return Limit(rng.min_value, rng.max_value, rng.unit, rng.source)


def _override(limit: Limit, over: Any) -> Limit:
    if not isinstance(over, Mapping):
        return limit
    lo = over.get("min", limit.min)
    hi = over.get("max", limit.max)
    return Limit(
        None if lo is None else float(lo), None if hi is None else float(hi), limit.unit, "override"
    )


def validate_overrides(value: Any) -> str:
    """'' if ``value`` is a valid overrides mapping, else what is wrong (English)."""
    if not isinstance(value, Mapping):
        return "Overrides must be an object of rule codes."
    for rule, over in value.items():
        if rule not in RULES:
            return f"{rule}: not a rule code ({', '.join(RULES)})."
        if not isinstance(over, Mapping) or not set(over) <= {"min", "max"}:
            return f"{rule}: give min and/or max."
        for key, number in over.items():
            if number is not None and (
                isinstance(number, bool)
                or not isinstance(number, int | float)
                or not math.isfinite(number)
            ):
                return f"{rule}.{key}: needs a number."
        lo, hi = over.get("min"), over.get("max")
        if lo is not None and hi is not None and lo > hi:
            return f"{rule}: min exceeds max."
    return ""


def validate_roller_phases(value: Any) -> str:
    """'' if ``value`` maps machine ids to rolling phases, else what is wrong."""
    if not isinstance(value, Mapping):
        return "Roller roles must be an object of machine id → phase."
    for key, phase in value.items():
        if not str(key).isdigit():
            return f"{key}: not a machine id."
        if phase not in PHASES:
            return f"{key}: phase must be one of {', '.join(PHASES)}."
    return ""


def build_config(
    *,
    binder_grade: str = "70",
    season: str = "normal",
    mix_type: str = "dense",
    design_thickness_mm: float | None = None,
    tolerance_mm: float | None = None,
    spray_base: str = "",
    spray_product: str = "emulsion",
    roller_phases: Mapping[Any, str] | None = None,
    max_gap_m: float = 60.0,
    max_gap_s: float = 300.0,
    paver_stop_s: float = 120.0,
    debounce_s: float = 10.0,
    overrides: Mapping[str, Any] | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> RuleConfig:
    """The thresholds of a paving setup, from ``analytics.specs`` plus the overrides."""
    params = parameters if parameters is not None else specs.load_parameters()
    ctx = specs.MixContext(
        binder_grade=binder_grade,
        season=season,
        mix_type=mix_type,
        base_type=spray_base,
        product=spray_product,
        design_thickness_mm=design_thickness_mm,
        thickness_tolerance_minus_mm=tolerance_mm,
        thickness_tolerance_plus_mm=tolerance_mm,
    )
    over = overrides or {}
    limits: dict[str, Limit] = {}
    for rule in ("paving_temp", "arrival_temp", "rolling_start_temp", "paver_speed"):
        code = SPEC_CODES[rule]
        assert code is not None
        limits[rule] = _override(_limit(specs.acceptance_range(code, ctx, params)), over.get(rule))
    if spray_base:
        try:
            rng = specs.acceptance_range("spray_rate_l_per_m2", ctx, params)
            limits["spray_rate"] = _override(_limit(rng), over.get("spray_rate"))
        except specs.SpecError:
            pass
    if design_thickness_mm:
        rng = specs.acceptance_range("thickness_mm", ctx, params)
        limits["thickness"] = _override(_limit(rng), over.get("thickness"))
    elif "thickness" in over:
        limits["thickness"] = _override(Limit(None, None, "mm"), over["thickness"])
    rolling_end: dict[str, Limit] = {}
    speed: dict[tuple[str, str], Limit] = {}
    for roller in specs.ROLLER_TYPES:
        rctx = specs.MixContext(**{**ctx.to_dict(), "roller": roller})
        rolling_end[roller] = _override(
            _limit(specs.acceptance_range("rolling_end_temp_c", rctx, params)),
            over.get("rolling_end_temp"),
        )
        for phase in PHASES:
            pctx = specs.MixContext(**{**rctx.to_dict(), "rolling_phase": phase})
            speed[(roller, phase)] = _override(
                _limit(specs.acceptance_range("roller_speed_kmh", pctx, params)),
                over.get("roller_speed"),
            )
    for rule, unit, default in (
        ("paver_stop", "s", paver_stop_s),
        ("roller_gap_distance", "m", max_gap_m),
        ("roller_gap_time", "s", max_gap_s),
    ):
        limits[rule] = _override(Limit(None, float(default), unit, "project"), over.get(rule))
    return RuleConfig(
        limits=limits,
        rolling_end=rolling_end,
        roller_speed=speed,
        roller_phases={int(k): str(v) for k, v in (roller_phases or {}).items()},
        max_gap_m=float(max_gap_m),
        max_gap_s=float(max_gap_s),
        paver_stop_s=float(paver_stop_s),
        debounce_s=float(debounce_s),
    )


@dataclass(frozen=True)
class Sample:
    """One reading as the rules see it."""

    device_id: int
    equipment_id: int
    machine_type: str  # schema machine type: paver, roller, sprayer, milling, truck
    equipment_type: str  # fleet equipment type (roller type)
    project_id: int | None
    time_ms: int
    lat: float
    lon: float
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Check:
    """One rule's verdict on one reading: breached or not, the value and the limit."""

    rule: str
    breached: bool
    value: float
    limit: float | None
    unit: str
    severity: str = "warning"
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Event:
    """What the engine decided: ``raise`` a new alarm, ``update`` the active one (value,
    severity, last seen) or ``resolve`` it (the condition cleared for the debounce)."""

    kind: str
    device_id: int
    equipment_id: int
    project_id: int | None
    rule: str
    time_ms: int
    started_ms: int
    value: float
    limit: float | None
    unit: str
    severity: str
    params: Mapping[str, Any] = field(default_factory=dict)


def _severity(value: float, limit: float, critical_fraction: float) -> str:
    """Critical when the value misses the limit by more than the fraction of the limit."""
    if limit and abs(value - limit) > abs(limit) * critical_fraction:
        return "critical"
    return "warning"


def _temp_check(rule: str, value: float, lim: Limit, **params: Any) -> Check:
    broken = lim.breach(value)
    if broken is None:
        return Check(rule, False, value, lim.min if lim.min is not None else lim.max, lim.unit)
    # 10 °C or more below the minimum (or above the discard limit) is critical.
    severity = "critical" if abs(value - broken) >= 10.0 else "warning"
    return Check(rule, True, value, broken, lim.unit, severity, params)


def _range_check(rule: str, value: float, lim: Limit, fraction: float = 0.25) -> Check:
    broken = lim.breach(value)
    if broken is None:
        return Check(rule, False, value, lim.max if lim.max is not None else lim.min, lim.unit)
    return Check(rule, True, value, broken, lim.unit, _severity(value, broken, fraction))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance in metres (exact enough over a work zone)."""
    k = 111_195.0
    x = (lon2 - lon1) * k * math.cos(math.radians((lat1 + lat2) / 2.0))
    y = (lat2 - lat1) * k
    return math.hypot(x, y)


@dataclass
class _State:
    breach_since: int | None = None
    clear_since: int | None = None
    active: bool = False
    started_ms: int = 0


class RuleEngine:
    """Rule state of the devices seen by this process (in memory; see docs/live.md)."""

    def __init__(self) -> None:
        self.states: dict[tuple[int, str], _State] = {}
        self.stopped_since: dict[int, int] = {}
        self.tracks: dict[int, deque[tuple[int, float, float]]] = {}

    # ------------------------------------------------------------- state sync

    def set_active(self, device_id: int, rule: str, active: bool, started_ms: int = 0) -> None:
        """Align with the database: an alarm raised elsewhere, or resolved by a person."""
        state = self.states.setdefault((device_id, rule), _State())
        if state.active == active:
            return
        state.active = active
        state.started_ms = started_ms
        state.clear_since = None
        if not active:
            state.breach_since = None

    def is_active(self, device_id: int, rule: str) -> bool:
        state = self.states.get((device_id, rule))
        return bool(state and state.active)

    # ------------------------------------------------------------- checks

    def checks(self, sample: Sample, config: RuleConfig) -> list[Check]:
        """The verdicts of every rule that applies to ``sample``."""
        kind = sample.machine_type
        v = sample.values
        limits = config.limits
        out: list[Check] = []
        if kind == "paver":
            out.extend(self._paver(sample, config))
        elif kind == "roller":
            roller = ROLLER_TYPES.get(sample.equipment_type, "steel")
            phase = config.roller_phases.get(sample.equipment_id)
            speed = v.get("speed_kmh")
            if speed is not None:
                lim = config.roller_speed[(roller, phase or "intermediate")]
                out.append(_range_check("roller_speed", float(speed), lim))
            temp = v.get("surface_temp_c")
            if temp is not None and phase == "initial":
                out.append(
                    _temp_check("rolling_start_temp", float(temp), limits["rolling_start_temp"])
                )
            if temp is not None and phase == "final":
                out.append(_temp_check("rolling_end_temp", float(temp), config.rolling_end[roller]))
            if phase == "initial" and sample.project_id is not None:
                out.extend(self._gap(sample, config))
        elif kind == "truck":
            temp = v.get("mix_temp_c")
            if temp is not None:
                out.append(_temp_check("arrival_temp", float(temp), limits["arrival_temp"]))
        elif kind == "sprayer":
            rate = v.get("rate_l_per_m2")
            spray = limits.get("spray_rate")
            if rate is not None and spray is not None and float(rate) > 0:
                out.append(_range_check("spray_rate", float(rate), spray, 0.2))
        return out

    def _paver(self, sample: Sample, config: RuleConfig) -> list[Check]:
        v = sample.values
        limits = config.limits
        out: list[Check] = []
        mats = v.get("mat_temp_c")
        paving = limits["paving_temp"]
        if mats:
            mean = sum(mats) / len(mats)
            low = min(mats)
            # The mean must reach the minimum; so must the coldest point (segregation).
            check = _temp_check("paving_temp", mean, paving, measure="mean")
            if not check.breached:
                check = _temp_check("paving_temp", low, paving, measure="min")
            out.append(check)
        elif v.get("screed_temp_c") is not None:
            out.append(
                _temp_check("paving_temp", float(v["screed_temp_c"]), paving, measure="screed")
            )
        speed = v.get("speed_m_per_min")
        if speed is not None:
            speed = float(speed)
            stop_lim = limits["paver_stop"]
            if speed <= STOPPED_M_PER_MIN:
                since = self.stopped_since.setdefault(sample.device_id, sample.time_ms)
                stood = (sample.time_ms - since) / 1000.0
                top = stop_lim.max if stop_lim.max is not None else config.paver_stop_s
                breached = stood > top
                severity = "critical" if stood > 3 * top else "warning"
                out.append(Check("paver_stop", breached, stood, top, "s", severity))
            else:
                self.stopped_since.pop(sample.device_id, None)
                out.append(Check("paver_stop", False, 0.0, stop_lim.max, "s"))
                out.append(_range_check("paver_speed", speed, limits["paver_speed"]))
        thickness = v.get("thickness_mm")
        lim = limits.get("thickness")
        if thickness is not None and lim is not None:
            out.append(_range_check("thickness", float(thickness), lim, 0.15))
        if sample.project_id is not None:
            track = self.tracks.setdefault(sample.project_id, deque(maxlen=TRACK_POINTS))
            if (
                not track
                or distance_m(track[-1][1], track[-1][2], sample.lat, sample.lon) >= TRACK_STEP_M
            ):
                track.append((sample.time_ms, sample.lat, sample.lon))
            elif sample.time_ms > track[-1][0]:
                # Standing still: the paver is still here now (keep the latest time).
                track[-1] = (sample.time_ms, track[-1][1], track[-1][2])
        return out

    def _gap(self, sample: Sample, config: RuleConfig) -> list[Check]:
        track = self.tracks.get(sample.project_id or 0)
        if not track:
            return []
        out: list[Check] = []
        _t, plat, plon = track[-1]
        gap = distance_m(sample.lat, sample.lon, plat, plon)
        dist_lim = config.limits["roller_gap_distance"]
        out.append(_range_check("roller_gap_distance", round(gap, 1), dist_lim, 0.5))
        best_d = math.inf
        best_t = 0
        for t, lat, lon in track:
            d = distance_m(sample.lat, sample.lon, lat, lon)
            if d < best_d:
                best_d, best_t = d, t
        if best_d <= TRACK_NEAR_M:
            lag = max(0.0, (sample.time_ms - best_t) / 1000.0)
            out.append(
                _range_check(
                    "roller_gap_time", round(lag, 1), config.limits["roller_gap_time"], 0.5
                )
            )
        return out

    # ------------------------------------------------------------- debounce

    def evaluate(self, sample: Sample, config: RuleConfig) -> list[Event]:
        """Events for one reading (readings of a device must come in time order)."""
        return self.debounce(sample, config, self.checks(sample, config))

    def debounce(self, sample: Sample, config: RuleConfig, checks: Iterable[Check]) -> list[Event]:
        events: list[Event] = []
        hold_ms = config.debounce_s * 1000.0
        t = sample.time_ms
        for check in checks:
            key = (sample.device_id, check.rule)
            state = self.states.get(key)
            if state is None:
                if not check.breached:
                    continue
                state = self.states[key] = _State()
            kind = ""
            if check.breached:
                state.clear_since = None
                if state.breach_since is None:
                    state.breach_since = t
                if state.active:
                    kind = "update"
                elif t - state.breach_since >= hold_ms:
                    state.active = True
                    state.started_ms = state.breach_since
                    kind = "raise"
            else:
                state.breach_since = None
                if state.active:
                    if state.clear_since is None:
                        state.clear_since = t
                    if t - state.clear_since >= hold_ms:
                        state.active = False
                        state.clear_since = None
                        kind = "resolve"
            if kind:
                events.append(
                    Event(
                        kind=kind,
                        device_id=sample.device_id,
                        equipment_id=sample.equipment_id,
                        project_id=sample.project_id,
                        rule=check.rule,
                        time_ms=t,
                        started_ms=state.started_ms,
                        value=check.value,
                        limit=check.limit,
                        unit=check.unit,
                        severity=check.severity,
                        params=dict(check.params),
                    )
                )
        return events
