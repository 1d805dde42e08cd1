"""Reading GeoJSON and Excel files into records (no validation beyond the file shape)."""

from __future__ import annotations

import io
import pathlib
import zipfile
from typing import Any

import shapely
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from zhiyang.core import jsonsafe
from zhiyang.network.importexport.common import INVALID, SHEETS, Record, RowError


def _read_geojson(data: bytes) -> tuple[list[Record], list[RowError]]:
    try:
        doc = jsonsafe.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        return [], [RowError(0, "", _("The file is not valid JSON: %(reason)s") % {"reason": exc})]
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return [], [RowError(0, "type", _("The file must be a GeoJSON FeatureCollection."))]
    features = doc.get("features")
    if not isinstance(features, list):
        return [], [RowError(0, "features", _("The FeatureCollection has no features list."))]
    records: list[Record] = []
    errors: list[RowError] = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            errors.append(RowError(number, "type", _("Not a GeoJSON Feature.")))
            continue
        props = feature.get("properties")
        if not isinstance(props, dict):
            errors.append(RowError(number, "properties", _("The feature has no properties.")))
            continue
        kind = props.get("kind")
        if kind not in SHEETS.values():
            errors.append(RowError(number, "kind", _("kind must be district, route or section.")))
            continue
        records.append(
            Record(
                kind=str(kind),
                row=number,
                sheet="",
                props=props,
                geometry=feature.get("geometry"),
                has_geometry=True,
            )
        )
    return records, errors


def _read_xlsx(data: bytes) -> tuple[list[Record], list[RowError]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        return [], [
            RowError(
                0, "", _("The file is not a readable Excel workbook: %(reason)s") % {"reason": exc}
            )
        ]
    records: list[Record] = []
    errors: list[RowError] = []
    found = [name for name in SHEETS if name in workbook.sheetnames]
    if not found:
        errors.append(
            RowError(0, "", _("The workbook needs a sheet named districts, routes or sections."))
        )
    for sheet_name in found:
        kind = SHEETS[sheet_name]
        rows = workbook[sheet_name].iter_rows(values_only=True)
        header_row = next(rows, None)
        if header_row is None:
            continue
        header = [str(h).strip() if h is not None else "" for h in header_row]
        for number, values in enumerate(rows, start=2):
            if values is None or all(v is None or str(v).strip() == "" for v in values):
                continue
            props = {name: value for name, value in zip(header, values, strict=False) if name}
            record = Record(kind=kind, row=number, sheet=sheet_name, props=props)
            if kind == "route":
                wkt = props.pop("geometry", None)
                record.has_geometry = True
                record.geometry = _parse_wkt(wkt, number, sheet_name, errors)
            records.append(record)
    workbook.close()
    return records, errors


def _parse_wkt(value: Any, row: int, sheet: str, errors: list[RowError]) -> Any:
    if value is None or str(value).strip() == "":
        return None
    try:
        geom = shapely.from_wkt(str(value).strip())
    except shapely.errors.ShapelyError as exc:
        errors.append(RowError(row, "geometry", _("Not WKT: %(reason)s") % {"reason": exc}, sheet))
        return INVALID
    if geom is None or geom.geom_type != "LineString":
        errors.append(RowError(row, "geometry", _("The geometry must be a WKT LINESTRING."), sheet))
        return INVALID
    return {"type": "LineString", "coordinates": [[x, y] for x, y, *_z in geom.coords]}


def read_records(
    path: pathlib.Path, data: bytes | None = None
) -> tuple[list[Record], list[RowError]]:
    """Records of a .geojson/.json or .xlsx file, with the errors of reading it."""
    suffix = path.suffix.lower()
    if data is None:
        data = path.read_bytes()
    if suffix in (".geojson", ".json"):
        return _read_geojson(data)
    if suffix == ".xlsx":
        return _read_xlsx(data)
    return [], [RowError(0, "", _("Unsupported file type; use .geojson, .json or .xlsx."))]
