"""A simulated paving shift: schema v1 readings of a paving train along a stretch of road.

The train (JTG F40-2004, STANDARDS.md §3):

- a **sprayer** (asphalt distributor) laying tack coat (粘层油) ahead of the paver at about
  0.4 L/m², in runs of ``spray_run_m`` started when the paver comes near the sprayed end;
- the **paver** at about 3 m/min (2.5 m/min for SBS-modified mixes), reporting screed
  temperature, the mat temperature profile across the width right behind the screed
  (``profile_points`` values over ``mat_width_m``, edges slightly cooler, sensor noise, a
  dip when trucks change), thickness about the design thickness;
- a **truck** (the one carrying a device) arriving every load with its mix temperature,
  unloading into the hopper while pushed by the paver, leaving for the plant;
- three **rollers**: initial (steel, vibrating, close behind the paver), intermediate
  (pneumatic) and final (steel, static), each rolling zones of the mat lane by lane, back
  and forth, at the JTG F40 speeds of its role; a roller starts a zone when the paver (or
  the roller before it) has left it. Each reports speed, heading, direction, drum width,
  vibration, frequency and amplitude, the surface temperature under the drum (the mat cools
  exponentially with time since it was laid) and, when vibrating, an ICMV that rises with
  the passes.

Faults, each switchable (:data:`FAULTS`): ``cold_mix`` (one truck load and the mat laid from
it below the paving minimum for some minutes), ``paver_stop`` (speed 0 for
``paver_stop_s``), ``roller_gap`` (the initial roller leaves the paver to roll far behind,
beyond ``roller_gap_limit_m``), ``missed_coverage`` (the final roller skips one lane of its
pattern in the middle part of the shift). :class:`FaultPlan` says exactly where and when.

Pure: no Django import. Positions come from the network app's Django-free linear
referencing (pyproj). Deterministic: the same :class:`ShiftConfig` (with its ``seed``) gives
the same readings. Everything is computed vectorised per machine up front (a 20-minute
shift of six machines at 1 Hz takes some tens of milliseconds); :meth:`Shift.readings`
yields them in time order, each with its offset in seconds from the shift start so a
caller can pace them (``speed``) or send them all at once.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from zhiyang.analytics import specs
from zhiyang.network.linref import project_line, transformers

FAULTS: tuple[str, ...] = ("cold_mix", "paver_stop", "roller_gap", "missed_coverage")

#: Minimum paving temperature (°C, normal ambient) by binder code, read from the JTG F40-2004
#: data (analytics/standards) like the live rules: the faults are planted against the same
#: limits the rules check.
PAVING_MIN_C: dict[str, float] = {
    grade: float(
        specs.acceptance_range(
            "mix_temp_paving_c", {"binder_grade": grade, "season": "normal"}
        ).min_value
        or 0.0
    )
    for grade in specs.BINDER_GRADES
}


def binder_code(binder: str) -> str:
    """``"70#"``, ``"70"`` → ``"70"``; ``"SBS"`` → ``"sbs"`` (the codes of analytics.specs)."""
    return binder.strip().rstrip("#").lower()


ROLES: tuple[str, ...] = ("sprayer", "paver", "truck", "initial", "intermediate", "final")
ROLLER_ROLES: tuple[str, ...] = ("initial", "intermediate", "final")

#: Default drum widths (m) by roller role: HAMM HD 128, XP303 pneumatic, XD133.
DRUM_WIDTH_M = {"initial": 2.14, "intermediate": 2.75, "final": 2.13}
#: How far behind the paver's start each roller takes the shift over (at most ``lead_m``).
ROLE_LEAD_M = {"initial": 6.0, "intermediate": 18.0, "final": 30.0}


@dataclass(frozen=True)
class Machine:
    """One device of the train: its code, schema (machine type) and role in the train."""

    device: str
    machine_type: str  # paver, roller, sprayer, truck
    role: str  # one of ROLES
    width_m: float = 0.0  # drum width for rollers (0 = the role's default)


@dataclass(frozen=True)
class RollerPattern:
    """How a roller role works: speed (km/h), passes per lane, vibration, zone lengths."""

    speed_kmh: float
    passes: int
    vibration: bool
    frequency_hz: float
    amplitude_mm: float
    min_zone_m: float
    max_zone_m: float
    follow_gap_m: float  # distance kept behind the paver / the roller before


#: JTG F40-2004 rolling speeds: steel initial 2-3 km/h, pneumatic intermediate 3-5 km/h,
#: steel final 3-6 km/h. Thin lifts are vibrated at high frequency and low amplitude.
PATTERNS: dict[str, RollerPattern] = {
    "initial": RollerPattern(2.5, 2, True, 50.0, 0.35, 4.0, 8.0, 1.5),
    "intermediate": RollerPattern(4.0, 4, False, 0.0, 0.0, 10.0, 35.0, 4.0),
    "final": RollerPattern(4.5, 2, False, 0.0, 0.0, 10.0, 40.0, 4.0),
}


def default_machines() -> tuple[Machine, ...]:
    """The demo train on G109 (fleet demo codes, devices named after their machines)."""
    return (
        Machine("SIM-AD-01", "sprayer", "sprayer"),
        Machine("SIM-PV-01", "paver", "paver"),
        Machine("SIM-TR-01", "truck", "truck"),
        Machine("SIM-SR-01", "roller", "initial", 2.14),
        Machine("SIM-PR-01", "roller", "intermediate", 2.75),
        Machine("SIM-SR-02", "roller", "final", 2.13),
    )


@dataclass(frozen=True)
class ShiftConfig:
    """Everything a shift depends on. ``coords`` is the route's centre line (lon, lat) from
    ``route_start_m`` to ``route_end_m``; the paver starts at ``from_m`` towards ``to_m``.
    The mat lies right of the centre line from ``mat_offset_m`` over ``mat_width_m``."""

    coords: Sequence[Sequence[float]]
    route_start_m: float
    route_end_m: float
    from_m: float
    to_m: float
    start: datetime
    duration_s: float = 3600.0
    rate_hz: float = 1.0
    machines: tuple[Machine, ...] = field(default_factory=default_machines)
    binder: str = "70"
    mat_width_m: float = 7.5
    mat_offset_m: float = 0.0
    design_thickness_mm: float = 40.0
    paver_speed_m_per_min: float | None = None  # None: 2.5 for SBS, else 3.0
    profile_points: int = 24
    ambient_c: float = 15.0
    faults: frozenset[str] = frozenset()
    seed: int = 0
    roller_gap_limit_m: float = 60.0
    paver_stop_s: float | None = None  # None: min(300 s, 15 % of the shift)
    cold_mix_s: float | None = None  # None: min(360 s, 15 % of the shift)
    load_t: float = 30.0
    spray_run_m: float = 150.0
    seq_start: Mapping[str, int] = field(default_factory=dict)
    #: Mat already laid behind the paver at the start (the shift is joined mid-way), so the
    #: rollers have work from the first minute.
    lead_m: float = 30.0
    #: Horizontal GNSS noise (standard deviation per axis, m) on every position: RTK on the
    #: machines is 1-3 cm.
    gnss_noise_m: float = 0.015

    def __post_init__(self) -> None:
        unknown = set(self.faults) - set(FAULTS)
        if unknown:
            raise ValueError(f"unknown faults: {', '.join(sorted(unknown))}")
        if binder_code(self.binder) not in PAVING_MIN_C:
            raise ValueError(f"unknown binder {self.binder!r}")
        if self.duration_s <= 0 or self.rate_hz <= 0:
            raise ValueError("duration and rate must be positive")
        if self.to_m <= self.from_m:
            raise ValueError("the stretch must run towards increasing chainage")
        if self.start.tzinfo is None:
            raise ValueError("start needs a time zone")
        if not 2 <= self.profile_points <= 256:
            raise ValueError("profile_points must be 2 to 256")

    @property
    def paving_min_c(self) -> float:
        return PAVING_MIN_C[binder_code(self.binder)]

    @property
    def paver_speed(self) -> float:
        """Nominal paver speed in m/min."""
        if self.paver_speed_m_per_min is not None:
            return self.paver_speed_m_per_min
        return 2.5 if binder_code(self.binder) == "sbs" else 3.0


@dataclass(frozen=True)
class FaultPlan:
    """Where and when the switched-on faults happen (seconds from the shift start)."""

    cold_mix: tuple[float, float] | None = None
    paver_stop: tuple[float, float] | None = None
    roller_gap: tuple[float, float] | None = None
    #: (from chainage, to chainage, lane left offset, lane right offset) the final roller
    #: skipped, offsets from the centre line.
    missed_coverage: tuple[tuple[float, float, float, float], ...] = ()


@dataclass(frozen=True)
class Sample:
    """One reading: seconds from the shift start, the machine type and the message."""

    offset_s: float
    machine_type: str
    message: dict[str, Any]


@dataclass
class _Segment:
    t0: float
    t1: float
    c0: float
    c1: float
    o0: float
    o1: float
    direction: str  # forward, reverse, stopped
    pass_no: int = 0  # the pass on this lane of this zone (1-based); 0 = not a rolling pass
    vibrating: bool = False


class Shift:
    """A simulated shift: ``readings()`` in time order, ``plan`` of the faults."""

    def __init__(self, config: ShiftConfig) -> None:
        self.config = config
        self.times = np.arange(0.0, config.duration_s, 1.0 / config.rate_hz)
        self._rng = np.random.default_rng(config.seed)
        self._line = project_line(config.coords)
        self.plan = self._plan()
        self._paver_c = self._paver_track()
        self._messages: dict[str, list[dict[str, Any]]] = {}
        self.roller_segments: dict[str, list[_Segment]] = {}
        for machine in config.machines:
            self._messages[machine.device] = self._machine(machine)

    # --- public ---------------------------------------------------------------------------

    @property
    def count(self) -> int:
        return sum(len(m) for m in self._messages.values())

    def readings(self) -> Iterator[Sample]:
        """Every reading, in time order (machines in train order within one tick)."""
        order = [(m, self._messages[m.device]) for m in self.config.machines]
        for i, offset in enumerate(self.times):
            for machine, messages in order:
                yield Sample(float(offset), machine.machine_type, messages[i])

    def messages(self, device: str) -> list[dict[str, Any]]:
        return self._messages[device]

    def paver_chainage(self, offset_s: float | np.ndarray) -> Any:
        """The paver's chainage at ``offset_s`` seconds from the start."""
        return np.interp(offset_s, self.times, self._paver_c)

    def paved_at(self, chainage_m: float | np.ndarray) -> Any:
        """When the mat at ``chainage_m`` was laid (seconds; before the start: negative)."""
        c = np.asarray(chainage_m, dtype=float)
        v = self.config.paver_speed / 60.0
        inside = np.interp(c, self._paver_unique_c, self._paver_unique_t)
        before = (c - self.config.from_m) / v
        return np.where(c < self.config.from_m, before, inside)

    # --- plan -----------------------------------------------------------------------------

    def _window(self, name: str, at: float, length: float) -> tuple[float, float] | None:
        if name not in self.config.faults:
            return None
        duration = self.config.duration_s
        return (round(at * duration), round(at * duration) + round(length))

    def _plan(self) -> FaultPlan:
        c = self.config
        d = c.duration_s
        stop = c.paver_stop_s if c.paver_stop_s is not None else min(300.0, 0.15 * d)
        cold = c.cold_mix_s if c.cold_mix_s is not None else min(360.0, 0.15 * d)
        gap = min(360.0, 0.15 * d)
        return FaultPlan(
            cold_mix=self._window("cold_mix", 0.25, cold),
            paver_stop=self._window("paver_stop", 0.5, stop),
            roller_gap=self._window("roller_gap", 0.7, gap),
        )

    def _in(self, window: tuple[float, float] | None, t: np.ndarray) -> np.ndarray:
        if window is None:
            return np.zeros_like(t, dtype=bool)
        return (t >= window[0]) & (t < window[1])

    # --- geometry -------------------------------------------------------------------------

    def xy(self, chainage: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Noise-free projected positions (the route line's UTM CRS, ``self.epsg``) at
        chainages and signed offsets (+ right), and the unit direction of the route there."""
        c = self.config
        line = self._line
        chainage = np.asarray(chainage, dtype=float)
        offset = np.asarray(offset, dtype=float)
        along = (chainage - c.route_start_m) / (c.route_end_m - c.route_start_m) * line.length
        along = np.clip(along, 0.0, line.length)
        cum = line.cumulative
        index = np.clip(np.searchsorted(cum, along, side="right") - 1, 0, len(cum) - 2)
        seg = cum[index + 1] - cum[index]
        safe = np.where(seg > 0, seg, 1.0)
        t = np.where(seg > 0, (along - cum[index]) / safe, 0.0)
        a = line.xy[index]
        b = line.xy[index + 1]
        points = a + (b - a) * t[:, None]
        direction = (b - a) / safe[:, None]
        x = points[:, 0] + direction[:, 1] * offset
        y = points[:, 1] - direction[:, 0] * offset
        return np.column_stack([x, y]), direction

    @property
    def epsg(self) -> int:
        return int(self._line.epsg)

    @property
    def metres_per_chainage_m(self) -> float:
        """Ground metres per metre of chainage (the route's chainage is stretched onto its
        line)."""
        c = self.config
        return float(self._line.length) / (c.route_end_m - c.route_start_m)

    def _positions(
        self, chainage: np.ndarray, offset: np.ndarray, noise_m: float | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(lon, lat, heading in degrees) at chainages and signed offsets (+ right), with the
        GNSS noise of the config (``noise_m`` overrides it)."""
        noise = self.config.gnss_noise_m if noise_m is None else noise_m
        points, direction = self.xy(chainage, offset)
        dx, dy = direction[:, 0], direction[:, 1]
        jitter = self._rng.normal(0.0, noise, (len(chainage), 2))
        x = points[:, 0] + jitter[:, 0]
        y = points[:, 1] + jitter[:, 1]
        _forward, inverse = transformers(self._line.epsg)
        lon, lat = inverse.transform(x, y)
        heading = np.degrees(np.arctan2(dx, dy)) % 360.0
        return np.asarray(lon), np.asarray(lat), heading

    # --- paver and mat --------------------------------------------------------------------

    def _paver_track(self) -> np.ndarray:
        c = self.config
        dt = 1.0 / c.rate_hz
        t = self.times
        base = c.paver_speed / 60.0
        phase = self._rng.uniform(0, 2 * math.pi)
        speed = base * (1.0 + 0.04 * np.sin(2 * math.pi * t / 240.0 + phase))
        speed = speed * (1.0 + self._rng.normal(0.0, 0.01, len(t)))
        speed[self._in(self.plan.paver_stop, t)] = 0.0
        chainage = c.from_m + np.concatenate([[0.0], np.cumsum(speed[:-1] * dt)])
        chainage = np.minimum(chainage, c.to_m)
        speed[chainage >= c.to_m] = 0.0
        self._paver_speed = speed  # m/s
        # For "when was this chainage paved": the first time the paver reached it.
        unique_c, first = np.unique(chainage, return_index=True)
        self._paver_unique_c = unique_c if len(unique_c) > 1 else np.array([c.from_m, c.to_m])
        self._paver_unique_t = t[first] if len(unique_c) > 1 else np.array([0.0, 1e9])
        return chainage

    def lay_temperature(self, paved_s: np.ndarray) -> np.ndarray:
        """Mat temperature right behind the screed (centre) for mat laid at ``paved_s``."""
        c = self.config
        normal = c.paving_min_c + 15.0
        cold = c.paving_min_c - 12.0
        return np.where(self._in(self.plan.cold_mix, paved_s), cold, normal)

    def mat_temperature(self, chainage: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Mat surface temperature at ``chainage`` at time ``t`` (exponential cooling)."""
        c = self.config
        paved = self.paved_at(chainage)
        age = np.clip(t - paved, 0.0, None)
        tau = 60.0 * c.design_thickness_mm  # 40 mm: a time constant of 40 minutes
        lay = self.lay_temperature(paved)
        return c.ambient_c + (lay - c.ambient_c) * np.exp(-age / tau)

    def _truck_cycle(self) -> tuple[float, float]:
        """(first arrival, period) of the truck at the paver, seconds."""
        c = self.config
        rate_t_per_s = c.mat_width_m * c.design_thickness_mm / 1000 * 2.4 * c.paver_speed / 60
        period = c.load_t / rate_t_per_s
        anchor = self.plan.cold_mix[0] if self.plan.cold_mix else 30.0
        first = anchor - math.ceil(anchor / period) * period
        return first, period

    def _paver(self, machine: Machine) -> list[dict[str, Any]]:
        c = self.config
        t = self.times
        n = len(t)
        rng = self._rng
        chainage = self._paver_c
        centre = c.mat_offset_m + c.mat_width_m / 2
        lon, lat, _heading = self._positions(chainage, np.full(n, centre))
        # Profile: lay temperature, cooler edges, a slow wander, noise; while stopped the
        # bar sees the same mat cooling; a short dip when the trucks change.
        x = np.linspace(0.0, c.mat_width_m, c.profile_points)
        edges = 4.0 * (np.exp(-x / 0.35) + np.exp(-(c.mat_width_m - x) / 0.35))
        lay = self.lay_temperature(t)
        stopped = self._paver_speed <= 0
        since = np.zeros(n)
        for i in range(1, n):
            if stopped[i]:
                since[i] = since[i - 1] + 1.0 / c.rate_hz
        tau = 60.0 * c.design_thickness_mm
        lay = c.ambient_c + (lay - c.ambient_c) * np.exp(-since / tau)
        first, period = self._truck_cycle()
        in_cycle = np.mod(t - first, period)
        dip = np.where(in_cycle < 25.0, 5.0 * np.sin(np.pi * in_cycle / 25.0), 0.0)
        wander = 1.5 * np.sin(2 * np.pi * t / 300.0 + rng.uniform(0, 6.28))
        noise = np.clip(rng.normal(0.0, 1.0, (n, c.profile_points)), -2.0, 2.0)
        streak = np.exp(-(((x - rng.uniform(1.0, c.mat_width_m - 1.0)) / 0.6) ** 2))
        profile = (lay + wander - dip)[:, None] - edges[None, :] + noise
        profile -= (dip[:, None] * 0.6) * streak[None, :]
        screed = c.paving_min_c - 10.0 + rng.normal(0.0, 1.0, n)
        thickness = (
            c.design_thickness_mm
            + 1.5 * np.sin(2 * np.pi * t / 420.0 + rng.uniform(0, 6.28))
            + rng.normal(0.0, 1.2, n)
        )
        out = []
        for i in range(n):
            out.append(
                {
                    "speed_m_per_min": round(float(self._paver_speed[i] * 60.0), 2),
                    "screed_temp_c": round(float(screed[i]), 1),
                    "mat_temp_c": [round(float(v), 1) for v in profile[i]],
                    "mat_width_m": c.mat_width_m,
                    "thickness_mm": round(float(max(thickness[i], 0.0)), 1),
                }
            )
        return self._wrap(machine, lon, lat, out)

    def _truck(self, machine: Machine) -> list[dict[str, Any]]:
        c = self.config
        t = self.times
        rng = self._rng
        first, period = self._truck_cycle()
        k = np.floor((t - first) / period)
        phase = t - first - k * period  # seconds since this load arrived at the paver
        unload = max(period - 300.0, 60.0)
        paver = self._paver_c
        chainage = np.empty_like(t)
        speed = np.empty_like(t)
        load = np.empty_like(t)
        unloading = phase < unload
        chainage[unloading] = paver[unloading] + 3.0
        speed[unloading] = self._paver_speed[unloading] * 3.6
        load[unloading] = c.load_t * (1.0 - phase[unloading] / unload)
        away = ~unloading
        rest = phase[away] - unload  # leaving, then coming back with the next load
        half = (period - unload) / 2
        dist = np.where(rest < half, rest / half, (period - unload - rest) / half) * 1200.0
        chainage[away] = paver[away] + 3.0 + dist
        speed[away] = np.where((rest > 20) & (rest < period - unload - 20), 30.0, 5.0)
        load[away] = np.where(rest < half, 0.0, c.load_t)
        # Each load's temperature at arrival (the returning truck carries the next load); the
        # cold-mix load is the one arriving at the start of the cold window.
        returning = away & (phase - unload >= half)
        load_no = k.astype(int) + returning.astype(int)
        arrival = first + load_no * period
        per_load = {int(v): float(rng.normal(0.0, 1.5)) for v in np.unique(load_no)}
        temp0 = c.paving_min_c + 16.0 + np.array([per_load[int(v)] for v in load_no])
        temp0 = np.where(self._in(self.plan.cold_mix, arrival), c.paving_min_c - 10.0, temp0)
        temp = temp0 - np.clip(phase, 0, unload) / 600.0
        lon, lat, _ = self._positions(
            np.clip(chainage, c.route_start_m, c.route_end_m),
            np.full(len(t), c.mat_offset_m + c.mat_width_m / 2),
        )
        out = [
            {
                "speed_kmh": round(float(speed[i]), 1),
                "load_t": round(float(max(load[i], 0.0)), 1),
                "mix_temp_c": round(float(temp[i]), 1),
            }
            for i in range(len(t))
        ]
        return self._wrap(machine, lon, lat, out)

    def _sprayer(self, machine: Machine) -> list[dict[str, Any]]:
        c = self.config
        t = self.times
        rng = self._rng
        dt = 1.0 / c.rate_hz
        speed_ms = 4.0 / 3.6
        sprayed = c.from_m + 60.0
        chainage = np.empty_like(t)
        spraying = np.zeros(len(t), dtype=bool)
        pos = sprayed + 15.0
        run_end = sprayed
        active = False
        for i in range(len(t)):
            if not active and self._paver_c[i] >= sprayed - 40.0 and sprayed < c.to_m:
                active = True
                pos = sprayed
                run_end = min(sprayed + c.spray_run_m, c.to_m)
            if active:
                pos = min(pos + speed_ms * dt, run_end)
                spraying[i] = True
                if pos >= run_end:
                    active = False
                    sprayed = run_end
            chainage[i] = pos if active else sprayed + 15.0
        lon, lat, _ = self._positions(
            np.clip(chainage, c.route_start_m, c.route_end_m),
            np.full(len(t), c.mat_offset_m + c.mat_width_m / 2),
        )
        rate = 0.4 + rng.normal(0.0, 0.015, len(t))
        temp = 55.0 + rng.normal(0.0, 1.0, len(t))
        out = [
            {
                "rate_l_per_m2": round(float(rate[i]), 3) if spraying[i] else 0.0,
                "width_m": c.mat_width_m if spraying[i] else 0.0,
                "speed_kmh": round(float(speed_ms * 3.6 + rng.normal(0, 0.05)), 2)
                if spraying[i]
                else 0.0,
                "product_temp_c": round(float(temp[i]), 1),
            }
            for i in range(len(t))
        ]
        return self._wrap(machine, lon, lat, out)

    # --- rollers --------------------------------------------------------------------------

    def lanes(self, width_m: float) -> list[float]:
        """Drum centre offsets (from the centre line) of the lanes covering the mat."""
        c = self.config
        overlap = 0.15
        count = max(1, math.ceil((c.mat_width_m - width_m) / (width_m - overlap)) + 1)
        left = c.mat_offset_m + width_m / 2
        right = c.mat_offset_m + c.mat_width_m - width_m / 2
        if count == 1:
            return [(left + right) / 2]
        return [left + (right - left) * i / (count - 1) for i in range(count)]

    def _roller_segments(
        self, role: str, width_m: float, ahead: list[tuple[float, float]]
    ) -> tuple[list[_Segment], list[tuple[float, float]]]:
        """The roller's movements, and its (time, chainage) zone completions.

        ``ahead`` is the completion list of the roller before (for the initial roller: none,
        it follows the paver)."""
        c = self.config
        pattern = PATTERNS[role]
        v = pattern.speed_kmh / 3.6
        lanes = self.lanes(width_m)
        segments: list[_Segment] = []
        done: list[tuple[float, float]] = []
        end = c.duration_s
        t = 0.0
        # Where this roller takes the shift over: the mat behind it is already rolled by it.
        rolled = c.from_m - min(c.lead_m, ROLE_LEAD_M[role])
        pos_c, pos_o = rolled, lanes[0]
        done.append((0.0, rolled))
        gap = self.plan.roller_gap if role == "initial" else None
        missed: list[tuple[float, float, float, float]] = []
        zones = 0

        def available(at: float) -> float:
            if role == "initial":
                return float(self.paver_chainage(at)) - pattern.follow_gap_m
            best = -math.inf
            for when, upto in ahead:
                if when <= at:
                    best = upto
            return best - pattern.follow_gap_m

        def move(to_c: float, to_o: float, speed: float, direction: str, pass_no: int) -> None:
            nonlocal t, pos_c, pos_o
            dist = math.hypot(to_c - pos_c, to_o - pos_o)
            dur = max(dist / speed, 1.0)
            segments.append(
                _Segment(
                    t, t + dur, pos_c, to_c, pos_o, to_o, direction, pass_no, pattern.vibration
                )
            )
            t += dur
            pos_c, pos_o = to_c, to_o

        def wait(until: float) -> None:
            nonlocal t
            if until > t:
                segments.append(_Segment(t, until, pos_c, pos_c, pos_o, pos_o, "stopped"))
                t = until

        while t < end:
            if gap is not None and gap[0] <= t < gap[1]:
                # The fault: the initial roller goes back to re-roll a stretch far behind.
                back = float(self.paver_chainage(t)) - c.roller_gap_limit_m - 30.0
                back = max(back, c.from_m - c.lead_m - 200.0)
                move(back, lanes[-1], v * 1.4, "reverse", 0)
                lo = back - 10.0
                while t < gap[1]:
                    move(lo, lanes[-1], v, "reverse", 0)
                    wait(t + 3.0)
                    move(back, lanes[-1], v, "forward", 0)
                    wait(t + 3.0)
                move(rolled, lanes[0], v * 1.4, "forward", 0)
                continue
            # Wait for a zone of at least min_zone_m.
            step = 5.0
            while t < end and available(t) - rolled < pattern.min_zone_m:
                wait(t + step)
            if t >= end:
                break
            zone_end = min(available(t), rolled + pattern.max_zone_m)
            zone_start = rolled
            if pos_c != zone_start:
                move(zone_start, pos_o, v, "forward" if zone_start > pos_c else "reverse", 0)
            skip = None
            window = (0.3 * end, 0.75 * end)
            if role == "final" and "missed_coverage" in c.faults and window[0] <= t < window[1]:
                skip = 1 if len(lanes) > 2 else None
            # Lanes alternate in order from zone to zone (no long diagonal between zones);
            # the first pass of a lane steers over from the previous lane in its first metres.
            order = list(enumerate(lanes))
            if zones % 2:
                order.reverse()
            zones += 1
            for index, lane in order:
                if index == skip:
                    missed.append((zone_start, zone_end, lane - width_m / 2, lane + width_m / 2))
                    continue
                for p in range(pattern.passes):
                    target = zone_end if pos_c < (zone_start + zone_end) / 2 else zone_start
                    direction = "forward" if target > pos_c else "reverse"
                    if pos_o != lane:
                        steer = min(3.0, abs(target - pos_c) / 2)
                        move(
                            pos_c + math.copysign(steer, target - pos_c), lane, v, direction, p + 1
                        )
                    move(target, lane, v, direction, p + 1)
                    wait(t + 3.0)
            rolled = zone_end
            done.append((t, zone_end))
        if missed:
            self.plan = FaultPlan(
                cold_mix=self.plan.cold_mix,
                paver_stop=self.plan.paver_stop,
                roller_gap=self.plan.roller_gap,
                missed_coverage=tuple(missed),
            )
        return segments, done

    def _rollers(self) -> dict[str, list[_Segment]]:
        if self.roller_segments:
            return self.roller_segments
        ahead: list[tuple[float, float]] = []
        by_role = {m.role: m for m in self.config.machines if m.role in ROLLER_ROLES}
        for role in ROLLER_ROLES:
            machine = by_role.get(role)
            if machine is None:
                continue
            width = machine.width_m or DRUM_WIDTH_M[role]
            segments, ahead = self._roller_segments(role, width, ahead)
            self.roller_segments[machine.device] = segments
        return self.roller_segments

    def _roller(self, machine: Machine) -> list[dict[str, Any]]:
        c = self.config
        t = self.times
        rng = self._rng
        pattern = PATTERNS[machine.role]
        width = machine.width_m or DRUM_WIDTH_M[machine.role]
        segments = self._rollers()[machine.device]
        starts = np.array([s.t0 for s in segments])
        index = np.clip(np.searchsorted(starts, t, side="right") - 1, 0, len(segments) - 1)
        chainage = np.empty_like(t)
        offset = np.empty_like(t)
        direction: list[str] = []
        pass_no = np.zeros(len(t), dtype=int)
        for i, (at, k) in enumerate(zip(t, index, strict=True)):
            s = segments[k]
            f = 0.0 if s.t1 <= s.t0 else min(max((at - s.t0) / (s.t1 - s.t0), 0.0), 1.0)
            if at >= s.t1:
                f = 1.0
            chainage[i] = s.c0 + (s.c1 - s.c0) * f
            offset[i] = s.o0 + (s.o1 - s.o0) * f
            moving = at < s.t1 and s.direction != "stopped"
            direction.append(s.direction if moving else "stopped")
            pass_no[i] = s.pass_no
        moving = np.array([d != "stopped" for d in direction])
        lon, lat, heading = self._positions(chainage, offset)
        heading = (heading + _steer_deg(segments, index)) % 360.0
        speed = np.where(moving, pattern.speed_kmh + rng.normal(0.0, 0.1, len(t)), 0.0)
        speed = np.clip(speed, 0.0, 30.0)
        surface = self.mat_temperature(chainage, t) - 1.0 + rng.normal(0.0, 0.8, len(t))
        surface = np.where(chainage < c.from_m - c.lead_m - 1.0, c.ambient_c + 40.0, surface)
        vibrating = moving & pattern.vibration
        stiffness = 60.0 + 8.0 * np.sin(chainage / 7.0) + rng.normal(0.0, 2.0, len(t))
        total = np.maximum(pass_no, 1)
        icmv = stiffness * (1.0 - 0.55 * np.exp(-total / 1.5)) * (1.2 - surface / 600.0)
        out = []
        for i in range(len(t)):
            values: dict[str, Any] = {
                "heading_deg": round(float(heading[i]), 1),
                "speed_kmh": round(float(speed[i]), 2),
                "direction": direction[i],
                "drum_width_m": width,
                "vibration": bool(vibrating[i]),
                "frequency_hz": pattern.frequency_hz if vibrating[i] else 0.0,
                "amplitude_mm": pattern.amplitude_mm if vibrating[i] else 0.0,
                "surface_temp_c": round(float(surface[i]), 1),
            }
            if vibrating[i]:
                values["icmv"] = round(float(max(icmv[i], 0.0)), 1)
            out.append(values)
        return self._wrap(machine, lon, lat, out)

    # --- assembling -----------------------------------------------------------------------

    def _machine(self, machine: Machine) -> list[dict[str, Any]]:
        if machine.role == "paver":
            return self._paver(machine)
        if machine.role == "truck":
            return self._truck(machine)
        if machine.role == "sprayer":
            return self._sprayer(machine)
        if machine.role in ROLLER_ROLES:
            return self._roller(machine)
        raise ValueError(f"unknown role {machine.role}")

    def _wrap(
        self, machine: Machine, lon: np.ndarray, lat: np.ndarray, values: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        start = self.config.start.astimezone(UTC)
        first = int(self.config.seq_start.get(machine.device, 0))
        out = []
        for i, offset in enumerate(self.times):
            when = start + timedelta(seconds=float(offset))
            out.append(
                {
                    "v": 1,
                    "device": machine.device,
                    "seq": first + i,
                    "t": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                    "lat": round(float(lat[i]), 7),
                    "lon": round(float(lon[i]), 7),
                    **values[i],
                }
            )
        return out


def _steer_deg(segments: list[_Segment], index: np.ndarray) -> np.ndarray:
    """Per sample, the angle (degrees, clockwise) of the machine's axis from the route
    direction: a roller steering across lanes faces along its oblique path (its body, facing
    forward, also when reversing); standing, it keeps the angle it had."""
    angles = np.zeros(len(segments))
    last = 0.0
    for k, s in enumerate(segments):
        dc, do = s.c1 - s.c0, s.o1 - s.o0
        if s.direction != "stopped" and (dc or do):
            last = math.degrees(math.atan(do / dc)) if dc else math.copysign(90.0, do)
        angles[k] = last
    return angles[index]


def simulate(config: ShiftConfig) -> Shift:
    """Build the shift (all readings computed; iterate ``shift.readings()``)."""
    return Shift(config)
