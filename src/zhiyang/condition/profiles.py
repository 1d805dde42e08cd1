"""Reading longitudinal road profiles (ERD files and two-column text/CSV) into arrays.

Two formats, detected from the content (not the file name):

* **ERD** (UMTRI "Engineering Research Division" format, written by ProVAL, RoadRuf and most
  inertial profilers): line 1 ``ERDFILEV2.00``; line 2 the storage description, seven numbers
  ``NCHAN, NPAGE, NVAL, NSKIP, KEY, DT, START`` of which this reader uses the number of channels
  (NCHAN), samples per channel (NPAGE), the sample interval (DT) and the distance of the first
  sample (START, 0 when absent), both in XUNITS; then keyword lines (keyword in the first eight
  columns: ``TITLE``, ``SHORTNAMES``/``SHORTNAM``, ``LONGNAMES``, ``UNITS``, ``SCALEFACTORS``,
  ``XUNITS``, ...), ``END``, then the data as text, one row per sample with one value per
  channel. Each channel is a wheel path. Values are multiplied by their SCALEFACTORS and
  converted from UNITS (m, cm, mm, ft, in, mils) to metres; without UNITS, metres are assumed.
  Binary ERD data (a ``.bin`` companion file) are not supported.
* **Text/CSV**: rows ``distance, elevation`` in metres, separated by commas, semicolons, tabs or
  spaces; an optional header line; blank lines and lines starting with ``#`` are skipped. More
  than two columns are read as further wheel paths sharing the distance column.

Errors are :class:`ProfileFormatError` (a ``ValueError``) with the 1-based line number.
"""

from __future__ import annotations

import io
import math
import pathlib
import re
import warnings
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext as _
from numpy.typing import NDArray

#: Length units accepted in ERD UNITS/XUNITS, in metres.
UNITS_M: dict[str, float] = {
    "m": 1.0,
    "meter": 1.0,
    "meters": 1.0,
    "metre": 1.0,
    "metres": 1.0,
    "km": 1000.0,
    "cm": 0.01,
    "mm": 0.001,
    "ft": 0.3048,
    "feet": 0.3048,
    "foot": 0.3048,
    "in": 0.0254,
    "inch": 0.0254,
    "inches": 0.0254,
    "mil": 0.0000254,
    "mils": 0.0000254,
    "mi": 1609.344,
}

#: More channels than this is not a road profile (a lane has two wheel paths; some profilers
#: record a few more lines across the lane).
MAX_CHANNELS = 64

# ERD keywords: full name and the eight-column form many writers use ("SHORTNAMLeft ...").
_ERD_KEYWORDS = (
    "SHORTNAMES",
    "LONGNAMES",
    "GENERICNAMES",
    "SCALEFACTORS",
    "UNITSNAME",
    "UNITS",
    "XUNITS",
    "XNAME",
    "XLABEL",
    "XGENERIC",
    "TITLE",
    "HISTORY",
    "DATE",
    "TIME",
    "BINFORM",
    "OFFSETS",
    "FORMAT",
)

_SEPARATORS = re.compile(r"[,;\t ]+")


class ProfileFormatError(ValueError):
    """A profile file that cannot be read; ``line`` is 1-based (0 when not about one line)."""

    def __init__(self, message: str, line: int = 0) -> None:
        self.line = line
        self.detail = message
        text = _("line %(line)d: %(message)s") % {"line": line, "message": message}
        super().__init__(text if line else message)


@dataclass(frozen=True)
class Profile:
    """A profile as arrays: ``elevation_m`` has shape (samples, channels)."""

    distance_m: NDArray[np.float64]
    elevation_m: NDArray[np.float64]
    channel_names: tuple[str, ...]
    source_format: str  # "erd" or "text"
    title: str = ""

    @property
    def channels(self) -> int:
        return int(self.elevation_m.shape[1])


def read_profile(path: str | pathlib.Path) -> Profile:
    """Read an ERD or text/CSV profile file (format detected from the content)."""
    p = pathlib.Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ProfileFormatError(
            _("cannot read %(path)s: %(error)s") % {"path": p, "error": exc.strerror or exc}
        ) from exc
    return parse_profile(data)


def parse_profile(content: bytes | str) -> Profile:
    """Parse the content of an ERD or text/CSV profile file."""
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("latin-1")  # old profiler software writes 8-bit text
    else:
        text = content
    lines = text.splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if first.upper().startswith("ERDFILE"):
        return parse_erd(lines)
    return parse_columns(lines)


def _unit_factor(unit: str, line: int) -> float:
    key = unit.strip().strip("()[]").lower()
    if key not in UNITS_M:
        raise ProfileFormatError(
            _("unknown length unit %(unit)s (use m, cm, mm, ft, in or mils)") % {"unit": unit},
            line,
        )
    return UNITS_M[key]


def _split_values(value: str) -> list[str]:
    """Split a keyword's per-channel list: by commas or tabs when present, else by spaces."""
    if "," in value or "\t" in value:
        return [v.strip() for v in re.split(r"[,\t]", value) if v.strip()]
    return value.split()


def _keyword(line: str) -> tuple[str, str] | None:
    upper = line.upper()
    for key in _ERD_KEYWORDS:
        if upper.startswith(key):
            return key, line[len(key) :].strip()
        if len(key) > 8 and upper.startswith(key[:8]):
            return key, line[8:].strip()
    return None


def _number(token: str, line: int) -> float:
    try:
        return float(token)
    except ValueError:
        raise ProfileFormatError(
            _("%(value)s is not a number") % {"value": repr(token)}, line
        ) from None


def parse_erd(lines: list[str]) -> Profile:
    """Parse an ERD text file given as lines (see the module docstring for the layout)."""
    index = next(i for i, line in enumerate(lines) if line.strip())
    if index + 1 >= len(lines):
        raise ProfileFormatError(_("the ERD header has no storage line"), index + 1)
    # --- line 2: storage description
    storage_line = index + 2
    fields = [f for f in _SEPARATORS.split(lines[index + 1].strip()) if f]
    if len(fields) < 6:
        raise ProfileFormatError(
            _("expected at least 6 numbers (NCHAN, NPAGE, NVAL, NSKIP, KEY, DT), found %(n)d")
            % {"n": len(fields)},
            storage_line,
        )
    numbers = [_number(f, storage_line) for f in fields]
    if not all(math.isfinite(v) for v in numbers):
        raise ProfileFormatError(_("the storage line holds a non-finite number"), storage_line)
    nchan, npage = int(numbers[0]), int(numbers[1])
    dt, start = numbers[5], numbers[6] if len(numbers) > 6 else 0.0
    if not 1 <= nchan <= MAX_CHANNELS or nchan != numbers[0]:
        raise ProfileFormatError(
            _("the number of channels must be an integer from 1 to %(max)d")
            % {"max": MAX_CHANNELS},
            storage_line,
        )
    # --- keyword lines up to END
    keywords: dict[str, tuple[str, int]] = {}
    end_line = None
    for i in range(index + 2, len(lines)):
        raw = lines[i].rstrip()
        if raw.strip().upper() == "END":
            end_line = i
            break
        if not raw.strip():
            continue
        found = _keyword(raw)
        if found is not None:
            keywords.setdefault(found[0], (found[1], i + 1))
    if end_line is None:
        raise ProfileFormatError(_("the ERD header has no END line"), len(lines))
    if "BINFORM" in keywords:
        raise ProfileFormatError(
            _("binary ERD data (.bin file) are not supported; export the profile as text"),
            keywords["BINFORM"][1],
        )

    def per_channel(key: str, default: str) -> tuple[list[str], int]:
        if key not in keywords:
            return [default] * nchan, 0
        value, line = keywords[key]
        items = _split_values(value)
        if len(items) == 1:
            items = items * nchan
        if len(items) != nchan:
            raise ProfileFormatError(
                _("%(key)s lists %(found)d values for %(nchan)d channels")
                % {"key": key, "found": len(items), "nchan": nchan},
                line,
            )
        return items, line

    names: list[str] = []
    for key in ("SHORTNAMES", "LONGNAMES", "GENERICNAMES"):
        if key in keywords:
            names = per_channel(key, "")[0]
            break
    if not names:
        names = [_("channel %(n)d") % {"n": i + 1} for i in range(nchan)]
    unit_key = "UNITS" if "UNITS" in keywords else "UNITSNAME"
    units, units_line = per_channel(unit_key, "m")
    factors = np.array([_unit_factor(u, units_line) for u in units])
    scales, scales_line = per_channel("SCALEFACTORS", "1")
    factors = factors * np.array([_number(s, scales_line) for s in scales])
    x_factor = 1.0
    if "XUNITS" in keywords:
        x_factor = _unit_factor(keywords["XUNITS"][0] or "m", keywords["XUNITS"][1])
    # --- data rows
    table = _fast_table(lines, end_line + 1)
    if table is not None and table.shape[1] == nchan:
        values_array = table.ravel()
    else:
        values_array = _erd_rows(lines, end_line, nchan)
    samples = values_array.size // nchan
    if npage > 0 and samples != npage:
        raise ProfileFormatError(
            _("the header announces %(npage)d samples per channel, the data hold %(found)d")
            % {"npage": npage, "found": samples},
            storage_line,
        )
    if not dt > 0:
        raise ProfileFormatError(
            _("the sample interval DT must be positive, found %(dt)s") % {"dt": dt},
            storage_line,
        )
    data = values_array.reshape(samples, nchan) * factors[None, :]
    distance = (start + dt * np.arange(samples, dtype=np.float64)) * x_factor
    title = keywords.get("TITLE", ("", 0))[0]
    return Profile(
        distance_m=distance,
        elevation_m=data,
        channel_names=tuple(names),
        source_format="erd",
        title=title,
    )


def _erd_rows(lines: list[str], end_line: int, nchan: int) -> NDArray[np.float64]:
    """The ERD data rows read line by line, to name the line of the first problem."""
    values: list[float] = []
    for i in range(end_line + 1, len(lines)):
        stripped = lines[i].strip()
        if not stripped:
            continue
        row = [t for t in _SEPARATORS.split(stripped) if t]
        if len(row) != nchan:
            raise ProfileFormatError(
                _("expected %(nchan)d values (one per channel), found %(n)d")
                % {"nchan": nchan, "n": len(row)},
                i + 1,
            )
        values.extend(_number(t, i + 1) for t in row)
    if not values:
        raise ProfileFormatError(_("the ERD file has no data after END"), end_line + 1)
    return np.asarray(values, dtype=np.float64)


def parse_columns(lines: list[str]) -> Profile:
    """Parse text/CSV rows ``distance, elevation[, elevation ...]`` in metres."""
    first = next(
        (i for i, raw in enumerate(lines) if raw.strip() and not raw.strip().startswith("#")),
        None,
    )
    if first is not None:
        tokens = [t for t in _SEPARATORS.split(lines[first].strip()) if t]
        has_header = not all(_is_float(t) for t in tokens)
        table = _fast_table(lines, first + 1 if has_header else first)
        if table is not None and table.shape[1] >= 2:
            return _columns_profile(table, tokens if has_header else None)
    rows: list[list[float]] = []
    header: list[str] | None = None
    width = 0
    for i, raw in enumerate(lines):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        tokens = [t for t in _SEPARATORS.split(stripped) if t]
        try:
            row = [float(t) for t in tokens]
        except ValueError:
            if not rows and header is None:
                header = tokens  # the optional header line
                continue
            bad = next(t for t in tokens if not _is_float(t))
            raise ProfileFormatError(
                _("%(value)s is not a number") % {"value": repr(bad)}, i + 1
            ) from None
        if len(row) < 2:
            raise ProfileFormatError(
                _("expected distance and elevation (2 columns), found %(n)d") % {"n": len(row)},
                i + 1,
            )
        if width and len(row) != width:
            raise ProfileFormatError(
                _("expected %(width)d columns like the first row, found %(n)d")
                % {"width": width, "n": len(row)},
                i + 1,
            )
        width = len(row)
        rows.append(row)
    if not rows:
        raise ProfileFormatError(_("the file holds no profile rows"))
    return _columns_profile(np.asarray(rows, dtype=np.float64), header)


def _columns_profile(table: NDArray[np.float64], header: list[str] | None) -> Profile:
    width = table.shape[1]
    channels = width - 1
    if header is not None and len(header) == width:
        names = tuple(header[1:])
    elif channels == 1:
        names = ("elevation",)
    else:
        names = tuple(_("path %(n)d") % {"n": i + 1} for i in range(channels))
    return Profile(
        distance_m=np.ascontiguousarray(table[:, 0]),
        elevation_m=np.ascontiguousarray(table[:, 1:]),
        channel_names=names,
        source_format="text",
    )


def _fast_table(lines: list[str], start: int) -> NDArray[np.float64] | None:
    """All rows from ``start`` as a 2-D array through numpy's C reader, or None.

    The fast path for large files; on anything unusual (a bad number, ragged rows) it returns
    None and the caller's line-by-line reader finds and reports the exact line.
    """
    body = "\n".join(lines[start:])
    for sep in ",;\t":
        body = body.replace(sep, " ")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data"
            table = np.loadtxt(io.StringIO(body), dtype=np.float64, comments="#", ndmin=2)
    except ValueError:
        return None
    return table if table.size else None


def _is_float(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True
