"""Readers for QC input files: roller tracks (CSV, FHWA Veta tagged data) and paver thermal
scans (CSV). Every value is validated; a bad file raises :class:`FormatError` naming the line
and column. See docs/qc.md for the layouts.

Duplicate times within one machine are allowed: the kernel keeps the first sample in file order
(see :mod:`zhiyang.analytics.compaction`). Samples need not be sorted by time.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.utils.translation import gettext as _
from numpy.typing import NDArray

F64 = NDArray[np.float64]

TRACK_REQUIRED = ("machine_id", "time_s", "easting_m", "northing_m", "drum_width_m")
TRACK_OPTIONAL = (
    "surface_temp_c",
    "icmv",
    "vibration",
    "direction",
    "heading_deg",
    "speed_m_s",
    "speed_kmh",
)
SCAN_REQUIRED = ("distance_m", "offset_m", "temp_c")

_DIRECTIONS = {
    "forward": 1,
    "f": 1,
    "1": 1,
    "+1": 1,
    "fwd": 1,
    "reverse": -1,
    "r": -1,
    "-1": -1,
    "rev": -1,
    "backward": -1,
    "stopped": 0,
    "neutral": 0,
    "0": 0,
    "": 0,
    "unknown": 0,
}
_BOOLS = {
    "1": 1.0,
    "true": 1.0,
    "on": 1.0,
    "yes": 1.0,
    "0": 0.0,
    "false": 0.0,
    "off": 0.0,
    "no": 0.0,
    "": math.nan,
}


class FormatError(ValueError):
    """A bad input file: ``line`` (1-based, header = 1) and ``column`` name where known."""

    def __init__(self, message: str, line: int | None = None, column: str | None = None):
        self.line = line
        self.column = column
        where = []
        if line is not None:
            where.append(_("line %(line)d") % {"line": line})
        if column:
            where.append(_("column %(column)s") % {"column": column})
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


@dataclass
class Tracks:
    """Roller samples, one entry per sample (``direction``: +1 forward, -1 reverse, 0 unknown;
    ``vibration``: 1 on, 0 off, NaN unknown)."""

    machine_id: NDArray[np.str_]
    time_s: F64
    easting_m: F64
    northing_m: F64
    drum_width_m: F64
    surface_temp_c: F64 | None = None
    icmv: F64 | None = None
    vibration: F64 | None = None
    direction: NDArray[np.int8] | None = None
    heading_deg: F64 | None = None
    speed_m_s: F64 | None = None
    header: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.time_s.size)


@dataclass
class Scans:
    distance_m: F64
    offset_m: F64
    temp_c: F64
    time_s: F64 | None = None


def _text(source: str | Path | io.StringIO) -> str:
    if isinstance(source, io.StringIO):
        return source.getvalue()
    try:
        return Path(source).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise FormatError(
            _("cannot read %(path)s: %(error)s") % {"path": source, "error": exc.strerror}
        ) from None
    except UnicodeDecodeError:
        raise FormatError(_("%(path)s is not UTF-8 text") % {"path": source}) from None


def _number(value: str, line: int, column: str, *, allow_empty: bool = False) -> float:
    value = value.strip()
    if value == "" and allow_empty:
        return math.nan
    try:
        x = float(value)
    except ValueError:
        raise FormatError(_("%(value)r is not a number") % {"value": value}, line, column) from None
    if not math.isfinite(x):
        if allow_empty and math.isnan(x):
            return math.nan
        raise FormatError(_("%(value)r is not a finite number") % {"value": value}, line, column)
    return x


def _rows(
    text: str, required: tuple[str, ...]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise FormatError(_("the file is empty"), 1) from None
    for name in required:
        if name not in header:
            raise FormatError(_("missing column %(column)s") % {"column": name}, 1, name)
    rows = []
    for row in reader:
        line = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise FormatError(
                _("expected %(expected)d values, found %(found)d")
                % {"expected": len(header), "found": len(row)},
                line,
            )
        rows.append((line, dict(zip(header, row, strict=True))))
    if not rows:
        raise FormatError(_("no data rows"), 2)
    return header, rows


def read_tracks_csv(source: str | Path | io.StringIO) -> Tracks:
    """Roller tracks from CSV: ``machine_id,time_s,easting_m,northing_m,drum_width_m`` plus
    optional ``surface_temp_c,icmv,vibration,direction,heading_deg`` and ``speed_m_s`` or
    ``speed_kmh`` (empty = unknown)."""
    header, rows = _rows(_text(source), TRACK_REQUIRED)
    size = len(rows)
    mid = []
    cols = {c: np.empty(size) for c in ("time_s", "easting_m", "northing_m", "drum_width_m")}
    opt = {
        c: np.full(size, np.nan)
        for c in ("surface_temp_c", "icmv", "vibration", "heading_deg", "speed_m_s", "speed_kmh")
        if c in header
    }
    dirs = np.zeros(size, np.int8) if "direction" in header else None
    for k, (line, row) in enumerate(rows):
        machine = row["machine_id"].strip()
        if not machine:
            raise FormatError(_("empty machine id"), line, "machine_id")
        mid.append(machine)
        for c, arr in cols.items():
            arr[k] = _number(row[c], line, c)
        if cols["drum_width_m"][k] <= 0:
            raise FormatError(_("drum width must be positive"), line, "drum_width_m")
        for c, arr in opt.items():
            if c == "vibration":
                v = row[c].strip().lower()
                if v not in _BOOLS:
                    raise FormatError(_("%(value)r is not on/off") % {"value": v}, line, c)
                arr[k] = _BOOLS[v]
            else:
                arr[k] = _number(row[c], line, c, allow_empty=True)
        if dirs is not None:
            d = row["direction"].strip().lower()
            if d not in _DIRECTIONS:
                raise FormatError(
                    _("%(value)r is not a direction (forward, reverse, stopped)") % {"value": d},
                    line,
                    "direction",
                )
            dirs[k] = _DIRECTIONS[d]
    return Tracks(
        machine_id=np.array(mid),
        time_s=cols["time_s"],
        easting_m=cols["easting_m"],
        northing_m=cols["northing_m"],
        drum_width_m=cols["drum_width_m"],
        surface_temp_c=opt.get("surface_temp_c"),
        icmv=opt.get("icmv"),
        vibration=opt.get("vibration"),
        direction=dirs,
        heading_deg=opt.get("heading_deg"),
        speed_m_s=opt["speed_kmh"] / 3.6 if "speed_kmh" in opt else opt.get("speed_m_s"),
    )


def read_scans_csv(source: str | Path | io.StringIO) -> Scans:
    """Paver thermal scans from CSV: ``distance_m,offset_m,temp_c`` plus optional ``time_s``."""
    header, rows = _rows(_text(source), SCAN_REQUIRED)
    size = len(rows)
    names = [*SCAN_REQUIRED, *(["time_s"] if "time_s" in header else [])]
    cols = {c: np.empty(size) for c in names}
    for k, (line, row) in enumerate(rows):
        for c in names:
            cols[c][k] = _number(row[c], line, c)
    return Scans(cols["distance_m"], cols["offset_m"], cols["temp_c"], cols.get("time_s"))


# --------------------------------------------------------------------------------------------
# FHWA Veta tagged data
#
# Veta's developer page lists the header blocks (data-lot-name, gridding-width/-height,
# gridding-process, machine-id/-name/-type, spatial-reference-authority/-id) and the per-record
# array blocks (timestamp, easting, northing, gps-quality, machine-speed, relative-direction,
# surface-temperature, icmv, icmv-compaction-mode, icmv-vibration-amplitude,
# icmv-vibration-frequency) plus footprint-perpendicular (drum width). We read one block per
# line, ``name: value`` for header blocks and ``name: v1, v2, ...`` for arrays (also
# ``name = value``); ``#`` starts a comment. See docs/qc.md.

VETA_HEADER = (
    "data-lot-name",
    "gridding-width",
    "gridding-height",
    "gridding-process",
    "machine-id",
    "machine-name",
    "machine-type",
    "spatial-reference-authority",
    "spatial-reference-id",
    "footprint-perpendicular",
    "footprint-parallel",
    "measurement-name",
    "recording-interval",
)
VETA_ARRAYS = (
    "timestamp",
    "easting",
    "northing",
    "gps-quality",
    "machine-speed",
    "relative-direction",
    "surface-temperature",
    "icmv",
    "icmv-compaction-mode",
    "icmv-vibration-amplitude",
    "icmv-vibration-frequency",
)


def read_veta(source: str | Path | io.StringIO) -> Tracks:
    """Roller tracks from a Veta tagged data file (one machine per file)."""
    text = _text(source)
    header: dict[str, str] = {}
    arrays: dict[str, tuple[int, list[str]]] = {}
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        sep = min((i for i in (line.find(":"), line.find("=")) if i >= 0), default=-1)
        if sep < 0:
            raise FormatError(_("expected 'block: value'"), line_no)
        name, value = line[:sep].strip().lower(), line[sep + 1 :].strip()
        if name in VETA_ARRAYS:
            value = value.strip("[]")
            arrays[name] = (line_no, [v.strip() for v in value.split(",")] if value else [])
        elif name in VETA_HEADER:
            header[name] = value
        else:
            raise FormatError(_("unknown block %(name)s") % {"name": name}, line_no, name)
    for name in ("timestamp", "easting", "northing"):
        if name not in arrays:
            raise FormatError(_("missing block %(name)s") % {"name": name}, None, name)
    if "footprint-perpendicular" not in header:
        raise FormatError(
            _("missing block %(name)s") % {"name": "footprint-perpendicular"},
            None,
            "footprint-perpendicular",
        )
    size = len(arrays["timestamp"][1])
    if size == 0:
        raise FormatError(_("no data rows"), arrays["timestamp"][0], "timestamp")
    for name, (line_no, values) in arrays.items():
        if len(values) != size:
            raise FormatError(
                _("expected %(expected)d values, found %(found)d")
                % {"expected": size, "found": len(values)},
                line_no,
                name,
            )

    def numbers(name: str, allow_empty: bool = False) -> F64:
        line_no, values = arrays[name]
        return np.array(
            [
                _number(v, line_no, f"{name}[{i}]", allow_empty=allow_empty)
                for i, v in enumerate(values)
            ]
        )

    width = _number(header["footprint-perpendicular"], 0, "footprint-perpendicular")
    if width <= 0:
        raise FormatError(_("drum width must be positive"), None, "footprint-perpendicular")
    direction = None
    if "relative-direction" in arrays:
        line_no, values = arrays["relative-direction"]
        direction = np.zeros(size, np.int8)
        for i, v in enumerate(values):
            key = v.lower()
            if key not in _DIRECTIONS:
                raise FormatError(
                    _("%(value)r is not a direction (forward, reverse, stopped)") % {"value": v},
                    line_no,
                    f"relative-direction[{i}]",
                )
            direction[i] = _DIRECTIONS[key]
    vibration = None
    if "icmv-compaction-mode" in arrays:
        _line, modes = arrays["icmv-compaction-mode"]
        vibration = np.array(
            [
                0.0 if m.lower() in ("static", "0", "off") else (math.nan if not m else 1.0)
                for m in modes
            ]
        )
    machine = header.get("machine-id") or header.get("machine-name") or "veta"
    return Tracks(
        machine_id=np.full(size, machine),
        time_s=numbers("timestamp"),
        easting_m=numbers("easting"),
        northing_m=numbers("northing"),
        drum_width_m=np.full(size, width),
        surface_temp_c=numbers("surface-temperature", True)
        if "surface-temperature" in arrays
        else None,
        icmv=numbers("icmv", True) if "icmv" in arrays else None,
        vibration=vibration,
        direction=direction,
        speed_m_s=_veta_speed(numbers("machine-speed", True), header)
        if "machine-speed" in arrays
        else None,
        header=header,
    )


def _veta_speed(values: F64, header: dict[str, str]) -> F64:
    """Veta's machine-speed in m/s (km/h when the header says so)."""
    unit = (header.get("machine-speed-unit") or header.get("speed-unit") or "").lower()
    return values / 3.6 if unit in ("km/h", "kmh", "kph") else values
