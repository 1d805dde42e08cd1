"""The rating CSV: read and validate a whole file of evaluation units, then write the result.

Reading validates every row before anything is rated (errors name the spreadsheet row, the
header being row 1, and the column), so a bad file produces no output at all. The format is
in docs/rating.md; the computation is ``zhiyang.analytics.rating``.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TextIO

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zhiyang.analytics import rating, roadside
from zhiyang.network.importexport import RowError

REQUIRED_COLUMNS = (
    "unit_id",
    "road_class",
    "pavement",
    "length_m",
    "width_m",
    "iri",
    "rd_mm",
    "sfc",
)
RESULT_COLUMNS = (
    "pci",
    "rqi",
    "rdi",
    "sri",
    "pbi",
    "pwi",
    "pqi",
    "mqi",
    "grade_pqi",
    "grade_mqi",
)
# Values people write in Chinese spreadsheets, accepted next to the English keys.
ROAD_CLASS_ALIASES = {
    "高速公路": "expressway",
    "高速": "expressway",
    "一级公路": "class1",
    "一级": "class1",
    "二级公路": "class2",
    "二级": "class2",
    "三级公路": "class3",
    "三级": "class3",
    "四级公路": "class4",
    "四级": "class4",
}
PAVEMENT_ALIASES = {
    "沥青路面": "asphalt",
    "沥青": "asphalt",
    "水泥混凝土路面": "concrete",
    "水泥混凝土": "concrete",
    "水泥路面": "concrete",
}
#: Appended when the file carries roadside inputs (``sci_*``, ``tci_*``, ``bci_*`` columns).
PART_COLUMNS = ("sci", "bci", "tci", "grade_sci", "grade_bci", "grade_tci")
DECIMALS = 2


class RateFileError(Exception):
    """The file has errors; ``errors`` lists every one of them. Nothing was written."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.row, e.column))
        super().__init__("; ".join(str(e) for e in self.errors[:5]))

    def message(self) -> str:
        """The count, that nothing was written, then one line per error."""
        count = len(self.errors)
        head = ngettext(
            "The file has %(count)d error; nothing was written.",
            "The file has %(count)d errors; nothing was written.",
            count,
        ) % {"count": count}
        return "\n".join([head, *(str(e) for e in self.errors)])


@dataclass
class RateTable:
    """A validated file: the original cells (written back unchanged) and the numeric columns."""

    header: list[str]
    rows: list[list[str]]
    columns: dict[str, Any] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def _problem_message(problem: rating.InputProblem) -> str:
    messages = {
        "not_finite": _("Must be a finite number."),
        "not_positive": _("Must be greater than 0."),
        "negative": _("Must not be negative."),
        "percent": _("Must be between 0 and 100."),
        "wrong_pavement": _("This distress does not belong to the unit's pavement type."),
        "needs_area": _("Needed to convert the distress quantities into DR."),
        "class": _("Must be a technical condition class from 1 to 5 (blank: no such structure)."),
    }
    return messages.get(problem.code, problem.message)


def _number(text: str) -> float:
    """Parse a cell; blank is NaN (not measured). Raises ValueError for anything else."""
    if not text:
        return math.nan
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def read_rate_csv(data: bytes, parameters: rating.RatingParameters | None = None) -> RateTable:
    """Parse and validate ``data`` (UTF-8, a BOM is accepted); raise RateFileError listing
    every error. Columns other than the rating's are kept for the output but not used."""
    params = parameters or rating.load_parameters()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RateFileError([RowError(0, "", _("The file is not UTF-8 text."))]) from None
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records or not any(cell.strip() for cell in records[0]):
        raise RateFileError([RowError(1, "", _("The file has no header row."))])
    header = [cell.strip() for cell in records[0]]
    names = [h.lower() for h in header]
    errors: list[RowError] = []
    for name in REQUIRED_COLUMNS:
        if name not in names:
            errors.append(RowError(1, name, _("Required column is missing.")))
    duplicated = sorted({n for n in names if n and names.count(n) > 1})
    errors += [RowError(1, n, _("The column appears more than once.")) for n in duplicated]
    if errors:
        raise RateFileError(errors)

    distress = {i.key for p in rating.PAVEMENTS for i in params.distress[p]}
    if params.roadside is not None:
        distress |= set(roadside.input_columns(params.roadside))
    numeric = [n for n in names if n in rating.FLOAT_COLUMNS or n in distress]
    table = RateTable(header=header, rows=[])
    table.ignored = [
        h
        for h, n in zip(header, names, strict=True)
        if n
        and n not in numeric
        and n not in ("unit_id", "road_class", "pavement", "pssi", *RESULT_COLUMNS, *PART_COLUMNS)
    ]
    values: dict[str, list[Any]] = {n: [] for n in ("road_class", "pavement", *numeric)}
    row_numbers: list[int] = []
    for number, cells in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            errors.append(RowError(number, "", _("The row has more cells than the header.")))
        cells = (cells + [""] * len(header))[: len(header)]
        row = {n: c.strip() for n, c in zip(names, cells, strict=True)}
        if not row["unit_id"]:
            errors.append(RowError(number, "unit_id", _("Required.")))
        road_class = ROAD_CLASS_ALIASES.get(row["road_class"], row["road_class"].lower())
        if road_class not in rating.ROAD_CLASSES:
            errors.append(
                RowError(
                    number,
                    "road_class",
                    _("Unknown road class %(value)r; use one of: %(choices)s.")
                    % {"value": row["road_class"], "choices": ", ".join(rating.ROAD_CLASSES)},
                )
            )
        pavement = PAVEMENT_ALIASES.get(row["pavement"], row["pavement"].lower())
        if pavement not in rating.PAVEMENTS:
            errors.append(
                RowError(
                    number,
                    "pavement",
                    _("Unknown pavement %(value)r; use one of: %(choices)s.")
                    % {"value": row["pavement"], "choices": ", ".join(rating.PAVEMENTS)},
                )
            )
        values["road_class"].append(road_class)
        values["pavement"].append(pavement)
        for name in numeric:
            try:
                values[name].append(_number(row[name]))
            except ValueError:
                errors.append(
                    RowError(
                        number,
                        name,
                        _("%(value)r is not a number.") % {"value": row[name]},
                    )
                )
                values[name].append(math.nan)
        if not row["length_m"]:
            errors.append(RowError(number, "length_m", _("Required.")))
        table.rows.append(cells)
        row_numbers.append(number)

    table.columns = {
        n: np.array(v, dtype=object if n in ("road_class", "pavement") else np.float64)
        for n, v in values.items()
    }
    # Value checks of the engine itself (ranges, distress vs pavement), mapped to file rows;
    # rows whose class or pavement is already reported are not reported twice.
    reported = {(e.row, e.column) for e in errors}
    for problem in rating.check_columns(table.columns, params):
        where = (row_numbers[problem.row] if problem.row is not None else 1, problem.column)
        if problem.code != "choice" and where not in reported:
            errors.append(RowError(where[0], where[1], _problem_message(problem)))
    if errors:
        raise RateFileError(errors)
    return table


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    return "" if not math.isfinite(value) else f"{value:.{DECIMALS}f}"


def result_columns(table: RateTable) -> list[str]:
    """Columns appended to the input: the indices and grades (+ ``pssi`` when SSI is given)."""
    extra = ["pssi"] if "ssi" in table.columns else []
    parts = list(PART_COLUMNS) if has_roadside_inputs(table) else []
    return [*RESULT_COLUMNS[:8], *extra, *RESULT_COLUMNS[8:], *parts]


def has_roadside_inputs(table: RateTable) -> bool:
    """Whether the file gives SCI/TCI damage quantities or structure classes."""
    return any(n.startswith(("sci_", "tci_", "bci_")) for n in table.columns)


def good_rates(table: RateTable, results: Mapping[str, Any]) -> dict[str, float]:
    """优良率 (% of length graded 优 or 良) of MQI and its parts, over the rated units."""
    lengths = table.columns.get("length_m")
    return {
        index: rating.good_rate(results[index], lengths)
        for index in ("mqi", "pqi", "sci", "bci", "tci")
        if index in results
    }


def write_rate_csv(stream: TextIO, table: RateTable, results: Mapping[str, Any]) -> None:
    """The input columns unchanged (except stale result columns, recomputed), then the
    results; numbers rounded to 2 decimals, '' where an index is not available."""
    added = result_columns(table)
    keep = [i for i, h in enumerate(table.header) if h.lower() not in added]
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow([table.header[i] for i in keep] + added)
    for n, cells in enumerate(table.rows):
        writer.writerow([cells[i] for i in keep] + [_cell(results[c][n]) for c in added])
