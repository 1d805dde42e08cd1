"""Validation of every record before anything is written; errors by row and column."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

from zhiyang.network.chainage import ChainageError, parse_chainage
from zhiyang.network.choices import AdminLevel, Direction, Pavement, TechClass
from zhiyang.network.importexport.common import (
    INVALID,
    SHEETS,
    CleanNetwork,
    Record,
    RowError,
)
from zhiyang.network.models import CHAINAGE_TOLERANCE_M, District, Route
from zhiyang.network.services import clean_route_geometry


class _Invalid(Exception):
    pass


class _Checker:
    """Field readers that record errors against one record."""

    def __init__(self, record: Record, errors: list[RowError]):
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

    def text(self, name: str, field: models.Field[Any, Any], *, required: bool) -> str:
        """Text for model ``field``: its length limit and validators apply."""
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
        if field.max_length is not None and len(text) > field.max_length:
            self.fail(name, _("At most %(n)d characters.") % {"n": field.max_length})
        try:
            field.run_validators(text)
        except ValidationError as exc:
            for message in exc.messages:
                self.fail(name, message)
        return text

    def code(self, name: str, field: models.Field[Any, Any], *, digits: bool = False) -> str:
        text = self.text(name, field, required=True)
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
        if geometry is INVALID:
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


DISTRICT_CODE = District._meta.get_field("code")
ROUTE_CODE = Route._meta.get_field("code")


def validate_records(records: Iterable[Record]) -> tuple[CleanNetwork, list[RowError]]:
    """Clean values of every record and every error found, cross-checked with the database."""
    errors: list[RowError] = []
    clean = CleanNetwork()
    named_routes: set[str] = set()
    named_districts: set[str] = set()
    section_rows: list[tuple[_Checker, dict[str, Any]]] = []

    for record in records:
        check = _Checker(record, errors)
        if record.kind == "district":
            code = check.code("code", DISTRICT_CODE, digits=True)
            values: dict[str, Any] = {
                "code": code,
                "name": check.text("name", District._meta.get_field("name"), required=True),
                "name_en": check.text(
                    "name_en", District._meta.get_field("name_en"), required=False
                ),
            }
            if code in named_districts:
                check.fail("code", _("District %(code)s appears twice.") % {"code": code})
            named_districts.add(code)
            if check.ok:
                clean.districts[code] = values
        elif record.kind == "route":
            code = check.code("code", ROUTE_CODE)
            values = {
                "code": code,
                "name": check.text("name", Route._meta.get_field("name"), required=True),
                "name_en": check.text("name_en", Route._meta.get_field("name_en"), required=False),
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
                "route": check.code("route", ROUTE_CODE),
                "direction": check.choice("direction", Direction, default=Direction.BOTH),
                "start_m": check.chainage("start_m"),
                "end_m": check.chainage("end_m"),
                "lanes": check.integer("lanes", default=2, low=1, high=20),
                "width_m": check.number("width_m"),
                "pavement": check.choice("pavement", Pavement),
                "district": check.code("district", DISTRICT_CODE, digits=True),
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


def error_order(error: RowError) -> tuple[int, int]:
    return (list(SHEETS).index(error.sheet) if error.sheet in SHEETS else -1, error.row)
