"""Reading tabular import files (CSV and Excel) into rows, with header aliases.

Survey vendors name their columns in many ways (``start_m``, ``起点桩号``, ``左IRI (m/km)``):
headers are normalised (case, spaces, underscores and bracketed units removed) and looked up
in each importer's alias table. Row numbers are those a spreadsheet shows: the header is
row 1, the first data row row 2.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from zhiyang.network.chainage import ChainageError, parse_chainage
from zhiyang.network.importexport.common import ImportValidationError, RowError

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Cells meaning "not measured".
BLANKS = frozenset({"", "-", "--", "—", "/", "n/a", "na", "nan", "null", "none", "无"})
_BRACKETS = re.compile(r"[\(（\[【].*?[\)）\]】]")
_SEPARATORS = re.compile(r"[\s_\-·.:：]+")


def normalise(header: Any) -> str:
    """A header as compared with aliases: lower case, no units in brackets, no separators."""
    text = _BRACKETS.sub("", str(header or "")).strip().lower()
    return _SEPARATORS.sub("", text)


def alias_table(aliases: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """{normalised alias: field} from {field: [aliases]} (the field name is an alias too)."""
    table: dict[str, str] = {}
    for name, names in aliases.items():
        for alias in (name, *names):
            table[normalise(alias)] = name
    return table


@dataclass
class Table:
    """The rows of one sheet: ``columns`` maps field -> column index; ``rows`` are
    (row number, cells)."""

    sheet: str
    columns: dict[str, int]
    headers: dict[str, str]  # field -> the header as written in the file
    rows: list[tuple[int, tuple[Any, ...]]]
    ignored: list[str] = field(default_factory=list)

    def cell(self, values: Sequence[Any], name: str) -> Any:
        index = self.columns.get(name)
        if index is None or index >= len(values):
            return None
        return values[index]


def _decode(data: bytes) -> str:
    """CSV text: UTF-8 (with or without BOM), else GB18030 (Chinese Excel's CSV)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportValidationError([RowError(0, "", _("The file is neither UTF-8 nor GB18030 text."))])


def _csv_rows(data: bytes) -> list[tuple[Any, ...]]:
    text = _decode(data)
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [tuple(row) for row in csv.reader(io.StringIO(text), dialect)]


def _xlsx_rows(data: bytes, sheet_names: Sequence[str]) -> tuple[str, list[tuple[Any, ...]]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportValidationError(
            [
                RowError(
                    0,
                    "",
                    _("The file is not a readable Excel workbook: %(reason)s") % {"reason": exc},
                )
            ]
        ) from exc
    try:
        wanted = {normalise(n) for n in sheet_names}
        name = next(
            (n for n in workbook.sheetnames if normalise(n) in wanted), workbook.sheetnames[0]
        )
        rows = [tuple(r) for r in workbook[name].iter_rows(values_only=True)]
    finally:
        workbook.close()
    return name, rows


def row_count_estimate(data: bytes, filename: str) -> int:
    """Roughly how many data rows a file has (decides inline or background import)."""
    if filename.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True)
            count = max((ws.max_row or 0) for ws in workbook.worksheets)
            workbook.close()
            return count
        except Exception:  # unreadable: reported when the import really reads it
            return 0
    return data.count(b"\n")


def read_table(
    data: bytes,
    filename: str,
    *,
    aliases: Mapping[str, str],
    required: Sequence[str],
    sheet_names: Sequence[str] = (),
) -> Table:
    """The rows of a CSV or .xlsx file, columns resolved through ``aliases``.

    Raises ImportValidationError for an unreadable file or missing required columns.
    """
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "xlsx":
        sheet, raw = _xlsx_rows(data, sheet_names)
    elif suffix in ("csv", "txt", "tsv"):
        sheet, raw = "", _csv_rows(data)
    else:
        raise ImportValidationError(
            [RowError(0, "", _("Unsupported file type; use .csv or .xlsx."))]
        )
    if not raw:
        raise ImportValidationError([RowError(1, "", _("The file is empty."))])
    header = raw[0]
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        if title is None or str(title).strip() == "":
            continue
        key = normalise(title)
        name = aliases.get(key)
        if name is None:
            # "起点桩号 start_m": any word of the header may be the alias.
            name = next(
                (aliases[normalise(w)] for w in str(title).split() if normalise(w) in aliases), None
            )
        if name is None:
            ignored.append(str(title))
        elif name in columns:
            raise ImportValidationError(
                [
                    RowError(
                        1,
                        str(title),
                        _("Two columns mean “%(field)s”; keep one.") % {"field": name},
                        sheet,
                    )
                ]
            )
        else:
            columns[name] = index
            headers[name] = str(title)
    missing = [name for name in required if name not in columns]
    if missing:
        raise ImportValidationError(
            [
                RowError(
                    1, name, _("The file needs a column “%(field)s”.") % {"field": name}, sheet
                )
                for name in missing
            ]
        )
    rows = [
        (number, values)
        for number, values in enumerate(raw[1:], start=2)
        if values and not all(is_blank(v) for v in values)
    ]
    return Table(sheet=sheet, columns=columns, headers=headers, rows=rows, ignored=ignored)


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return str(value).strip().lower() in BLANKS


class CellError(ValueError):
    """A cell that cannot be read (the message says why)."""


def number(value: Any) -> float | None:
    """A finite number from a cell, None for a blank; CellError otherwise."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(_("Not a number."))
    if isinstance(value, int | float):
        result = float(value)
    else:
        try:
            result = float(str(value).strip().replace(",", ""))
        except ValueError:
            raise CellError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not math.isfinite(result):
        raise CellError(_("Not a finite number."))
    return result


def chainage(value: Any) -> float | None:
    """Metres from a cell holding metres (12345.6) or a chainage (K12+345.6)."""
    if is_blank(value):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        result = number(value)
    else:
        text = str(value).strip()
        try:
            result = float(text.replace(",", ""))
        except ValueError:
            try:
                result = parse_chainage(text)
            except ChainageError as exc:
                raise CellError(str(exc)) from None
    if result is None or not math.isfinite(result) or result < 0:
        raise CellError(_("A chainage must be a non-negative number of metres or K12+345."))
    return result
