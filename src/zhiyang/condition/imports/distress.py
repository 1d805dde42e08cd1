"""Distress records from the Excel template (``zhiyang condition template``, API
``template.xlsx``); CSV with the same columns works too.

Sheet ``distress`` (病害), one record per row:

=========  ==================================  ====================================
field      aliases                             content
=========  ==================================  ====================================
start_m    start, 起点桩号, 桩号                metres or K12+345.6 (required)
end_m      end, 终点桩号                        blank for a point record
distress   type, 病害, 病害类型, 病害名称        a key (``alligator``), an item key
                                               (``alligator_light``) or its Chinese
                                               name (龟裂)
severity   严重程度, 程度                       light/medium/heavy or 轻/中/重; blank for
                                               items without levels (泛油, 修补)
quantity   数量, 面积, 长度                      m² or m as the item is measured (> 0)
note       备注, 说明                           free text
=========  ==================================  ====================================

Sheet ``distress_types`` lists every valid distress of both pavements with its Chinese and
English name and unit. Each record is checked against the pavement of the section at its
chainage (an asphalt distress on a concrete section is an error).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from zhiyang.condition.imports.tables import (
    CellError,
    alias_table,
    chainage,
    is_blank,
    normalise,
    number,
    read_table,
)
from zhiyang.network.chainage import format_chainage
from zhiyang.network.importexport.common import ImportValidationError, RowError

FIELDS = ("start_m", "end_m", "distress", "severity", "quantity", "note")
ALIASES = alias_table(
    {
        "start_m": ["start", "from", "起点桩号", "起点", "桩号"],
        "end_m": ["end", "to", "终点桩号", "终点"],
        "distress": ["type", "病害", "病害类型", "病害名称", "损坏类型"],
        "severity": ["level", "严重程度", "程度", "损坏程度"],
        "quantity": ["数量", "面积", "长度", "损坏面积", "amount"],
        "note": ["notes", "备注", "说明"],
    }
)
SEVERITY_ALIASES = {
    "light": "light",
    "轻": "light",
    "轻度": "light",
    "medium": "medium",
    "中": "medium",
    "中度": "medium",
    "heavy": "heavy",
    "重": "heavy",
    "重度": "heavy",
}
TEMPLATE_HEADERS = (
    "起点桩号 start_m",
    "终点桩号 end_m",
    "病害 distress",
    "严重程度 severity",
    "数量 quantity",
    "备注 note",
)


def _items(edition: str) -> list[Any]:
    from zhiyang.analytics.rating import PAVEMENTS, distress_items

    return [item for pavement in PAVEMENTS for item in distress_items(pavement, edition)]


@dataclass
class ParsedDistress:
    rows: list[dict[str, Any]]
    ignored: list[str] = field(default_factory=list)


def _match_item(
    items: list[Any], distress: str, severity: str, pavement: str
) -> tuple[Any | None, str, str]:
    """The engine's item for a cell's distress and severity on a pavement, or None with
    the error message and the field it concerns."""
    text = normalise(distress)
    candidates = [
        item
        for item in items
        if item.pavement == pavement
        and text in (normalise(item.key), normalise(item.type), normalise(item.name_zh))
    ]
    by_key = [item for item in candidates if normalise(item.key) == text]
    if by_key:
        return by_key[0], "", ""
    if not candidates:
        others = [
            i for i in items if text in (normalise(i.type), normalise(i.key), normalise(i.name_zh))
        ]
        if others:
            message = _("“%(value)s” is not a distress of %(pavement)s pavement.") % {
                "value": distress,
                "pavement": pavement,
            }
            return None, message, "distress"
        message = _("Unknown distress “%(value)s”; see the distress_types sheet.") % {
            "value": distress
        }
        return None, message, "distress"
    level = SEVERITY_ALIASES.get(normalise(severity), normalise(severity))
    for item in candidates:
        if item.severity == level:
            return item, "", ""
    if len(candidates) == 1 and not candidates[0].severity and not level:
        return candidates[0], "", ""
    levels = ", ".join(i.severity or "-" for i in candidates)
    message = _("Severity “%(value)s” does not apply; use one of: %(levels)s.") % {
        "value": severity,
        "levels": levels,
    }
    return None, message, "severity"


def parse_distress(
    data: bytes, filename: str, *, route: Any, edition: str, pavement_at: Any
) -> ParsedDistress:
    """Validated distress rows (``pavement_at(chainage) -> pavement``), or
    ImportValidationError listing every problem."""
    table = read_table(
        data,
        filename,
        aliases=ALIASES,
        required=("start_m", "distress", "quantity"),
        sheet_names=("distress", "病害"),
    )
    items = _items(edition)
    errors: list[RowError] = []
    rows: list[dict[str, Any]] = []

    def column(name: str) -> str:
        return table.headers.get(name, name)

    for row_number, values in table.rows:
        problems: list[RowError] = []
        row: dict[str, Any] = {}
        for name in ("start_m", "end_m"):
            try:
                row[name] = chainage(table.cell(values, name))
            except CellError as exc:
                problems.append(RowError(row_number, column(name), str(exc), table.sheet))
        try:
            row["quantity"] = number(table.cell(values, "quantity"))
            if row["quantity"] is None or row["quantity"] <= 0:
                problems.append(
                    RowError(
                        row_number,
                        column("quantity"),
                        _("The quantity must be a number above 0."),
                        table.sheet,
                    )
                )
        except CellError as exc:
            problems.append(RowError(row_number, column("quantity"), str(exc), table.sheet))
        note = table.cell(values, "note")
        row["note"] = "" if is_blank(note) else str(note).strip()
        if not problems and row["start_m"] is None:
            problems.append(
                RowError(row_number, column("start_m"), _("The chainage is missing."), table.sheet)
            )
        if not problems:
            start, end = row["start_m"], row["end_m"]
            if end is not None and end < start:
                row["start_m"], row["end_m"] = end, start
            if not route.covers(row["start_m"], row["end_m"]):
                problems.append(
                    RowError(
                        row_number,
                        column("start_m"),
                        _("%(chainage)s is outside the route (%(start)s–%(end)s).")
                        % {
                            "chainage": format_chainage(row["start_m"]),
                            "start": format_chainage(route.start_m),
                            "end": format_chainage(route.end_m),
                        },
                        table.sheet,
                    )
                )
        distress = table.cell(values, "distress")
        if is_blank(distress):
            problems.append(
                RowError(row_number, column("distress"), _("The distress is missing."), table.sheet)
            )
        elif not problems:
            severity = table.cell(values, "severity")
            item, message, where = _match_item(
                items,
                str(distress).strip(),
                "" if is_blank(severity) else str(severity).strip(),
                pavement_at(row["start_m"]),
            )
            if item is None:
                problems.append(RowError(row_number, column(where), message, table.sheet))
            else:
                row.update(
                    distress=item.type, severity=item.severity, unit=item.unit, _row=row_number
                )
        if problems:
            errors += problems
        else:
            rows.append(row)
    if not rows and not errors:
        errors.append(RowError(2, "", _("The file has no data rows."), table.sheet))
    if errors:
        raise ImportValidationError(errors)
    return ParsedDistress(rows=rows, ignored=table.ignored)


def excel_template(edition: str = "2018") -> bytes:
    """The distress import workbook: the ``distress`` sheet with headers and an example
    row, and ``distress_types`` listing every valid distress with names and units."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "distress"
    sheet.append(list(TEMPLATE_HEADERS))
    sheet.append(["K12+100", "K12+130", "alligator", "light", 24.5, ""])
    sheet.append(["K12+480", "", "pothole", "heavy", 0.8, ""])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (16, 16, 22, 16, 14, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    types = workbook.create_sheet("distress_types")
    types.append(
        [
            "distress",
            "severity",
            "key",
            "名称",
            "name",
            "unit 单位",
            "pavement 路面",
            "weight 权重",
        ]
    )
    for item in _items(edition):
        types.append(
            [
                item.type,
                item.severity,
                item.key,
                item.name_zh,
                item.name_en,
                item.unit,
                item.pavement,
                item.weight,
            ]
        )
    for cell in types[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCDEFGH", (22, 10, 28, 16, 30, 10, 12, 10), strict=True):
        types.column_dimensions[letter].width = width
    notes = workbook.create_sheet("notes")
    for line in (
        "One distress record per row of the sheet distress; the header row may be kept as is.",
        "每行一条病害记录；表头可保持不变。",
        "start_m/end_m: metres or K12+345; end_m blank for a point record (坑槽).",
        "distress: the distress key or its Chinese name from distress_types; severity: "
        "light/medium/heavy or 轻/中/重 (blank for items without levels).",
        "quantity: m² for area items, m for length items (see the unit column).",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
