"""Import and export of the road network as GeoJSON and Excel (.xlsx).

GeoJSON: a FeatureCollection whose features carry ``properties.kind`` = ``district``,
``route`` or ``section`` (see the shared exchange format in docs/). Excel: a workbook with the
sheets ``districts``, ``routes`` and ``sections``; the first row of each holds the property
names, one object per following row. In Excel the route geometry is the ``geometry`` column
as WKT text, ``LINESTRING (lon lat, lon lat, ...)`` in WGS 84; sections have no geometry
column (it is always derived from the route). Other sheets and unknown columns are ignored.

Import validates the whole file first and collects every error with its row (GeoJSON: the
feature's position in ``features`` counting from 1; Excel: the sheet's row number, header =
row 1) and column (the property name); nothing is written unless the file is clean. Then,
in one transaction with an audit row per change: districts and routes are upserted by code,
and for every route in the file (as a route or named by a section) the sections in the file
replace that route's existing sections (for a user: those inside the user's scope).
"""

from __future__ import annotations

import io
import json
import math
import pathlib
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import shapely
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from zhiyang.core import audit
from zhiyang.core.access import restrict
from zhiyang.core.choices import AuditAction
from zhiyang.network.chainage import ChainageError, parse_chainage
from zhiyang.network.choices import AdminLevel, Direction, Pavement, TechClass
from zhiyang.network.models import District, Route, Section
from zhiyang.network.services import clean_route_geometry, section_geometry

DISTRICT_FIELDS = ["code", "name", "name_en"]
ROUTE_FIELDS = [
    "code",
    "name",
    "name_en",
    "admin_level",
    "tech_class",
    "pavement",
    "start_m",
    "end_m",
]
SECTION_FIELDS = [
    "route",
    "direction",
    "start_m",
    "end_m",
    "lanes",
    "width_m",
    "pavement",
    "district",
]
SHEETS = {"districts": "district", "routes": "route", "sections": "section"}
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GEOJSON_CONTENT_TYPE = "application/geo+json"
CHAINAGE_TOLERANCE_M = 0.5
EXCEL_CELL_LIMIT = 32_767


@dataclass(frozen=True)
class RowError:
    """One problem in an import file: where (row, column, sheet for Excel) and what."""

    row: int
    column: str
    message: str
    sheet: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = f"{self.sheet} " if self.sheet else ""
        return f"{where}row {self.row}, {self.column or '-'}: {self.message}"


class ImportValidationError(Exception):
    """The file has errors; ``errors`` lists every one of them. Nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]) + (" …" if len(errors) > 5 else ""))


@dataclass
class ImportSummary:
    """What an import changed."""

    districts_created: int = 0
    districts_updated: int = 0
    routes_created: int = 0
    routes_updated: int = 0
    sections_created: int = 0
    sections_deleted: int = 0
    sections_unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class _Record:
    kind: str
    row: int
    sheet: str
    props: dict[str, Any]
    geometry: Any = None
    has_geometry: bool = False


@dataclass
class _Clean:
    districts: dict[str, dict[str, Any]] = field(default_factory=dict)
    routes: dict[str, dict[str, Any]] = field(default_factory=dict)
    sections: list[dict[str, Any]] = field(default_factory=list)


# --- Reading -------------------------------------------------------------------------------


def _read_geojson(data: bytes) -> tuple[list[_Record], list[RowError]]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [], [RowError(0, "", _("The file is not valid JSON: %(reason)s") % {"reason": exc})]
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return [], [RowError(0, "type", _("The file must be a GeoJSON FeatureCollection."))]
    features = doc.get("features")
    if not isinstance(features, list):
        return [], [RowError(0, "features", _("The FeatureCollection has no features list."))]
    records: list[_Record] = []
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
            _Record(
                kind=str(kind),
                row=number,
                sheet="",
                props=props,
                geometry=feature.get("geometry"),
                has_geometry=True,
            )
        )
    return records, errors


def _read_xlsx(data: bytes) -> tuple[list[_Record], list[RowError]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        return [], [
            RowError(
                0, "", _("The file is not a readable Excel workbook: %(reason)s") % {"reason": exc}
            )
        ]
    records: list[_Record] = []
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
            record = _Record(kind=kind, row=number, sheet=sheet_name, props=props)
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
        return _INVALID
    if geom is None or geom.geom_type != "LineString":
        errors.append(RowError(row, "geometry", _("The geometry must be a WKT LINESTRING."), sheet))
        return _INVALID
    return {"type": "LineString", "coordinates": [[x, y] for x, y, *_z in geom.coords]}


_INVALID = object()


def read_records(
    path: pathlib.Path, data: bytes | None = None
) -> tuple[list[_Record], list[RowError]]:
    """Records of a .geojson/.json or .xlsx file, with the errors of reading it."""
    suffix = path.suffix.lower()
    if data is None:
        data = path.read_bytes()
    if suffix in (".geojson", ".json"):
        return _read_geojson(data)
    if suffix == ".xlsx":
        return _read_xlsx(data)
    return [], [RowError(0, "", _("Unsupported file type; use .geojson, .json or .xlsx."))]


# --- Validation ----------------------------------------------------------------------------


class _Invalid(Exception):
    pass


class _Checker:
    """Field readers that record errors against one record."""

    def __init__(self, record: _Record, errors: list[RowError]):
        self.record = record
        self.errors = errors
        self.ok = True

    def fail(self, column: str, message: str) -> None:
        self.ok = False
        self.errors.append(RowError(self.record.row, column, message, self.record.sheet))

    def raw(self, name: str) -> Any:
        value = self.record.props.get(name)
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def text(self, name: str, *, required: bool, max_length: int) -> str:
        value = self.raw(name)
        if value is None:
            if required:
                self.fail(name, _("This value is required."))
            return ""
        if isinstance(value, bool):
            self.fail(name, _("Expected text."))
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value)
        if len(text) > max_length:
            self.fail(name, _("At most %(n)d characters.") % {"n": max_length})
        return text

    def code(self, name: str, *, max_length: int, digits: bool = False) -> str:
        text = self.text(name, required=True, max_length=max_length)
        if text and any(ch.isspace() for ch in text):
            self.fail(name, _("A code cannot contain spaces."))
        elif text and digits and not text.isdigit():
            self.fail(name, _("A division code is made of digits, e.g. 140213."))
        return text

    def choice(
        self, name: str, choices: type[models.TextChoices], default: str | None = None
    ) -> str:
        value = self.raw(name)
        if value is None:
            if default is not None:
                return default
            self.fail(name, _("This value is required."))
            return ""
        text = str(value).strip().lower()
        if text not in choices.values:
            self.fail(
                name,
                _("“%(value)s” is not allowed; use one of: %(allowed)s.")
                % {"value": value, "allowed": ", ".join(choices.values)},
            )
        return text

    def number(self, name: str, *, required: bool = True, default: float | None = None) -> float:
        value = self.raw(name)
        if value is None:
            if default is not None:
                return default
            if required:
                self.fail(name, _("This value is required."))
            return math.nan
        if isinstance(value, bool):
            self.fail(name, _("Expected a number."))
            return math.nan
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(name, _("Expected a number."))
            return math.nan
        if not math.isfinite(number):
            self.fail(name, _("Expected a finite number."))
            return math.nan
        return number

    def chainage(self, name: str, *, default: float | None = None) -> float:
        value = self.raw(name)
        if value is None and default is not None:
            return default
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
            try:
                return parse_chainage(value)
            except ChainageError as exc:
                self.fail(name, str(exc))
                return math.nan
        number = self.number(name)
        if math.isfinite(number) and number < 0:
            self.fail(name, _("A chainage cannot be negative."))
            return math.nan
        return number

    def integer(self, name: str, *, default: int, low: int, high: int) -> int:
        number = self.number(name, default=float(default))
        if not math.isfinite(number):
            return default
        if not number.is_integer():
            self.fail(name, _("Expected a whole number."))
            return default
        if not low <= number <= high:
            self.fail(name, _("Must be between %(low)d and %(high)d.") % {"low": low, "high": high})
        return int(number)

    def geometry(self) -> dict[str, Any] | None:
        geometry = self.record.geometry
        if geometry is _INVALID:
            self.ok = False
            return None
        if geometry is None:
            return None
        try:
            return clean_route_geometry(geometry)
        except ValidationError as exc:
            self.fail("geometry", exc.message_dict["geometry"][0])
            return None


def _check_range(check: _Checker, start_m: float, end_m: float) -> None:
    if math.isfinite(start_m) and math.isfinite(end_m) and end_m <= start_m:
        check.fail("end_m", _("The end chainage must be after the start."))


def validate_records(records: Iterable[_Record]) -> tuple[_Clean, list[RowError]]:
    """Clean values of every record and every error found, cross-checked with the database."""
    errors: list[RowError] = []
    clean = _Clean()
    named_routes: set[str] = set()
    named_districts: set[str] = set()
    section_rows: list[tuple[_Checker, dict[str, Any]]] = []

    for record in records:
        check = _Checker(record, errors)
        if record.kind == "district":
            code = check.code("code", max_length=12, digits=True)
            values: dict[str, Any] = {
                "code": code,
                "name": check.text("name", required=True, max_length=100),
                "name_en": check.text("name_en", required=False, max_length=100),
            }
            if code in named_districts:
                check.fail("code", _("District %(code)s appears twice.") % {"code": code})
            named_districts.add(code)
            if check.ok:
                clean.districts[code] = values
        elif record.kind == "route":
            code = check.code("code", max_length=20)
            values = {
                "code": code,
                "name": check.text("name", required=True, max_length=200),
                "name_en": check.text("name_en", required=False, max_length=200),
                "admin_level": check.choice("admin_level", AdminLevel),
                "tech_class": check.choice("tech_class", TechClass),
                "pavement": check.choice("pavement", Pavement),
                "start_m": check.chainage("start_m", default=0.0),
                "end_m": check.chainage("end_m"),
                "geometry": check.geometry(),
            }
            _check_range(check, values["start_m"], values["end_m"])
            if code in named_routes:
                check.fail("code", _("Route %(code)s appears twice.") % {"code": code})
            named_routes.add(code)
            if check.ok:
                clean.routes[code] = values
        else:
            values = {
                "route": check.code("route", max_length=20),
                "direction": check.choice("direction", Direction, default=Direction.BOTH),
                "start_m": check.chainage("start_m"),
                "end_m": check.chainage("end_m"),
                "lanes": check.integer("lanes", default=2, low=1, high=20),
                "width_m": check.number("width_m"),
                "pavement": check.choice("pavement", Pavement),
                "district": check.code("district", max_length=12, digits=True),
            }
            if math.isfinite(values["width_m"]) and not 0 < values["width_m"] <= 100:
                check.fail("width_m", _("The width must be positive (metres, at most 100)."))
            _check_range(check, values["start_m"], values["end_m"])
            section_rows.append((check, values))

    # Cross-checks against the file and the database.
    route_codes = {v["route"] for _c, v in section_rows if v["route"]} - named_routes
    district_codes = {v["district"] for _c, v in section_rows if v["district"]} - named_districts
    db_routes = {r.code: (r.start_m, r.end_m) for r in Route.objects.filter(code__in=route_codes)}
    db_districts = set(
        District.objects.filter(code__in=district_codes).values_list("code", flat=True)
    )
    for check, values in section_rows:
        code = values["route"]
        if code and code not in named_routes and code not in db_routes:
            check.fail("route", _("Unknown route %(code)s.") % {"code": code})
        district = values["district"]
        if district and district not in named_districts and district not in db_districts:
            check.fail("district", _("Unknown district %(code)s.") % {"code": district})
        if code in clean.routes:
            route_range = (clean.routes[code]["start_m"], clean.routes[code]["end_m"])
        else:
            route_range = db_routes.get(code)  # type: ignore[assignment]
        start_m, end_m = values["start_m"], values["end_m"]
        if route_range and math.isfinite(start_m) and math.isfinite(end_m):
            low, high = route_range
            if start_m < low - CHAINAGE_TOLERANCE_M:
                check.fail("start_m", _("The section starts before its route does."))
            if end_m > high + CHAINAGE_TOLERANCE_M:
                check.fail("end_m", _("The section ends after its route does."))
        if check.ok:
            clean.sections.append(values)
    return clean, errors


def _error_order(error: RowError) -> tuple[int, int]:
    return (list(SHEETS).index(error.sheet) if error.sheet in SHEETS else -1, error.row)


# --- Writing -------------------------------------------------------------------------------


def _upsert(
    *, user: Any, model: type[models.Model], values: dict[str, Any]
) -> tuple[models.Model, str]:
    """Create or update by code; returns (object, "created" | "updated" | "unchanged")."""
    obj = model._default_manager.filter(code=values["code"]).first()
    if obj is None:
        obj = model(**values)
        obj.full_clean()
        obj.save()
        audit.record(
            user=user, action=AuditAction.CREATE, obj=obj, before=None, after=audit.snapshot(obj)
        )
        return obj, "created"
    if all(getattr(obj, k) == v for k, v in values.items()):
        return obj, "unchanged"
    before = audit.snapshot(obj)
    for k, v in values.items():
        setattr(obj, k, v)
    obj.full_clean()
    obj.save()
    audit.record(
        user=user, action=AuditAction.UPDATE, obj=obj, before=before, after=audit.snapshot(obj)
    )
    return obj, "updated"


def _section_key(values: dict[str, Any]) -> tuple[Any, ...]:
    return (
        values["direction"],
        float(values["start_m"]),
        float(values["end_m"]),
        int(values["lanes"]),
        float(values["width_m"]),
        values["pavement"],
        values["district"],
    )


def _in_scope(user: Any, obj: models.Model, action: str) -> bool:
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def write_clean(clean: _Clean, *, user: Any = None) -> ImportSummary:
    """Write validated values in one transaction, audited; scope-checked for a user."""
    summary = ImportSummary()
    scope_errors: list[RowError] = []
    to_check: list[tuple[models.Model, str, str]] = []
    with transaction.atomic():
        districts: dict[str, District] = {}
        for code, values in clean.districts.items():
            obj, outcome = _upsert(user=user, model=District, values=values)
            districts[code] = obj  # type: ignore[assignment]
            if outcome == "created":
                summary.districts_created += 1
            elif outcome == "updated":
                summary.districts_updated += 1
            if outcome != "unchanged":
                to_check.append((obj, "add" if outcome == "created" else "change", code))
        routes: dict[str, Route] = {}
        shape_changed: set[str] = set()
        for code, values in clean.routes.items():
            old = Route.objects.filter(code=code).values("geometry", "start_m", "end_m").first()
            obj, outcome = _upsert(user=user, model=Route, values=values)
            routes[code] = obj  # type: ignore[assignment]
            if outcome == "created":
                summary.routes_created += 1
            elif outcome == "updated":
                summary.routes_updated += 1
                if old != {k: values[k] for k in ("geometry", "start_m", "end_m")}:
                    shape_changed.add(code)
            if outcome != "unchanged":
                to_check.append((obj, "add" if outcome == "created" else "change", code))
        by_route: dict[str, list[dict[str, Any]]] = {code: [] for code in clean.routes}
        for values in clean.sections:
            by_route.setdefault(values["route"], []).append(values)
        missing_routes = set(by_route) - set(routes)
        routes.update({r.code: r for r in Route.objects.filter(code__in=missing_routes)})
        needed = {v["district"] for v in clean.sections} - set(districts)
        districts.update({d.code: d for d in District.objects.filter(code__in=needed)})

        for code, new_sections in by_route.items():
            route = routes[code]
            existing = Section.objects.filter(route=route).select_related("district")
            if user is not None:
                existing = restrict(existing, user, "delete")
            existing_list = list(existing)
            old_keys = Counter(
                _section_key(
                    {**{f: getattr(s, f) for f in SECTION_FIELDS[1:7]}, "district": s.district.code}
                )
                for s in existing_list
            )
            new_keys = Counter(_section_key(v) for v in new_sections)
            if old_keys == new_keys and code not in shape_changed:
                summary.sections_unchanged += len(new_sections)
                continue
            for section in existing_list:
                audit.record(
                    user=user,
                    action=AuditAction.DELETE,
                    obj=section,
                    before=audit.snapshot(section),
                    after=None,
                )
                section.delete()
                summary.sections_deleted += 1
            for values in new_sections:
                section = Section(
                    route=route,
                    direction=values["direction"],
                    start_m=values["start_m"],
                    end_m=values["end_m"],
                    lanes=values["lanes"],
                    width_m=values["width_m"],
                    pavement=values["pavement"],
                    district=districts[values["district"]],
                    geometry=section_geometry(route, values["start_m"], values["end_m"]),
                )
                section.full_clean()
                section.save()
                audit.record(
                    user=user,
                    action=AuditAction.CREATE,
                    obj=section,
                    before=None,
                    after=audit.snapshot(section),
                )
                summary.sections_created += 1
                to_check.append((section, "add", str(section)))
        if user is not None:
            # Sections of changed routes the user could not replace still follow the route.
            from zhiyang.network.services import rederive_sections

            for code in shape_changed:
                rederive_sections(user=user, route=routes[code])
            for obj, action, label in to_check:
                if not _in_scope(user, obj, action):
                    scope_errors.append(
                        RowError(
                            0,
                            "",
                            _("%(object)s would be outside your scope or permissions.")
                            % {"object": label},
                        )
                    )
        if scope_errors:
            transaction.set_rollback(True)
    if scope_errors:
        raise ImportValidationError(scope_errors)
    return summary


def import_network_data(data: bytes, *, filename: str, user: Any = None) -> ImportSummary:
    """Validate and import file contents (``filename`` gives the type by its extension)."""
    records, errors = read_records(pathlib.Path(filename), data)
    clean, more = validate_records(records)
    errors.extend(more)
    if errors:
        raise ImportValidationError(sorted(errors, key=_error_order))
    return write_clean(clean, user=user)


def import_network_file(path: pathlib.Path, *, user: Any = None) -> ImportSummary:
    """Validate and import a .geojson/.json or .xlsx file; ``ImportValidationError`` (and
    nothing written) when it has any error."""
    path = pathlib.Path(path)
    return import_network_data(path.read_bytes(), filename=path.name, user=user)


# --- Export --------------------------------------------------------------------------------


def export_querysets(
    user: Any = None,
) -> tuple[models.QuerySet[District], models.QuerySet[Route], models.QuerySet[Section]]:
    """Districts, routes and sections ``user`` may see (everything for None)."""
    districts = District.objects.all()
    routes = Route.objects.all()
    sections = Section.objects.select_related("route", "district")
    if user is not None:
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


def _new_sheet(workbook: Workbook, title: str, header: list[str]) -> Any:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header):
        sheet.column_dimensions[chr(ord("A") + index)].width = max(12, len(name) + 4)
    return sheet


def _workbook_bytes(workbook: Workbook) -> bytes:
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
    sheet = _new_sheet(workbook, "districts", DISTRICT_FIELDS)
    for d in districts:
        sheet.append([d.code, d.name, d.name_en])
    sheet = _new_sheet(workbook, "routes", [*ROUTE_FIELDS, "geometry"])
    for r in routes:
        wkt = _wkt(r.geometry)
        if len(wkt) > EXCEL_CELL_LIMIT:
            raise ValueError(
                _(
                    "The geometry of route %(code)s is too long for an Excel cell; export "
                    "GeoJSON instead."
                )
                % {"code": r.code}
            )
        sheet.append([getattr(r, name) for name in ROUTE_FIELDS] + [wkt])
    sheet = _new_sheet(workbook, "sections", SECTION_FIELDS)
    for s in sections:
        props = section_properties(s)
        sheet.append([props[name] for name in SECTION_FIELDS])
    return _workbook_bytes(workbook)


# Column notes of the template: (sheet, column, required, 中文说明, English description).
TEMPLATE_NOTES: list[tuple[str, str, str, str, str]] = [
    (
        "districts",
        "code",
        "是 yes",
        "行政区划代码（GB/T 2260，数字），如 140213",
        "Administrative division code (GB/T 2260, digits), e.g. 140213",
    ),
    ("districts", "name", "是 yes", "中文名称", "Chinese name"),
    ("districts", "name_en", "否 no", "英文名称", "English name"),
    (
        "routes",
        "code",
        "是 yes",
        "路线编号，如 G208、S203；已存在则更新",
        "Route code such as G208 or S203; an existing route is updated",
    ),
    ("routes", "name", "是 yes", "路线名称", "Route name"),
    ("routes", "name_en", "否 no", "英文名称", "English name"),
    (
        "routes",
        "admin_level",
        "是 yes",
        "行政等级：national 国道 / provincial 省道 / county 县道",
        "Administrative level: national / provincial / county",
    ),
    (
        "routes",
        "tech_class",
        "是 yes",
        "技术等级：expressway 高速 / class1 一级 / class2 二级 / class3 三级 / class4 四级",
        "Technical class: expressway / class1 / class2 / class3 / class4",
    ),
    (
        "routes",
        "pavement",
        "是 yes",
        "路面类型：asphalt 沥青 / concrete 水泥混凝土",
        "Pavement: asphalt / concrete",
    ),
    (
        "routes",
        "start_m",
        "否 no",
        "起点桩号，米（如 0 或 K0+000），默认 0",
        "Start chainage in metres (e.g. 0 or K0+000), default 0",
    ),
    (
        "routes",
        "end_m",
        "是 yes",
        "终点桩号，米（如 18200 或 K18+200），须大于起点",
        "End chainage in metres (e.g. 18200 or K18+200), after the start",
    ),
    (
        "routes",
        "geometry",
        "否 no",
        "中心线，WKT 格式 LINESTRING (经度 纬度, 经度 纬度, …)，WGS 84，从起点到终点",
        "Centre line as WKT LINESTRING (lon lat, lon lat, ...), WGS 84, from start to end",
    ),
    (
        "sections",
        "route",
        "是 yes",
        "路线编号（本文件或系统中已有）",
        "Route code (in this file or already in the system)",
    ),
    (
        "sections",
        "direction",
        "否 no",
        "方向：up 上行 / down 下行 / both 双向，默认 both",
        "Direction: up / down / both (default both)",
    ),
    (
        "sections",
        "start_m",
        "是 yes",
        "起点桩号，米或 K12+345 格式，须在路线范围内",
        "Start chainage, metres or K12+345, within the route's range",
    ),
    (
        "sections",
        "end_m",
        "是 yes",
        "终点桩号，米或 K12+345 格式，须大于起点",
        "End chainage, metres or K12+345, after the start",
    ),
    ("sections", "lanes", "否 no", "车道数，1–20，默认 2", "Number of lanes, 1–20, default 2"),
    ("sections", "width_m", "是 yes", "行车道宽度，米", "Carriageway width in metres"),
    (
        "sections",
        "pavement",
        "是 yes",
        "路面类型：asphalt / concrete",
        "Pavement: asphalt / concrete",
    ),
    (
        "sections",
        "district",
        "是 yes",
        "所在区县的行政区划代码（本文件或系统中已有）",
        "Division code of its district (in this file or already in the system)",
    ),
]

TEMPLATE_INTRO = [
    "导入规则：先校验整个文件，任何错误都会按行和列列出，且不写入任何数据；"
    "区县和路线按编号新增或更新；文件中每条路线的路段整体替换该路线已有的路段。"
    "路段几何由路线中心线按桩号自动生成。",
    "Import rules: the whole file is validated first; every error is listed by row and "
    "column and nothing is written. Districts and routes are created or updated by code; "
    "for every route in the file, its sections in the file replace the route's existing "
    "sections. Section geometry is derived from the route centre line by chainage.",
]


def excel_template() -> bytes:
    """A blank exchange workbook with one example row per sheet and a 说明 (notes) sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _new_sheet(workbook, "districts", DISTRICT_FIELDS).append(["140213", "平城区", "Pingcheng"])
    _new_sheet(workbook, "routes", [*ROUTE_FIELDS, "geometry"]).append(
        [
            "G208",
            "二连浩特—河源线",
            "Erenhot–Heyuan",
            "national",
            "class1",
            "asphalt",
            0,
            12000,
            "LINESTRING (113.28 40.05, 113.31 40.09, 113.33 40.15)",
        ]
    )
    _new_sheet(workbook, "sections", SECTION_FIELDS).append(
        ["G208", "both", "K0+000", "K12+000", 4, 15, "asphalt", "140213"]
    )
    notes = workbook.create_sheet("说明 notes")
    for line in TEMPLATE_INTRO:
        notes.append([line])
    notes.append([])
    notes.append(["sheet 工作表", "column 列", "required 必填", "说明", "description"])
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
    for row in TEMPLATE_NOTES:
        notes.append(list(row))
    for letter, width in zip("ABCDE", (14, 14, 12, 60, 60), strict=True):
        notes.column_dimensions[letter].width = width
    return _workbook_bytes(workbook)
