"""Per-interval measurement tables from survey vehicles (CSV or Excel).

Columns (any order; header aliases in English and Chinese; units in brackets are ignored,
so ``车辙深度(mm)`` is ``rd_mm``):

==========  =====================================  =======  ============================
field       aliases                                unit     accepted range
==========  =====================================  =======  ============================
start_m     start, from, 起点桩号, 起点, 起始桩号   m        metres or K12+345.6
end_m       end, to, 终点桩号, 终点, 结束桩号       m        metres or K12+345.6
iri_left    left_iri, 左IRI, IRI左, 左轮迹IRI       m/km     0–30
iri_right   right_iri, 右IRI, IRI右, 右轮迹IRI      m/km     0–30
iri         IRI, 平均IRI, 国际平整度指数            m/km     0–30
rd_mm       rd, rut, rut_depth, 车辙深度, 车辙      mm       0–100
sfc         SFC, 横向力系数                         –        0–100
mpd         MPD, 构造深度, 平均断面深度             mm       0–10
mpdc        MPD基准值, 设计构造深度                  mm       0–10 (reference MPD for PWI)
pb_light    轻度跳车                                count    0–1000 (bumps 2–5 cm)
pb_medium   中度跳车                                count    0–1000 (bumps 5–8 cm)
pb_heavy    重度跳车                                count    0–1000 (bumps ≥ 8 cm)
==========  =====================================  =======  ============================

The ranges catch unit mistakes (IRI in mm/m, SFC as 0.45); they are plausibility limits of
this importer, not numbers of a standard. A blank cell (or ``-``) is "not measured".
Every row must have start < end (a row written end-first, as on a 下行 survey, is turned
round), lie on the route, and the rows must run in one direction without overlapping.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from zhiyang.condition.imports.tables import CellError, alias_table, chainage, number, read_table
from zhiyang.network.chainage import format_chainage
from zhiyang.network.importexport.common import ImportValidationError, RowError

MEASURES = (
    "iri_left",
    "iri_right",
    "iri",
    "rd_mm",
    "sfc",
    "mpd",
    "mpdc",
    "pb_light",
    "pb_medium",
    "pb_heavy",
)
ALIASES = alias_table(
    {
        "start_m": ["start", "from", "from_m", "起点桩号", "起点", "起始桩号", "开始桩号"],
        "end_m": ["end", "to", "to_m", "终点桩号", "终点", "结束桩号"],
        "iri_left": ["left_iri", "iri_l", "左iri", "iri左", "左轮迹iri", "左侧iri"],
        "iri_right": ["right_iri", "iri_r", "右iri", "iri右", "右轮迹iri", "右侧iri"],
        "iri": ["平均iri", "iri平均", "国际平整度指数", "iri_mean"],
        "rd_mm": ["rd", "rut", "rut_depth", "rut_mm", "车辙深度", "车辙", "平均车辙深度"],
        "sfc": ["横向力系数", "横向力系数sfc", "sfc_value"],
        "mpd": ["构造深度", "平均断面深度", "mpd_mm", "texture_depth"],
        "mpdc": ["mpd基准值", "设计构造深度", "构造深度基准值", "reference_mpd"],
        "pb_light": ["轻度跳车", "跳车轻", "bumps_light"],
        "pb_medium": ["中度跳车", "跳车中", "bumps_medium"],
        "pb_heavy": ["重度跳车", "跳车重", "bumps_heavy"],
    }
)
RANGES: dict[str, tuple[float, float]] = {
    "iri_left": (0.0, 30.0),
    "iri_right": (0.0, 30.0),
    "iri": (0.0, 30.0),
    "rd_mm": (0.0, 100.0),
    "sfc": (0.0, 100.0),
    "mpd": (0.0, 10.0),
    "mpdc": (0.0, 10.0),
    "pb_light": (0.0, 1000.0),
    "pb_medium": (0.0, 1000.0),
    "pb_heavy": (0.0, 1000.0),
}

Progress = Callable[[int, int], None]


@dataclass
class ParsedIntervals:
    rows: list[dict[str, Any]]
    fields: list[str]  # the measures the file has columns for
    ignored: list[str] = field(default_factory=list)


def parse_intervals(
    data: bytes, filename: str, *, route: Any, progress: Progress | None = None
) -> ParsedIntervals:
    """Validated interval rows of a file, or ImportValidationError listing every problem."""
    table = read_table(
        data, filename, aliases=ALIASES, required=("start_m", "end_m"), sheet_names=("intervals",)
    )
    fields = [name for name in MEASURES if name in table.columns]
    if not fields:
        raise ImportValidationError(
            [
                RowError(
                    1,
                    "",
                    _(
                        "The file has no measurement column "
                        "(iri, iri_left, iri_right, rd_mm, sfc, mpd, pb_light …)."
                    ),
                    table.sheet,
                )
            ]
        )
    errors: list[RowError] = []
    rows: list[dict[str, Any]] = []
    total = len(table.rows)
    for position, (row_number, values) in enumerate(table.rows):
        if progress is not None and position % 1000 == 0:
            progress(position, total)
        row: dict[str, Any] = {"_row": row_number}
        ok = True
        for name in ("start_m", "end_m"):
            try:
                row[name] = chainage(table.cell(values, name))
            except CellError as exc:
                errors.append(RowError(row_number, table.headers[name], str(exc), table.sheet))
                ok = False
                continue
            if row[name] is None:
                errors.append(
                    RowError(
                        row_number, table.headers[name], _("The chainage is missing."), table.sheet
                    )
                )
                ok = False
        for name in fields:
            try:
                value = number(table.cell(values, name))
            except CellError as exc:
                errors.append(RowError(row_number, table.headers[name], str(exc), table.sheet))
                continue
            low, high = RANGES[name]
            if value is not None and not low <= value <= high:
                errors.append(
                    RowError(
                        row_number,
                        table.headers[name],
                        _("%(value)s is outside %(low)g–%(high)g.")
                        % {"value": value, "low": low, "high": high},
                        table.sheet,
                    )
                )
                continue
            row[name] = value
        if not ok:
            continue
        if row["start_m"] == row["end_m"]:
            errors.append(
                RowError(
                    row_number,
                    table.headers["end_m"],
                    _("The interval has no length."),
                    table.sheet,
                )
            )
            continue
        row["_reversed"] = row["start_m"] > row["end_m"]
        if row["_reversed"]:
            row["start_m"], row["end_m"] = row["end_m"], row["start_m"]
        if not route.covers(row["start_m"], row["end_m"]):
            errors.append(
                RowError(
                    row_number,
                    table.headers["start_m"],
                    _("%(start)s–%(end)s is outside the route (%(route_start)s–%(route_end)s).")
                    % {
                        "start": format_chainage(row["start_m"]),
                        "end": format_chainage(row["end_m"]),
                        "route_start": format_chainage(route.start_m),
                        "route_end": format_chainage(route.end_m),
                    },
                    table.sheet,
                )
            )
            continue
        rows.append(row)
    errors += _order_errors(rows, table.headers, table.sheet)
    if not rows and not errors:
        errors.append(RowError(2, "", _("The file has no data rows."), table.sheet))
    if errors:
        raise ImportValidationError(sorted(errors, key=lambda e: (e.row, e.column)))
    rows.sort(key=lambda r: r["start_m"])
    return ParsedIntervals(rows=rows, fields=fields, ignored=table.ignored)


def _order_errors(
    rows: list[dict[str, Any]], headers: dict[str, str], sheet: str
) -> list[RowError]:
    """Rows must run one way (increasing or decreasing chainage) and must not overlap."""
    errors: list[RowError] = []
    if len(rows) < 2:
        return errors
    descending = rows[1]["start_m"] < rows[0]["start_m"]
    for previous, row in itertools.pairwise(rows):
        if descending:
            ordered = row["start_m"] < previous["start_m"]
            overlap = row["end_m"] > previous["start_m"] + 1e-6
        else:
            ordered = row["start_m"] > previous["start_m"]
            overlap = row["start_m"] < previous["end_m"] - 1e-6
        if not ordered:
            errors.append(
                RowError(
                    row["_row"],
                    headers["start_m"],
                    _("Out of order: the rows must run in one direction of chainage."),
                    sheet,
                )
            )
        elif overlap:
            errors.append(
                RowError(
                    row["_row"],
                    headers["start_m"],
                    _("Overlaps the interval of row %(row)d.") % {"row": previous["_row"]},
                    sheet,
                )
            )
    return errors
