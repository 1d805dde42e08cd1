"""Export of districts, routes and sections as GeoJSON and Excel."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from zhiyang.core.access import restrict
from zhiyang.core.actors import SYSTEM, is_system
from zhiyang.network.importexport.common import (
    DISTRICT_FIELDS,
    EXCEL_CELL_LIMIT,
    ROUTE_FIELDS,
    SECTION_FIELDS,
    ExportError,
)
from zhiyang.network.models import District, Route, Section


def export_querysets(
    user: Any = SYSTEM,
) -> tuple[models.QuerySet[District], models.QuerySet[Route], models.QuerySet[Section]]:
    """Districts, routes and sections ``user`` may see (everything for the system)."""
    districts = District.objects.all()
    routes = Route.objects.all()
    sections = Section.objects.select_related("route", "district")
    if not is_system(user):
        districts = restrict(districts, user, "view")
        routes = restrict(routes, user, "view")
        sections = restrict(sections, user, "view")
    return districts.order_by("code"), routes.order_by("code"), sections


def district_properties(district: District) -> dict[str, Any]:
    return {
        "kind": "district",
        "code": district.code,
        "name": district.name,
        "name_en": district.name_en,
    }


def route_properties(route: Route) -> dict[str, Any]:
    return {"kind": "route", **{name: getattr(route, name) for name in ROUTE_FIELDS}}


def section_properties(section: Section) -> dict[str, Any]:
    return {
        "kind": "section",
        "route": section.route.code,
        "direction": section.direction,
        "start_m": section.start_m,
        "end_m": section.end_m,
        "lanes": section.lanes,
        "width_m": section.width_m,
        "pavement": section.pavement,
        "district": section.district.code,
    }


def feature(properties: dict[str, Any], geometry: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def export_geojson(
    *,
    districts: Iterable[District],
    routes: Iterable[Route],
    sections: Iterable[Section],
) -> dict[str, Any]:
    """The exchange FeatureCollection of the given (already restricted) rows."""
    features = [feature(district_properties(d), None) for d in districts]
    features += [feature(route_properties(r), r.geometry) for r in routes]
    features += [feature(section_properties(s), s.geometry) for s in sections]
    return {"type": "FeatureCollection", "features": features}


def _wkt(geometry: Any) -> str:
    if not geometry:
        return ""
    coords = geometry.get("coordinates") or []
    return "LINESTRING (" + ", ".join(f"{float(x)!r} {float(y)!r}" for x, y, *_z in coords) + ")"


def _cells(values: list[Any]) -> list[Any]:
    """Row values with the control characters Excel cannot store removed from strings."""
    return [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]


def new_sheet(workbook: Workbook, title: str, header: list[str]) -> Any:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header):
        sheet.column_dimensions[chr(ord("A") + index)].width = max(12, len(name) + 4)
    return sheet


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_xlsx(
    *,
    districts: Iterable[District],
    routes: Iterable[Route],
    sections: Iterable[Section],
) -> bytes:
    """The exchange workbook (sheets districts, routes, sections) of the given rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = new_sheet(workbook, "districts", DISTRICT_FIELDS)
    for d in districts:
        sheet.append(_cells([d.code, d.name, d.name_en]))
    sheet = new_sheet(workbook, "routes", [*ROUTE_FIELDS, "geometry"])
    for r in routes:
        wkt = _wkt(r.geometry)
        if len(wkt) > EXCEL_CELL_LIMIT:
            raise ExportError(
                _(
                    "The geometry of route %(code)s is too long for an Excel cell; export "
                    "GeoJSON instead."
                )
                % {"code": r.code}
            )
        sheet.append(_cells([getattr(r, name) for name in ROUTE_FIELDS] + [wkt]))
    sheet = new_sheet(workbook, "sections", SECTION_FIELDS)
    for s in sections:
        props = section_properties(s)
        sheet.append(_cells([props[name] for name in SECTION_FIELDS]))
    return workbook_bytes(workbook)
