"""ECharts options (JSON, drawn by web/charts.js) for the progress pages: the S-curve and
the Gantt charts (work orders of a project, projects of the programme).

The Gantt chart needs no JavaScript functions: each bar is a thick line segment on a time
axis (planned in grey, the progress fill over it, the actual period thin on top), segments
separated by ``"-"`` gaps, and today is a mark line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from zhiyang.works.choices import ProjectStatus, WorkOrderStatus
from zhiyang.works.progress import BranchProgress, Progress

PLANNED = "#9aa5b1"
EARNED = "#2f7d32"
ACTUAL = "#c0392b"
FILL = "#1f6fb2"
TODAY = "#e67e22"
#: Money on the S-curve is in 10,000 yuan (万元), the unit of Chinese project budgets.
WAN = 10_000.0
GANTT_ROW_PX = 34
GANTT_BASE_PX = 110
#: Charts narrower than this get the phone variant of the option (smaller labels).
PHONE_MAX_PX = 500


def _today_line(label: str, day: dt.date, *, position: str = "end") -> dict[str, Any]:
    """A vertical "today" line; the label above the plot (``end`` of an upward axis, ``start``
    of the Gantt's inverted category axis), where it covers no bar and no date."""
    return {
        "silent": True,
        "symbol": "none",
        "lineStyle": {"color": TODAY, "type": "solid", "width": 2},
        "label": {"formatter": label, "position": position, "color": TODAY},
        "data": [{"xAxis": day.isoformat()}],
    }


def s_curve(progress: Progress) -> dict[str, Any]:
    """Cumulative planned value, earned value and actual cost (万元) on the date axis, or
    planned and earned percent when no work order has a unit cost. Earned and actual stop
    at the status date."""
    curves = progress.curves
    if not progress.orders or not curves.planned_percent.any():
        return {"empty": True, "emptyText": _("No work orders with a schedule yet.")}
    dates = [str(d) for d in curves.dates]
    future = curves.dates > np.datetime64(progress.status_date, "D")
    money = progress.figures.bac_yuan > 0

    def series_of(values: Any, scale: float, *, cut: bool) -> list[float | None]:
        return [
            None if cut and later else round(float(v) / scale, 3)
            for v, later in zip(values, future, strict=True)
        ]

    if money:
        unit = _("10k yuan")
        lines = [
            (_("Planned value (PV)"), series_of(curves.pv_yuan, WAN, cut=False), PLANNED, "dashed"),
            (_("Earned value (EV)"), series_of(curves.ev_yuan, WAN, cut=True), EARNED, "solid"),
        ]
        if progress.has_costs:
            lines.append(
                (_("Actual cost (AC)"), series_of(curves.ac_yuan, WAN, cut=True), ACTUAL, "solid")
            )
        formatter = "@fixed2"
    else:
        unit = "%"
        lines = [
            (_("Planned %"), series_of(curves.planned_percent, 1.0, cut=False), PLANNED, "dashed"),
            (_("Earned %"), series_of(curves.earned_percent, 1.0, cut=True), EARNED, "solid"),
        ]
        formatter = "@fixed1"
    series: list[dict[str, Any]] = [
        {
            "name": name,
            "type": "line",
            "data": data,
            "showSymbol": False,
            "lineStyle": {"color": color, "type": style, "width": 2.5},
            "itemStyle": {"color": color},
        }
        for name, data, color, style in lines
    ]
    if dates[0] <= progress.status_date.isoformat() <= dates[-1]:
        series[0]["markLine"] = _today_line(_("Today"), _axis_day(progress))
    return _responsive(
        {
            "tooltip": {"trigger": "axis", "valueFormatter": formatter},
            "legend": {"bottom": 0, "type": "scroll"},
            # right: room for the last date label, centred on the edge of the plot.
            "grid": {"left": 8, "right": 36, "top": 36, "bottom": 36, "containLabel": True},
            "xAxis": {"type": "category", "data": dates, "boundaryGap": False},
            "yAxis": {"type": "value", "name": unit, "min": 0},
            "series": series,
        },
        {"xAxis": {"axisLabel": {"fontSize": 10}}, "yAxis": {"axisLabel": {"fontSize": 10}}},
    )


def _responsive(option: dict[str, Any], phone: dict[str, Any]) -> dict[str, Any]:
    """``option`` with ``phone`` merged in on narrow charts (ECharts media queries)."""
    # ``media`` on the root keeps the rest of the option where web/charts.js looks for it.
    return {**option, "media": [{"query": {"maxWidth": PHONE_MAX_PX}, "option": phone}]}


def _axis_day(progress: Progress) -> dt.date:
    """The axis category holding the status date (on a weekly axis: its week's Sunday)."""
    dates = progress.curves.dates
    index = int(np.searchsorted(dates, np.datetime64(progress.status_date, "D"), side="left"))
    return dt.date.fromisoformat(str(dates[min(index, len(dates) - 1)]))


@dataclass(frozen=True)
class Bar:
    """One row of a Gantt chart (dates inclusive)."""

    name: str
    planned_start: dt.date
    planned_end: dt.date
    percent_complete: float
    actual_start: dt.date | None
    actual_end: dt.date | None


def _actual(
    start: dt.date | None,
    finish: dt.date | None,
    *,
    running: bool,
    first_report: dt.date | None,
    last_report: dt.date | None,
    today: dt.date,
) -> tuple[dt.date | None, dt.date | None]:
    """The actual period: actual start, else the first report, to the actual finish, else
    today while running or the last report."""
    begun = start or first_report
    if begun is None:
        return None, None
    end = finish or (today if running else last_report)
    return begun, max(end or begun, begun)


def order_bars(progress: Progress) -> list[Bar]:
    """The work orders of a project as Gantt rows."""
    bars = []
    for number, row in enumerate(progress.orders, start=1):
        order = row.work_order
        begun, ended = _actual(
            order.actual_start,
            order.actual_finish,
            running=order.status == WorkOrderStatus.IN_PROGRESS,
            first_report=row.first_report,
            last_report=row.last_report,
            today=progress.status_date,
        )
        bars.append(
            Bar(
                f"{number}. {order.title}",
                order.planned_start,
                order.planned_end,
                row.percent_complete,
                begun,
                ended,
            )
        )
    return bars


def project_bars(branch: BranchProgress) -> list[Bar]:
    """The projects of the programme as Gantt rows."""
    bars = []
    for item in branch.projects:
        project = item.project
        if project is None:
            continue
        firsts = [r.first_report for r in item.orders if r.first_report]
        lasts = [r.last_report for r in item.orders if r.last_report]
        begun, ended = _actual(
            project.actual_start,
            project.actual_finish,
            running=project.status == ProjectStatus.IN_PROGRESS,
            first_report=min(firsts, default=None),
            last_report=max(lasts, default=None),
            today=branch.status_date,
        )
        bars.append(
            Bar(
                f"{project.code} {project.name}",
                project.planned_start,
                project.planned_end,
                item.figures.percent_complete,
                begun,
                ended,
            )
        )
    return bars


def gantt(bars: list[Bar], today: dt.date, *, empty_text: str = "") -> dict[str, Any]:
    """Bars: the planned period, the progress fill (percent complete from the planned
    start) and the actual period, with a line at today."""
    if not bars:
        return {"empty": True, "emptyText": empty_text or _("No work orders yet.")}
    planned: list[Any] = []
    fill: list[Any] = []
    actual: list[Any] = []
    for b in bars:
        start, end = b.planned_start, b.planned_end + dt.timedelta(days=1)
        planned += [[start.isoformat(), b.name], [end.isoformat(), b.name], "-"]
        if b.percent_complete > 0:
            span = (end - start).total_seconds() * min(b.percent_complete, 100.0) / 100.0
            done = dt.datetime.combine(start, dt.time()) + dt.timedelta(seconds=span)
            fill += [[start.isoformat(), b.name], [done.isoformat(timespec="minutes"), b.name], "-"]
        if b.actual_start and b.actual_end:
            actual += [
                [b.actual_start.isoformat(), b.name],
                [(b.actual_end + dt.timedelta(days=1)).isoformat(), b.name],
                "-",
            ]

    def line(name: str, data: list[Any], color: str, width: int) -> dict[str, Any]:
        return {
            "name": name,
            "type": "line",
            "data": data,
            "showSymbol": False,
            "connectNulls": False,
            "lineStyle": {"color": color, "width": width, "cap": "butt"},
            "itemStyle": {"color": color},
        }

    series = [
        line(_("Planned period"), planned, PLANNED, 18),
        line(_("Done (by quantity)"), fill, FILL, 18),
        line(_("Actual period"), actual, ACTUAL, 5),
    ]
    series[0]["markLine"] = _today_line(_("Today"), today, position="start")
    return _responsive(
        {
            "tooltip": {"show": False},
            "legend": {"bottom": 0, "type": "scroll"},
            "grid": {"left": 8, "right": 20, "top": 28, "bottom": 36, "containLabel": True},
            "xAxis": {
                "type": "time",
                "axisLabel": {"formatter": "{MM}-{dd}", "hideOverlap": True},
            },
            "yAxis": {
                "type": "category",
                "data": [b.name for b in bars],
                "inverse": True,
                "axisLabel": {"width": 160, "overflow": "truncate"},
                "axisTick": {"show": False},
            },
            "series": series,
        },
        {
            "yAxis": {"axisLabel": {"width": 84, "fontSize": 10}},
            "xAxis": {"axisLabel": {"fontSize": 10}},
        },
    )


def gantt_height(bars: list[Bar]) -> int:
    """Pixels for a Gantt chart: a fixed share per row."""
    return GANTT_BASE_PX + GANTT_ROW_PX * max(1, len(bars))
