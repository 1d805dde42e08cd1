"""QC reports per project and day, from the telemetry lake.

For one project and one day (site time) the report reads the day's readings from the lake
(``<machine_type>/date=<day>/project=<code>/…``) and runs the QC kernels:

- **compaction** (``analytics.compaction``): every roller's track projected to metres (UTM
  zone of the data, pyproj), pass counts on 0.5 m cells, the AASHTO PP 81 summary (coverage,
  pass histogram, % of the area at the target pass count, temperature by pass, ICMV);
- **thermal profile** (``analytics.thermal``): the paver's mat temperature bar placed along
  the paver's path (distance) and across the mat (offset from the left edge): sublots of
  45.72 m, thermal differential and class, and a gridded heat map;
- **paving** (``analytics.paving``): each roller's distance and time behind the paver, and
  the thickness statistics against the design (paving setup);
- **alarms** of the day (``telemetry.Alarm``) of the project.

Reports are cached in-process per (project, day, lake files), so the page, its images and
the exports of one report compute it once. Access: projects always come through
``core.access.restrict`` (the caller passes a restricted queryset or project).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from zhiyang.telemetry.lake import Lake, safe_part
from zhiyang.works.models import Project

#: Passes every cell should get when the project's paving setup sets none (AASHTO PP 81
#: reports the % of the area at the target): the standards data (compaction_qc.toml).
TARGET_PASSES = 7
CELL_M = 0.5
STANDARD = "compaction_qc"
THERMAL_CELL_M = 0.3
#: The paver path keeps a point once the paver is this far from the last (analytics.paving:
#: GNSS jitter neither adds length nor hides a stop).
PATH_STEP_M = 0.5
#: Roller samples further than this from the paver's path are not on the day's mat (driving
#: to and from the site, another job): they stay out of the pass counts.
MAT_MARGIN_M = 30.0
SITE_TZ = dt.timezone(dt.timedelta(hours=8))
QC_TYPES = ("paver", "roller")
log = logging.getLogger(__name__)
_CACHE_SIZE = 16


def lake() -> Lake:
    from zhiyang.telemetry.ingest import lake_root

    return Lake(lake_root())


@dataclass
class QcReport:
    """One project-day: the summary (JSON-ready) and the grids the images are drawn from."""

    project: Project
    day: dt.date
    summary: dict[str, Any]
    pass_counts: np.ndarray | None = None
    thermal: np.ndarray | None = None
    alarms: list[Any] = field(default_factory=list)

    @property
    def has_compaction(self) -> bool:
        return self.pass_counts is not None and self.pass_counts.size > 0

    @property
    def has_thermal(self) -> bool:
        return self.thermal is not None and self.thermal.size > 0


def project_days(projects: Any, *, source: Lake | None = None) -> list[tuple[Project, dt.date]]:
    """(project, day) pairs with paver or roller readings in the lake, newest day first.
    ``projects``: a queryset already restricted to the user's scope."""
    root = (source or lake()).root
    by_part = {safe_part(p.code): p for p in projects}
    found: set[tuple[int, dt.date]] = set()
    for machine_type in QC_TYPES:
        for directory in root.glob(f"{machine_type}/date=*/project=*"):
            project = by_part.get(directory.name.removeprefix("project="))
            if project is None or not any(directory.glob("machine=*/*.parquet")):
                continue
            try:
                day = dt.date.fromisoformat(directory.parent.name.removeprefix("date="))
            except ValueError:
                continue
            found.add((project.pk, day))
    by_pk = {p.pk: p for p in by_part.values()}
    return sorted(
        ((by_pk[pk], day) for pk, day in found), key=lambda pd: (-pd[1].toordinal(), pd[0].code)
    )


def _signature(source: Lake, project: Project, day: dt.date) -> tuple[Any, ...]:
    files: list[Path] = []
    for machine_type in QC_TYPES:
        files += source.files(machine_type, date=day.isoformat(), project=project.code)
    return tuple((str(p), p.stat().st_mtime_ns) for p in files)


_cache: OrderedDict[tuple[Any, ...], QcReport] = OrderedDict()
_cache_lock = threading.Lock()


def _setup(project: Project) -> Any:
    try:
        from zhiyang.telemetry.models import PavingSetup
    except ImportError:  # pragma: no cover
        return None
    return PavingSetup.objects.filter(project=project).first()


def _roles(setup: Any) -> dict[int, str]:
    phases = getattr(setup, "roller_phases", None) or {}
    return {int(k): str(v) for k, v in phases.items()}


def _utm(lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from zhiyang.network.linref import transformers, utm_epsg

    epsg = utm_epsg(float(np.median(lons)), float(np.median(lats)))
    forward, _inverse = transformers(epsg)
    east, north = forward.transform(lons, lats)
    return np.asarray(east, dtype=float), np.asarray(north, dtype=float)


def _on_the_mat(paver: Any, roller: Any) -> Any:
    """The roller rows within ``MAT_MARGIN_M`` of the paver's path (one projection for both)."""
    import shapely

    from zhiyang.network.linref import transformers, utm_epsg

    lons = paver.column("lon").to_numpy()
    lats = paver.column("lat").to_numpy()
    forward, _inverse = transformers(utm_epsg(float(np.median(lons)), float(np.median(lats))))
    order = np.argsort(_times_s(paver.column("time")), kind="stable")
    pe, pn = forward.transform(lons[order], lats[order])
    path = shapely.linestrings(np.column_stack([pe, pn])) if len(order) > 1 else None
    if path is None or shapely.length(path) == 0:
        path = shapely.points(float(pe[0]), float(pn[0]))
    re, rn = forward.transform(roller.column("lon").to_numpy(), roller.column("lat").to_numpy())
    near = shapely.distance(shapely.points(np.asarray(re), np.asarray(rn)), path) <= MAT_MARGIN_M
    return roller.filter(near)


def _times_s(column: Any) -> np.ndarray:
    values = column.cast("int64").to_numpy(zero_copy_only=False)
    return np.asarray(values, dtype=float) / 1000.0


def _thickness_tolerance(setup: Any, design: float) -> float:
    if setup is not None and setup.tolerance_mm is not None:
        return float(setup.tolerance_mm)
    try:
        from zhiyang.analytics import specs

        rng = specs.acceptance_range("thickness_mm", specs.MixContext(design_thickness_mm=design))
        low = rng.min_value
        if low is not None:
            return round(design - float(low), 2)
    except Exception:  # no spec for it: a plain default
        log.info("qc: no thickness tolerance in the specs for %s mm", design)
    return round(design * 0.1, 2)


def build_report(project: Project, day: dt.date, *, source: Lake | None = None) -> QcReport:
    """The QC report of a project and day (cached while the day's lake files are unchanged)."""
    source = source or lake()
    key = (project.pk, day, _signature(source, project, day))
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None:
            _cache.move_to_end(key)
            return cached
    report = _compute(project, day, source)
    with _cache_lock:
        _cache[key] = report
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return report


def _compute(project: Project, day: dt.date, source: Lake) -> QcReport:
    from zhiyang.telemetry.models import Device

    setup = _setup(project)
    roles = _roles(setup)
    date = day.isoformat()
    paver = source.read("paver", date=date, project=project.code)
    roller = source.read("roller", date=date, project=project.code)
    devices = {
        d.code: d
        for d in Device.objects.select_related("equipment").filter(
            code__in=set(paver.column("device").to_pylist())
            | set(roller.column("device").to_pylist())
        )
    }
    summary: dict[str, Any] = {
        "project": {"id": project.pk, "code": project.code, "name": project.name},
        "date": date,
        "readings": {"paver": paver.num_rows, "roller": roller.num_rows},
        "target_passes": target_passes(project, setup),
        "cell_size_m": CELL_M,
    }
    report = QcReport(project=project, day=day, summary=summary)
    if paver.num_rows and roller.num_rows:
        roller = _on_the_mat(paver, roller)
        summary["readings"]["roller_on_mat"] = roller.num_rows
    if roller.num_rows:
        _compaction(report, roller, compaction_parameters(project))
    if paver.num_rows:
        _thermal(report, paver)
        _thickness(report, paver, setup)
    if paver.num_rows and roller.num_rows:
        _sync(report, paver, roller, devices, roles, setup)
    report.alarms = _alarms(project, day)
    summary["alarms"] = [
        {
            "rule": a.rule,
            "severity": a.severity,
            "status": a.status,
            "device": a.device.code,
            "started_at": a.started_at.isoformat(),
            "value": a.value,
            "limit": a.limit,
            "unit": a.unit,
        }
        for a in report.alarms
    ]
    return report


def compaction_parameters(project: Project) -> Any:
    """The pass-counting parameters of the project's organisation (standards data with the
    organisation's overrides; the data file when there are none or they no longer load)."""
    from zhiyang.analytics import compaction

    try:
        from zhiyang.standards.services import parameters_for

        result = parameters_for(STANDARD, getattr(project, "organisation", None))
    except (ImportError, LookupError, ValueError):
        return compaction.load_parameters()
    return result if isinstance(result, compaction.CompactionParams) else compaction.DEFAULTS


def target_passes(project: Project, setup: Any = None) -> int:
    """The project's target pass count: its paving setup's, else the standards default."""
    setup = setup if setup is not None else _setup(project)
    value = getattr(setup, "target_passes", None)
    if value:
        return int(value)
    return int(compaction_parameters(project).target_passes)


def _compaction(report: QcReport, roller: Any, params: Any) -> None:
    from zhiyang.analytics import compaction

    lons = roller.column("lon").to_numpy()
    lats = roller.column("lat").to_numpy()
    east, north = _utm(lons, lats)
    directions = roller.column("direction").to_pylist()
    direction = np.array([{"forward": 1, "reverse": -1}.get(d or "", 0) for d in directions])
    temp = roller.column("surface_temp_c").to_numpy(zero_copy_only=False)
    icmv = roller.column("icmv").to_numpy(zero_copy_only=False)
    # The messages' heading_deg and speed are not used: against the simulator's truth the
    # track's own line and the stationary filter on positions were the more accurate
    # (docs/qc.md).
    grid = compaction.pass_grid(
        np.array(roller.column("device").to_pylist()),
        _times_s(roller.column("time")),
        east,
        north,
        roller.column("drum_width_m").to_numpy(zero_copy_only=False),
        cell_size_m=CELL_M,
        direction=direction,
        surface_temp_c=np.asarray(temp, dtype=float),
        icmv=np.asarray(icmv, dtype=float),
        params=params,
    )
    vibration = [np.nan if v is None else float(v) for v in roller.column("vibration").to_pylist()]
    report.summary["compaction"] = compaction.summarize(
        grid, target_passes=int(report.summary["target_passes"]), vibration=vibration
    )
    report.pass_counts = grid.counts


def _paver_path(paver: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Paver readings sorted by time: (time s, easting, northing, distance along its path)."""
    t = _times_s(paver.column("time"))
    order = np.argsort(t, kind="stable")
    east, north = _utm(paver.column("lon").to_numpy()[order], paver.column("lat").to_numpy()[order])
    # The distance advances only once the paver is PATH_STEP_M from its last counted point:
    # GNSS jitter (a few cm) neither adds length nor hides a stop.
    distance = np.zeros(east.size)
    last_e, last_n, total = (east[0], north[0], 0.0) if east.size else (0.0, 0.0, 0.0)
    for i in range(east.size):
        step = float(np.hypot(east[i] - last_e, north[i] - last_n))
        if step >= PATH_STEP_M:
            total += step
            last_e, last_n = east[i], north[i]
        distance[i] = total
    return t[order], east, north, distance


def _thermal(report: QcReport, paver: Any) -> None:
    from zhiyang.analytics import thermal

    t, _east, _north, distance = _paver_path(paver)
    order = np.argsort(_times_s(paver.column("time")), kind="stable")
    profiles = paver.column("mat_temp_c").to_pylist()
    widths = paver.column("mat_width_m").to_pylist()
    d_pts: list[np.ndarray] = []
    o_pts: list[np.ndarray] = []
    t_pts: list[np.ndarray] = []
    s_pts: list[np.ndarray] = []
    for i, row in enumerate(order):
        values = profiles[row]
        if not values:
            continue
        width = widths[row] or 7.5
        count = len(values)
        d_pts.append(np.full(count, distance[i]))
        o_pts.append(np.linspace(0.0, float(width), count))
        t_pts.append(np.asarray(values, dtype=float))
        s_pts.append(np.full(count, t[i]))
    if not d_pts:
        return
    d, o, temp, ts = (np.concatenate(x) for x in (d_pts, o_pts, t_pts, s_pts))
    ok = np.isfinite(temp)
    d, o, temp, ts = d[ok], o[ok], temp[ok], ts[ok]
    if not temp.size:
        return
    profile = thermal.thermal_profile(d, o, temp, ts)
    report.summary["thermal"] = profile
    # Cells at least as wide as the bar's point spacing, or the map has empty stripes.
    spacing = max(
        (float(w or 7.5) / max(len(p or []) - 1, 1)) for w, p in zip(widths, profiles, strict=True)
    )
    cell = max(THERMAL_CELL_M, math.ceil(spacing * 20) / 20)
    grid = thermal.thermal_grid(d, o, temp, cell_m=cell)
    report.summary["thermal_cell_m"] = cell
    report.thermal = grid.temp_c


def _thickness(report: QcReport, paver: Any, setup: Any) -> None:
    from zhiyang.analytics import paving

    design = float(getattr(setup, "design_thickness_mm", None) or 40.0)
    values = paver.column("thickness_mm").to_numpy(zero_copy_only=False)
    report.summary["thickness"] = paving.thickness_stats(
        np.asarray(values, dtype=float),
        design_mm=design,
        tolerance_mm=_thickness_tolerance(setup, design),
    )


def _sync(
    report: QcReport,
    paver: Any,
    roller: Any,
    devices: dict[str, Any],
    roles: dict[int, str],
    setup: Any,
) -> None:
    from zhiyang.analytics import paving

    pt, pe, pn, _distance = _paver_path(paver)
    codes = np.array(roller.column("device").to_pylist())
    times = _times_s(roller.column("time"))
    east, north = _utm(roller.column("lon").to_numpy(), roller.column("lat").to_numpy())
    temps = np.asarray(roller.column("surface_temp_c").to_numpy(zero_copy_only=False), dtype=float)
    rows = []
    for code in sorted(set(codes.tolist())):
        mask = codes == code
        device = devices.get(code)
        equipment = getattr(device, "equipment", None)
        role = roles.get(getattr(equipment, "pk", -1), "")
        result = paving.roller_paver_sync(
            pt,
            pe,
            pn,
            times[mask],
            east[mask],
            north[mask],
            roller_temp_c=temps[mask],
            limit_m=getattr(setup, "max_gap_m", None) if role == "initial" else None,
            limit_s=getattr(setup, "max_gap_s", None) if role == "initial" else None,
        )
        rows.append(
            {
                "device": code,
                "machine": getattr(equipment, "code", ""),
                "role": role,
                **result["summary"],
            }
        )
    role_order = {"initial": 0, "intermediate": 1, "final": 2}
    rows.sort(key=lambda r: (role_order.get(r["role"], 3), r["device"]))
    report.summary["rollers"] = rows


def _alarms(project: Project, day: dt.date) -> list[Any]:
    try:
        from zhiyang.telemetry.models import Alarm
    except ImportError:  # pragma: no cover - the alarms part not installed
        return []
    start = dt.datetime.combine(day, dt.time(0), tzinfo=SITE_TZ)
    end = start + dt.timedelta(days=1)
    return list(
        Alarm.objects.select_related("device", "equipment")
        .filter(project=project, started_at__gte=start, started_at__lt=end)
        .order_by("started_at", "pk")
    )


def rule_label(rule: str) -> str:
    try:
        from zhiyang.telemetry.alarms import rule_label as label

        return str(label(rule))
    except ImportError:  # pragma: no cover
        return rule


def class_label(name: str | None) -> str:
    return {
        "none": _("none"),
        "moderate": _("moderate"),
        "severe": _("severe"),
    }.get(name or "", "—")
