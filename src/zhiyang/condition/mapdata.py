"""The condition map's data: units as GeoJSON bounded by the view, popups on click.

``units_collection`` answers ``units.geojson?…&bbox=w,s,e,n&zoom=Z`` (see network/mapview):
only units on routes whose bounding box overlaps the view, read as plain values (no model
objects, no route geometry unless a line is not cached yet). Zoomed in (``zoom`` ≥
``DETAIL_ZOOM``, or no zoom given) every unit is a feature of its own; zoomed out,
consecutive units of one survey with the same grade are merged into one run and its line is
simplified to a pixel, so a whole province is a few thousand features, not every unit.
Features carry no popup text: ``popup_url`` is fetched when the user clicks (``unit_popup``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.urls import reverse
from django.utils.translation import gettext as _

from zhiyang.analytics import rating
from zhiyang.condition import reports, summaries
from zhiyang.condition.models import SurveyUnit
from zhiyang.condition.reports import GRADE_COLOURS, NO_DATA_COLOUR, Selection
from zhiyang.network import mapview
from zhiyang.network.chainage import format_chainage

# Above this many units in the view, even a detailed request gets runs (a bound on the size
# of one answer whatever the client asks for).
MAX_DETAIL_FEATURES = 5000
# Units closer than this (m) along one survey continue a run.
RUN_GAP_M = 1.0


def _grades(values: list[float | None], stored: list[str] | None) -> list[str]:
    array = np.array([np.nan if v is None else float(v) for v in values], dtype=float)
    grades = [str(g) for g in rating.grade(array)] if len(array) else []
    if stored is not None:
        grades = [s or g for s, g in zip(stored, grades, strict=True)]
    return grades


def _fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def units_collection(user: Any, selection: Selection, view: mapview.View) -> dict[str, Any]:
    """The selected units in ``view`` as a FeatureCollection (see the module docstring)."""
    index = selection.index
    stored_grade = f"grade_{index}" if hasattr(SurveyUnit, f"grade_{index}") else None
    units = mapview.routes_in(summaries.totals_units(user, selection), view, prefix="route__")
    fields = ["pk", "route_id", "route__code", "survey_id", "start_m", "end_m", "length_m", index]
    if stored_grade:
        fields.append(stored_grade)
    rows = list(units.order_by("route__code", "survey_id", "start_m").values_list(*fields))
    grades = _grades([r[7] for r in rows], [r[8] for r in rows] if stored_grade else None)
    lines = mapview.RouteLines({r[1] for r in rows})
    detailed = view.detailed and len(rows) <= MAX_DETAIL_FEATURES
    if detailed:
        features = _unit_features(rows, grades, lines, view)
    else:
        features = _run_features(rows, grades, lines, view, index)
    return {"type": "FeatureCollection", "features": features, "detailed": detailed}


def _unit_features(
    rows: list[tuple[Any, ...]], grades: list[str], lines: mapview.RouteLines, view: mapview.View
) -> list[dict[str, Any]]:
    popup_base = reverse("condition:unit-popup", args=[1])[:-2]
    features = []
    for row, grade in zip(rows, grades, strict=True):
        pk, route_id, code, _survey, start_m, end_m, _length, value = row[:8]
        coords = lines.line(route_id, start_m, end_m, view.zoom)
        if coords is None or not _line_in_view(coords, view):
            continue
        features.append(
            {
                "type": "Feature",
                "id": pk,
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {
                    "unit": pk,
                    "route": code,
                    "value": value,
                    "grade": grade,
                    "color": GRADE_COLOURS.get(grade, NO_DATA_COLOUR),
                    "weight": 6,
                    "title": f"{code} {format_chainage(start_m)}–{format_chainage(end_m)}",
                    "popup_url": f"{popup_base}{pk}/",
                },
            }
        )
    return features


def _line_in_view(coords: list[list[float]], view: mapview.View) -> bool:
    if view.bbox is None:
        return True
    lons = [c[0] for c in coords]
    lats = [c[1] for c in coords]
    return view.overlaps((min(lons), min(lats), max(lons), max(lats)))


def _run_features(
    rows: list[tuple[Any, ...]],
    grades: list[str],
    lines: mapview.RouteLines,
    view: mapview.View,
    index: str,
) -> list[dict[str, Any]]:
    """Consecutive units of one survey with one grade as one simplified line each."""
    zoom = view.zoom if view.zoom is not None else mapview.DETAIL_ZOOM - 1
    zoom = min(zoom, mapview.DETAIL_ZOOM - 1)
    index_label = index.upper()
    units_label = _("Units")
    hint = _("Zoom in for single units.")
    features: list[dict[str, Any]] = []
    run: list[int] = []

    def close() -> None:
        if not run:
            return
        first, last = rows[run[0]], rows[run[-1]]
        grade = grades[run[0]]
        coords = lines.line(first[1], first[4], last[5], zoom)
        if coords is None or not _line_in_view(coords, view):
            return
        rated = [(rows[i][7], rows[i][6]) for i in run if rows[i][7] is not None]
        weight = sum(length for _v, length in rated)
        mean = sum(v * length for v, length in rated) / weight if weight > 0 else None
        code = first[2]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {
                    "route": code,
                    "value": None if mean is None else round(mean, 1),
                    "grade": grade,
                    "units": len(run),
                    "color": GRADE_COLOURS.get(grade, NO_DATA_COLOUR),
                    "weight": 5,
                    "title": f"{code} {format_chainage(first[4])}–{format_chainage(last[5])}",
                    "popup": [
                        [index_label, f"{_fmt(mean)} {grade}" if mean is not None else "–"],
                        [units_label, str(len(run))],
                        ["", hint],
                    ],
                },
            }
        )

    for i, row in enumerate(rows):
        if run:
            prev = rows[run[-1]]
            same = (
                row[3] == prev[3] and grades[i] == grades[run[-1]] and row[4] - prev[5] <= RUN_GAP_M
            )
            if not same:
                close()
                run = []
        run.append(i)
    close()
    return features


def unit_popup(unit: SurveyUnit, index: str) -> dict[str, Any]:
    """What the map shows when a unit is clicked: title, rows, a link to its survey."""
    grade = reports.unit_grade(unit, index)
    value = getattr(unit, index)
    popup: list[list[str]] = [
        [_("Survey"), f"{unit.survey.survey_date:%Y-%m-%d} {unit.survey.get_direction_display()}"],
        [_("District"), unit.district.display_name],
        [index.upper(), f"{_fmt(value)} {grade}" if value is not None else "–"],
    ]
    for other in ("pqi", "pci", "rqi", "rdi", "sri", "mqi"):
        if other != index and getattr(unit, other) is not None:
            popup.append(
                [other.upper(), f"{_fmt(getattr(unit, other))} {reports.unit_grade(unit, other)}"]
            )
    if unit.iri is not None:
        popup.append([_("IRI (m/km)"), _fmt(unit.iri, 2)])
    if unit.rd_mm is not None:
        popup.append([_("Rut depth (mm)"), _fmt(unit.rd_mm)])
    code = unit.route.code
    return {
        "unit": unit.pk,
        "route": code,
        "route_name": unit.route.name,
        "value": value,
        "grade": grade,
        "title": f"{code} {format_chainage(unit.start_m)}–{format_chainage(unit.end_m)}",
        "popup": popup,
        "url": reverse("condition:survey-detail", args=[unit.survey_id]) + f"#unit-{unit.pk}",
        "url_label": _("Open survey"),
    }


def extent(user: Any, selection: Selection) -> tuple[float, float, float, float] | None:
    """The bounding box of the routes of the selection (one aggregate query)."""
    from django.db.models import Max, Min

    from zhiyang.network.models import Route

    route_ids = summaries.totals_units(user, selection).values("route_id")
    box = Route.objects.filter(pk__in=route_ids).aggregate(
        w=Min("min_lon"), s=Min("min_lat"), e=Max("max_lon"), n=Max("max_lat")
    )
    if box["w"] is None:
        return None
    return (box["w"], box["s"], box["e"], box["n"])


def unit_extent(user: Any, pk: str) -> tuple[float, float, float, float] | None:
    """The bounding box of one unit's line (for ``?unit=`` links to the map)."""
    if not str(pk).isdigit():
        return None
    row = (
        reports.scoped_units(user)
        .filter(pk=int(pk))
        .values_list("route_id", "start_m", "end_m")
        .first()
    )
    if row is None:
        return None
    coords = mapview.RouteLines([row[0]]).line(row[0], row[1], row[2], None)
    if not coords:
        return None
    lons, lats = [c[0] for c in coords], [c[1] for c in coords]
    return (min(lons), min(lats), max(lons), max(lats))
