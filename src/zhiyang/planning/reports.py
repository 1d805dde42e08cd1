"""What the scenario page charts and the annual plan workbook (年度养护计划) show."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zhiyang.network.chainage import format_chainage
from zhiyang.planning.choices import Treatment
from zhiyang.planning.models import PlanItem, Scenario, ScenarioRun
from zhiyang.planning.services import Range, merge_ranges

LEVEL_COLOURS = (
    "#9aa3ae",
    "#ea7d1c",
    "#2f74c0",
    "#2e9d57",
    "#8e44ad",
    "#d0362c",
    "#16a085",
    "#555",
)


def _level_name(run: ScenarioRun) -> str:
    return _("%(pct)s %% budget") % {"pct": f"{run.budget_pct:g}"}


def trajectory_chart(
    runs: Sequence[ScenarioRun], key: str, *, name: str, formatter: str
) -> dict[str, Any]:
    """One line per budget level of ``trajectory[key]`` by year, starting at today's value."""
    drawn = [r for r in runs if r.trajectory.get("years")]
    if not drawn:
        return {"empty": True}
    years = drawn[0].trajectory["years"]
    start = years[0] - 1 if years else 0
    series = []
    for n, run in enumerate(drawn):
        now = (run.trajectory.get("now") or {}).get(key)
        values = run.trajectory.get(key) or []
        scale = 1 / 10_000 if key == "backlog_yuan" else 1
        data = [now, *values]
        series.append(
            {
                "name": _level_name(run),
                "type": "line",
                "symbolSize": 6,
                "itemStyle": {"color": LEVEL_COLOURS[n % len(LEVEL_COLOURS)]},
                "data": [None if v is None else round(float(v) * scale, 2) for v in data],
            }
        )
    y_axis: dict[str, Any] = {"type": "value", "name": name, "scale": True}
    if key == "good_rate_pct":
        y_axis["max"] = 100
    return {
        "tooltip": {"trigger": "axis", "valueFormatter": formatter},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 8, "right": 16, "top": 64, "bottom": 8, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [str(start), *[str(y) for y in years]],
            "boundaryGap": False,
        },
        "yAxis": y_axis,
        "series": series,
    }


def spend_chart(runs: Sequence[ScenarioRun]) -> dict[str, Any]:
    """Spend per year (万元) of each budget level, as grouped bars."""
    drawn = [r for r in runs if r.trajectory.get("years")]
    if not drawn:
        return {"empty": True}
    years = drawn[0].trajectory["years"]
    return {
        "tooltip": {"trigger": "axis", "valueFormatter": "@fixed1"},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 8, "right": 16, "top": 64, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": [str(y) for y in years]},
        "yAxis": {"type": "value", "name": _("10,000 yuan")},
        "series": [
            {
                "name": _level_name(run),
                "type": "bar",
                "itemStyle": {"color": LEVEL_COLOURS[n % len(LEVEL_COLOURS)]},
                "data": [round(float(v) / 10_000, 1) for v in run.trajectory.get("spend_yuan", [])],
            }
            for n, run in enumerate(drawn)
        ],
    }


def scenario_charts(runs: Sequence[ScenarioRun]) -> dict[str, dict[str, Any]]:
    return {
        "pqi": trajectory_chart(runs, "mean_pqi", name="PQI", formatter="@fixed1"),
        "good": trajectory_chart(runs, "good_rate_pct", name=_("优良率 (%)"), formatter="@percent"),
        "backlog": trajectory_chart(
            runs, "backlog_yuan", name=_("10,000 yuan"), formatter="@fixed1"
        ),
        "spend": spend_chart(runs),
    }


# --------------------------------------------------------------------------- Excel


def _text(value: Any) -> Any:
    """Cell text without control characters and never read as a formula by a spreadsheet."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        value = "'" + value
    return value


def plan_headers() -> list[str]:
    """The columns owners expect in 年度养护计划 (context: the words differ elsewhere)."""
    return [
        pgettext("annual plan", "No."),
        pgettext("annual plan", "Route code"),
        pgettext("annual plan", "Route name"),
        pgettext("annual plan", "Start chainage"),
        pgettext("annual plan", "End chainage"),
        pgettext("annual plan", "Length (km)"),
        pgettext("annual plan", "Treatment"),
        pgettext("annual plan", "Quantity (m²)"),
        pgettext("annual plan", "Estimated cost (10,000 yuan)"),
        pgettext("annual plan", "Year"),
        pgettext("annual plan", "Remarks"),
    ]


def plan_title(scenario: Scenario, year: int) -> str:
    return _("%(organisation)s annual maintenance plan %(year)d") % {
        "organisation": scenario.organisation.name,
        "year": year,
    }


def plan_rows(ranges: Sequence[Range]) -> list[list[Any]]:
    rows = []
    for n, block in enumerate(ranges, start=1):
        first = block.first
        remarks = [
            _("PQI %(before)s → %(after)s")
            % {
                "before": f"{min(i.pqi_before for i in block.items):.1f}",
                "after": f"{max(i.pqi_after for i in block.items):.1f}",
            }
        ]
        projects = sorted({i.project.code for i in block.items if i.project is not None})
        if projects:
            remarks.append(_("project %(codes)s") % {"codes": ", ".join(projects)})
        rows.append(
            [
                n,
                first.route.code,
                first.route.name,
                format_chainage(block.start_m),
                format_chainage(block.end_m),
                round(block.length_m / 1000, 3),
                str(Treatment(first.treatment).label),
                round(block.area_m2, 1),
                round(block.cost_yuan / 10_000, 2),
                first.year,
                "; ".join(remarks),
            ]
        )
    return rows


def plan_workbook(run: ScenarioRun, year: int) -> bytes:
    """The annual maintenance plan of one budget level and year: a title row (organisation,
    year), the header, one row per merged chainage range, a totals row. Frozen header,
    A4 landscape, fitted to the page width."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    scenario = run.scenario
    items = list(
        PlanItem.objects.filter(run=run, year=year)
        .select_related("route", "project")
        .order_by("route__code", "direction", "start_m", "pk")
    )
    ranges = merge_ranges(items)
    headers = plan_headers()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Annual plan")[:31]
    sheet.append([_text(plan_title(scenario, year))])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(
        [
            _text(
                _(
                    "Scenario: %(name)s · budget level %(pct)s %% · "
                    "%(budget)s ten-thousand yuan per year"
                )
                % {
                    "name": scenario.name,
                    "pct": f"{run.budget_pct:g}",
                    "budget": f"{run.budget_per_year_yuan / 10_000:,.1f}",
                }
            )
        ]
    )
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    sheet.append(headers)
    thin = Side(style="thin", color="94A3B8")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E2E8F0")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    for row in plan_rows(ranges):
        sheet.append([_text(v) for v in row])
        for cell in sheet[sheet.max_row]:
            cell.border = border
    total_row = [
        pgettext("annual plan", "Total"),
        "",
        "",
        "",
        "",
        round(sum(r.length_m for r in ranges) / 1000, 3),
        "",
        round(sum(r.area_m2 for r in ranges), 1),
        round(sum(r.cost_yuan for r in ranges) / 10_000, 2),
        "",
        _("%(n)d items") % {"n": len(ranges)},
    ]
    sheet.append(total_row)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.border = border
    widths = (6, 10, 16, 12, 12, 10, 16, 12, 14, 8, 30)
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    for col in (6, 8, 9):
        for cells in sheet.iter_rows(min_row=4, min_col=col, max_col=col):
            cells[0].number_format = "0.000" if col == 6 else "#,##0.00"
    sheet.freeze_panes = "A4"
    sheet.print_title_rows = "3:3"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def prediction_rows(run: ScenarioRun) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of the predicted PQI per unit: where, PQI now, then per year the PQI
    without treatment and with this level's plan, and the planned treatment (if any)."""
    from zhiyang.condition.models import SurveyUnit
    from zhiyang.network.choices import Direction

    data = run.unit_pqi or {}
    years = [int(y) for y in data.get("years", [])]
    index = {int(pk): n for n, pk in enumerate(data.get("units", []))}
    units = (
        SurveyUnit.objects.filter(pk__in=index)
        .select_related("route", "survey")
        .order_by("route__code", "survey__direction", "start_m", "pk")
    )
    planned = {i.unit_id: i for i in PlanItem.objects.filter(run=run)}
    without = pgettext("prediction", "No treatment %(year)d")
    with_plan = pgettext("prediction", "With plan %(year)d")
    headers = [
        pgettext("annual plan", "Route code"),
        pgettext("prediction", "Direction"),
        pgettext("annual plan", "Start chainage"),
        pgettext("annual plan", "End chainage"),
        pgettext("prediction", "Length (m)"),
        pgettext("prediction", "PQI now"),
        *[without % {"year": y} for y in years],
        *[with_plan % {"year": y} for y in years],
        pgettext("annual plan", "Treatment"),
        pgettext("annual plan", "Year"),
    ]
    rows = []
    for unit in units:
        n = index[unit.pk]
        item = planned.get(unit.pk)
        rows.append(
            [
                unit.route.code,
                str(Direction(unit.survey.direction).label),
                format_chainage(unit.start_m),
                format_chainage(unit.end_m),
                round(unit.length_m, 1),
                data["now"][n],
                *data["without"][n],
                *data["with_plan"][n],
                str(Treatment(item.treatment).label) if item else "",
                item.year if item else "",
            ]
        )
    return headers, rows


def prediction_workbook(run: ScenarioRun) -> bytes:
    """Predicted PQI per evaluation unit and year at one budget level (Excel): a title, the
    header, one row per unit; frozen header and first columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    headers, rows = prediction_rows(run)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = pgettext("prediction", "Predicted PQI")[:31]
    sheet.append(
        [
            _text(
                _("%(name)s · budget level %(pct)s %% · predicted PQI per unit (end of year)")
                % {"name": run.scenario.name, "pct": f"{run.budget_pct:g}"}
            )
        ]
    )
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E2E8F0")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows:
        sheet.append([_text(v) for v in row])
    sheet.freeze_panes = "E3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
