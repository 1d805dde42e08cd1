"""Shared vocabulary of network import and export: columns, records, errors, summary."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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

    def message(self) -> str:
        """One line for people: how many errors, and that nothing was written."""
        count = len(self.errors)
        return ngettext(
            "The file has %(count)d error; nothing was imported.",
            "The file has %(count)d errors; nothing was imported.",
            count,
        ) % {"count": count}


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

    def labelled(self) -> list[tuple[str, int]]:
        """(translated label, count) pairs, for people."""
        labels = {
            "districts_created": _("Districts created"),
            "districts_updated": _("Districts updated"),
            "routes_created": _("Routes created"),
            "routes_updated": _("Routes updated"),
            "sections_created": _("Sections created"),
            "sections_deleted": _("Sections replaced"),
            "sections_unchanged": _("Sections unchanged"),
        }
        return [(labels[key], value) for key, value in self.as_dict().items()]


class ExportError(ValueError):
    """The data cannot be written in the requested format (the message says why)."""


@dataclass
class Record:
    kind: str
    row: int
    sheet: str
    props: dict[str, Any]
    geometry: Any = None
    has_geometry: bool = False


@dataclass
class CleanNetwork:
    districts: dict[str, dict[str, Any]] = field(default_factory=dict)
    routes: dict[str, dict[str, Any]] = field(default_factory=dict)
    sections: list[dict[str, Any]] = field(default_factory=list)


# Marks a cell whose value could not be read (already reported as an error).
INVALID = object()
