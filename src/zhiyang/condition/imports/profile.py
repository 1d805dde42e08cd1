"""Longitudinal profile files (ERD, two-column CSV/TXT) → IRI per interval.

The file's content (its format is detected from it) is read by ``condition/profiles.py``:
distance and one elevation channel per wheel path. The IRI is computed by
``analytics/roughness.iri`` over ``segment_length_m`` intervals (full intervals only: a
partial last interval would not be comparable). A one-channel file is the wheel path the
importer names; a two-channel file is left, right.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from zhiyang.condition.choices import SurveyDirection, WheelPath
from zhiyang.network.chainage import format_chainage
from zhiyang.network.importexport.common import ImportValidationError, RowError


@dataclass
class ParsedProfile:
    rows: list[dict[str, Any]]
    fields: list[str]
    samples: int


def _channels(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """(distance_m (n,), elevation_m (n, paths)) of a profile file's content."""
    from zhiyang.condition import profiles

    profile = profiles.parse_profile(data)
    distance = np.asarray(profile.distance_m, dtype=float)
    elevation = np.asarray(profile.elevation_m, dtype=float)
    if elevation.ndim == 1:
        elevation = elevation[:, None]
    return distance, elevation


def parse_profile(
    data: bytes,
    filename: str,
    *,
    survey: Any,
    wheel_path: str = WheelPath.LEFT,
    segment_length_m: float = 10.0,
    start_m: float | None = None,
) -> ParsedProfile:
    """Interval rows with ``iri_left`` and/or ``iri_right`` from a profile file."""
    from zhiyang.analytics.roughness import iri

    if not (math.isfinite(segment_length_m) and 1.0 <= segment_length_m <= 1000.0):
        raise ImportValidationError(
            [RowError(0, "segment_length_m", _("The interval must be 1–1000 m."))]
        )
    try:
        distance, elevation = _channels(data)
    except ValueError as exc:  # ProfileFormatError: the line is the row of the file
        raise ImportValidationError(
            [RowError(getattr(exc, "line", 0), "", getattr(exc, "detail", str(exc)))]
        ) from exc
    try:
        result = iri(distance, elevation, segment_length_m)
    except ValueError as exc:  # too short, not increasing, NaN: about the whole profile
        raise ImportValidationError([RowError(0, "distance", str(exc))]) from exc
    paths = elevation.shape[1]
    if paths >= 2:
        fields = ["iri_left", "iri_right"]
    elif wheel_path == WheelPath.RIGHT:
        fields = ["iri_right"]
    else:
        fields = ["iri_left"]
    values = np.asarray(result.iri_m_per_km, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    first = float(distance[0])
    origin = first if start_m is None else float(start_m)
    down = survey.direction == SurveyDirection.DOWN
    rows: list[dict[str, Any]] = []
    for i, (a, b) in enumerate(zip(result.start_m, result.end_m, strict=True)):
        if down:
            lo, hi = origin - (float(b) - first), origin - (float(a) - first)
        else:
            lo, hi = origin + (float(a) - first), origin + (float(b) - first)
        row: dict[str, Any] = {"start_m": round(lo, 3), "end_m": round(hi, 3)}
        for j, name in enumerate(fields):
            value = float(values[i, j])
            row[name] = round(value, 3) if math.isfinite(value) else None
        rows.append(row)
    if not rows:
        raise ImportValidationError(
            [RowError(0, "", _("The profile is shorter than one interval."))]
        )
    route = survey.route
    low, high = min(r["start_m"] for r in rows), max(r["end_m"] for r in rows)
    if low < 0 or not route.covers(low, high):
        raise ImportValidationError(
            [
                RowError(
                    0,
                    "start_m",
                    _("The profile covers %(start)s–%(end)s, outside the route (%(rs)s–%(re)s).")
                    % {
                        "start": format_chainage(max(low, 0)),
                        "end": format_chainage(max(high, 0)),
                        "rs": format_chainage(route.start_m),
                        "re": format_chainage(route.end_m),
                    },
                )
            ]
        )
    rows.sort(key=lambda r: r["start_m"])
    return ParsedProfile(rows=rows, fields=fields, samples=int(distance.size))
