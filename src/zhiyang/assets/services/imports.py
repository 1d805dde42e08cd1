"""Import of assets from Excel, GeoJSON, Shapefile (zipped) and GeoPackage; export to
Excel and GeoJSON in the same columns (a file exported can be imported again).

Every row is validated before anything is written, and the write is one transaction: a file
with any error writes nothing and lists every error by row (the header is row 1; a feature
is row its position + 1) and column. A row updates the asset with its ``code`` if there is
one, else creates it. Columns (Excel) or properties (features):

  code, type (asset type code), name, route, start (K12+345 or metres), end, side,
  offset_m, installed_on, status, note, attr_<name> (one attribute of the type) or
  attributes (a JSON object).

A feature without ``route``/``start`` is placed by its geometry: a point at the nearest
route within ``MAX_SNAP_M``, a line by its two ends. Shapefile and GeoPackage are read with
pyogrio (GDAL; see docs/assets.md for why pyogrio rather than Fiona).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import pathlib
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhiyang.assets.choices import AssetStatus, Side
from zhiyang.assets.models import Asset, AssetType
from zhiyang.core import audit
from zhiyang.core.access import restrict
from zhiyang.core.actors import Actor, is_system
from zhiyang.core.choices import AuditAction
from zhiyang.network import linref
from zhiyang.network.chainage import ChainageError, format_chainage, parse_chainage
from zhiyang.network.importexport.common import ImportValidationError, RowError
from zhiyang.network.models import Route
from zhiyang.network.services import district_at

COLUMNS = [
    "code",
    "type",
    "name",
    "route",
    "start",
    "end",
    "side",
    "offset_m",
    "installed_on",
    "status",
    "note",
]
MAX_SNAP_M = 100.0
MAX_ROWS = 50_000
SPATIAL_SUFFIXES = (".zip", ".shp", ".gpkg")
EXCEL_SUFFIXES = (".xlsx",)
GEOJSON_SUFFIXES = (".geojson", ".json")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    rows: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "rows": self.rows,
            "dry_run": self.dry_run,
        }


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    geometry: Mapping[str, Any] | None = None


# --------------------------------------------------------------------------- reading


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _read_excel(data: bytes) -> list[_Row]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportValidationError([RowError(0, "", _("Not an Excel (.xlsx) file."))]) from exc
    sheet = book["assets"] if "assets" in book.sheetnames else book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(c).lower() for c in next(rows, ())]
    if not any(header):
        raise ImportValidationError([RowError(1, "", _("The sheet has no header row."))])
    out = []
    for number, cells in enumerate(rows, start=2):
        if not any(_text(c) for c in cells):
            continue
        values = {h: cells[i] for i, h in enumerate(header) if h and i < len(cells)}
        out.append(_Row(number, values))
    return out


def _features_rows(features: Iterable[Mapping[str, Any]]) -> list[_Row]:
    out = []
    for number, feature in enumerate(features, start=2):
        props = feature.get("properties") or {}
        if not isinstance(props, Mapping):
            props = {}
        out.append(
            _Row(number, {str(k).lower(): v for k, v in props.items()}, feature.get("geometry"))
        )
    return out


def _read_geojson(data: bytes) -> list[_Row]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ImportValidationError([RowError(0, "", _("Not a GeoJSON file."))]) from exc
    if not isinstance(doc, Mapping) or doc.get("type") != "FeatureCollection":
        raise ImportValidationError([RowError(0, "", _("Expected a GeoJSON FeatureCollection."))])
    return _features_rows(doc.get("features") or [])


def _read_spatial(data: bytes, suffix: str) -> list[_Row]:
    """Shapefile (a .zip with .shp/.shx/.dbf, or a lone .shp) and GeoPackage via pyogrio;
    coordinates are reprojected to WGS 84 when the file declares another CRS."""
    import pyogrio
    import shapely
    from pyproj import CRS, Transformer

    with tempfile.TemporaryDirectory(prefix="zy-assets-") as folder:
        path = pathlib.Path(folder) / f"upload{suffix}"
        path.write_bytes(data)
        source = f"/vsizip/{path}" if suffix == ".zip" else str(path)
        try:
            meta, _fids, geometry, fields = pyogrio.raw.read(source)
        except Exception as exc:  # pyogrio.errors.DataSourceError and GDAL's own
            raise ImportValidationError(
                [RowError(0, "", _("The file cannot be read as a Shapefile or GeoPackage."))]
            ) from exc
    names = [str(n).lower() for n in meta["fields"]]
    transform = None
    if meta.get("crs"):
        crs = CRS.from_user_input(meta["crs"])
        if crs.to_epsg() != 4326:
            transform = Transformer.from_crs(crs, 4326, always_xy=True).transform
    features = []
    for i in range(len(geometry) if geometry is not None else 0):
        shape = shapely.from_wkb(geometry[i]) if geometry[i] is not None else None
        if shape is not None and transform is not None:
            shape = shapely.ops.transform(transform, shape)
        props = {n: _plain(fields[j][i]) for j, n in enumerate(names)}
        features.append(
            {"properties": props, "geometry": shapely.geometry.mapping(shape) if shape else None}
        )
    return _features_rows(features)


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    return value


def read_file(data: bytes, filename: str) -> list[_Row]:
    suffix = pathlib.Path(filename.lower()).suffix
    if suffix in EXCEL_SUFFIXES:
        rows = _read_excel(data)
    elif suffix in GEOJSON_SUFFIXES:
        rows = _read_geojson(data)
    elif suffix in SPATIAL_SUFFIXES:
        import shapely.ops  # noqa: F401  (used by _read_spatial)

        rows = _read_spatial(data, suffix)
    else:
        raise ImportValidationError(
            [RowError(0, "", _("Use an .xlsx, .geojson, zipped Shapefile or .gpkg file."))]
        )
    if len(rows) > MAX_ROWS:
        raise ImportValidationError(
            [RowError(0, "", _("At most %(n)d rows per file.") % {"n": MAX_ROWS})]
        )
    return rows


# --------------------------------------------------------------------------- validation


def _chainage(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return parse_chainage(text)


def _coords(geometry: Mapping[str, Any] | None) -> list[list[float]]:
    if not geometry:
        return []
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if not coords:
        return []
    if kind == "Point":
        return [list(coords)]
    if kind == "LineString":
        return [list(c) for c in coords]
    if kind == "MultiLineString" and coords:
        return [list(c) for c in coords[0]] + [list(c) for c in coords[-1][-1:]]
    return []


def _place_from_geometry(
    row: _Row, routes: Any, errors: list[RowError]
) -> tuple[Route | None, float | None, float | None]:
    coords = _coords(row.geometry)
    if not coords:
        errors.append(RowError(row.number, "route", _("Give route and start, or a geometry.")))
        return None, None, None
    first = linref.locate(coords[0][0], coords[0][1], routes, MAX_SNAP_M)
    if first is None:
        errors.append(
            RowError(row.number, "geometry", _("No route of yours within 100 m of the asset."))
        )
        return None, None, None
    if len(coords) == 1:
        return first.route, round(first.chainage_m, 1), None
    last = linref.locate(coords[-1][0], coords[-1][1], [first.route], MAX_SNAP_M)
    if last is None:
        errors.append(RowError(row.number, "geometry", _("The line leaves the route.")))
        return first.route, None, None
    a, b = sorted((first.chainage_m, last.chainage_m))
    return first.route, round(a, 1), round(b, 1)


def _attributes(row: _Row, errors: list[RowError]) -> dict[str, Any]:
    attributes: dict[str, Any] = {}
    raw = row.values.get("attributes")
    if raw not in (None, ""):
        try:
            parsed = json.loads(raw) if isinstance(raw, str) else raw
        except ValueError:
            parsed = None
        if not isinstance(parsed, dict):
            errors.append(RowError(row.number, "attributes", _("Not a JSON object.")))
        else:
            attributes.update(parsed)
    for key, value in row.values.items():
        if key.startswith("attr_") and _text(value) != "":
            attributes[key.removeprefix("attr_")] = _plain(value)
    return attributes


def _untruncated(attributes: dict[str, Any], schema: Mapping[str, Any]) -> dict[str, Any]:
    """Shapefile (dBase) field names stop at 10 characters (``attr_culvert`` arrives as
    ``attr_culve``): a key the schema lacks that begins exactly one property is that one."""
    names = list((schema or {}).get("properties", {}))
    out = {}
    for key, value in attributes.items():
        if key not in names:
            matches = [n for n in names if n.startswith(key)]
            key = matches[0] if len(matches) == 1 else key
        out[key] = value
    return out


def _build(
    row: _Row,
    *,
    types: Mapping[str, AssetType],
    routes: Any,
    route_by_code: Mapping[str, Route],
    existing: Mapping[str, Asset],
    errors: list[RowError],
) -> Asset | None:
    v = {k: _text(val) for k, val in row.values.items() if not k.startswith("attr")}
    n = row.number
    before = len(errors)
    code = v.get("code", "")
    if not code:
        errors.append(RowError(n, "code", _("Required.")))
    type_ = types.get(v.get("type", "").lower())
    if type_ is None:
        errors.append(
            RowError(n, "type", _("Unknown asset type %(v)r.") % {"v": v.get("type", "")})
        )
    route: Route | None = None
    start = end = None
    if v.get("route") or v.get("start"):
        route = route_by_code.get(v.get("route", "").upper())
        if route is None:
            errors.append(
                RowError(n, "route", _("No route %(v)r in your scope.") % {"v": v.get("route")})
            )
        for name in ("start", "end"):
            if v.get(name):
                try:
                    value = _chainage(v[name])
                except (ChainageError, ValueError):
                    errors.append(RowError(n, name, _("Write the chainage as K12+345.")))
                    continue
                if name == "start":
                    start = value
                else:
                    end = value
        if start is None and not any(e.row == n and e.column == "start" for e in errors):
            errors.append(RowError(n, "start", _("Required.")))
    else:
        route, start, end = _place_from_geometry(row, routes, errors)
    attributes = _attributes(row, errors)
    side = v.get("side") or Side.RIGHT
    if side not in Side.values:
        errors.append(RowError(n, "side", _("One of: %(c)s.") % {"c": ", ".join(Side.values)}))
    status = v.get("status") or AssetStatus.IN_SERVICE
    if status not in AssetStatus.values:
        errors.append(
            RowError(n, "status", _("One of: %(c)s.") % {"c": ", ".join(AssetStatus.values)})
        )
    offset = None
    if v.get("offset_m"):
        try:
            offset = float(v["offset_m"])
        except ValueError:
            errors.append(RowError(n, "offset_m", _("Not a number.")))
    installed = None
    if v.get("installed_on"):
        try:
            installed = dt.date.fromisoformat(v["installed_on"][:10])
        except ValueError:
            errors.append(RowError(n, "installed_on", _("Write the date as 2024-05-31.")))
    if len(errors) > before or type_ is None or route is None or start is None:
        return None
    attributes = _untruncated(attributes, type_.attribute_schema)
    asset = existing.get(code) or Asset(code=code)
    district = district_at(route, start)
    if district is None:
        errors.append(RowError(n, "start", _("No network section at this chainage.")))
        return None
    asset.asset_type, asset.route, asset.district = type_, route, district
    asset.start_m, asset.end_m = start, end
    asset.side, asset.offset_m, asset.status = side, offset, status
    asset.attributes = attributes
    asset.installed_on = installed
    if "name" in v:
        asset.name = v["name"]
    if "note" in v:
        asset.note = v["note"]
    try:
        asset.full_clean(validate_unique=False)
    except ValidationError as exc:
        columns = {"start_m": "start", "end_m": "end", "asset_type": "type"}
        for name, messages in exc.message_dict.items():
            for message in messages:
                errors.append(RowError(n, columns.get(name, name), message))
        return None
    return asset


def import_assets(
    *, actor: Actor, data: bytes, filename: str, dry_run: bool = False
) -> ImportResult:
    """Validate the whole file, then create/update every asset in one transaction; raise
    ``ImportValidationError`` listing every error (nothing written)."""
    from zhiyang.core.actors import require

    require(actor, "assets.asset", "add")
    rows = read_file(data, filename)
    routes = (
        Route.objects.all() if is_system(actor) else restrict(Route.objects.all(), actor, "change")
    )
    route_by_code = {r.code.upper(): r for r in routes}
    types = {t.code: t for t in AssetType.objects.filter(is_active=True)}
    codes = [_text(r.values.get("code")) for r in rows]
    visible = (
        Asset.objects.all() if is_system(actor) else restrict(Asset.objects.all(), actor, "change")
    )
    existing = {a.code: a for a in visible.filter(code__in=codes).select_related("asset_type")}
    hidden = set(Asset.objects.filter(code__in=codes).values_list("code", flat=True)) - set(
        existing
    )
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    built: list[tuple[Asset, bool]] = []
    for row, code in zip(rows, codes, strict=True):
        if code in seen:
            errors.append(RowError(row.number, "code", _("Also in row %(n)d.") % {"n": seen[code]}))
            continue
        if code:
            seen[code] = row.number
        if code in hidden:
            errors.append(RowError(row.number, "code", _("The code belongs to another network.")))
            continue
        asset = _build(
            row,
            types=types,
            routes=routes,
            route_by_code=route_by_code,
            existing=existing,
            errors=errors,
        )
        if asset is not None:
            built.append((asset, asset.pk is None))
    if not rows:
        errors.append(RowError(0, "", _("The file has no rows.")))
    if errors:
        raise ImportValidationError(sorted(errors, key=lambda e: (e.row, e.column)))
    result = ImportResult(rows=len(rows), dry_run=dry_run)
    result.created = sum(1 for _a, new in built if new)
    result.updated = len(built) - result.created
    if dry_run:
        return result
    with transaction.atomic():
        for asset, new in built:
            before = None if new else audit.snapshot(Asset.objects.get(pk=asset.pk))
            asset.save()
            audit.record(
                actor=actor,
                action=AuditAction.CREATE if new else AuditAction.UPDATE,
                obj=asset,
                before=before,
                after=audit.snapshot(asset),
            )
    return result


# --------------------------------------------------------------------------- export


def _row(asset: Asset) -> dict[str, Any]:
    return {
        "code": asset.code,
        "type": asset.asset_type.code,
        "name": asset.name,
        "route": asset.route.code,
        "start": format_chainage(asset.start_m, 1),
        "end": format_chainage(asset.end_m, 1) if asset.end_m is not None else "",
        "side": asset.side,
        "offset_m": asset.offset_m if asset.offset_m is not None else "",
        "installed_on": asset.installed_on.isoformat() if asset.installed_on else "",
        "status": asset.status,
        "note": asset.note,
        "attributes": json.dumps(asset.attributes, ensure_ascii=False) if asset.attributes else "",
    }


def export_xlsx(assets: Iterable[Asset]) -> bytes:
    """The assets in the import columns (sheet ``assets``)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "assets"
    header = [*COLUMNS, "attributes"]
    sheet.append(header)
    for asset in assets:
        row = _row(asset)
        sheet.append([row[c] for c in header])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_geojson(assets: Iterable[Asset]) -> dict[str, Any]:
    """A FeatureCollection with the import columns as properties (re-importable)."""
    from zhiyang.assets.geo import assets_geojson

    assets = list(assets)
    layer = assets_geojson(assets)
    by_id = {a.pk: a for a in assets}
    for feature in layer["features"]:
        asset = by_id[feature["properties"]["id"]]
        row = _row(asset)
        row["attributes"] = asset.attributes
        feature["properties"] = row
    return layer
