"""Exports of daily and weekly reports (施工日志 / 施工周报) as PDF and Excel.

The daily sheet is one report: weather, crew, machines, materials, quantities per work order
with cost, problems, approval. The weekly report covers one project from Monday to Sunday:
the quantity per work order that week and to date (percent of the planned quantity), the
cost, and one line per day. Rejected reports are left out; submitted ones are marked.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from zhiyang.core.pdf import ReportPDF
from zhiyang.works.choices import DailyReportStatus
from zhiyang.works.models import DailyReport, Project, WorkOrder

ZERO = Decimal("0")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def _num(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def _crew(report: DailyReport) -> str:
    return str(report.crew) if report.crew else ""


def _machines(report: DailyReport) -> str:
    return "、".join(str(m) for m in report.machines.all())


def _weather(report: DailyReport) -> str:
    text = report.get_weather_display()
    if report.temp_min_c is not None and report.temp_max_c is not None:
        text += f" {report.temp_min_c}～{report.temp_max_c} °C"
    return text


def _approval(report: DailyReport) -> str:
    if report.status == DailyReportStatus.APPROVED and report.approved_by:
        return _("%(status)s by %(user)s") % {
            "status": report.get_status_display(),
            "user": report.approved_by.get_full_name() or report.approved_by.get_username(),
        }
    if report.status == DailyReportStatus.REJECTED:
        return f"{report.get_status_display()}: {report.rejection_reason}"
    return report.get_status_display()


def daily_facts(report: DailyReport) -> list[tuple[str, str]]:
    project = report.project
    return [
        (_("Project"), f"{project.code} {project.name}"),
        (_("Route"), f"{project.route.code} {project.chainage_label()}"),
        (_("Date"), f"{report.date:%Y-%m-%d}"),
        (_("Weather"), _weather(report)),
        (_("Crew"), _crew(report)),
        (_("Workers on site"), str(report.workers_count)),
        (_("Machines"), _machines(report)),
        (_("Submitted by"), str(report.submitted_by or "")),
        (_("Status"), _approval(report)),
    ]


def quantity_headers() -> list[str]:
    return [_("Work order"), _("Quantity"), _("Unit"), _("Cost (yuan)"), _("Note")]


def quantity_rows(report: DailyReport) -> list[list[Any]]:
    return [
        [
            q.work_order.title,
            q.quantity,
            q.work_order.get_unit_display(),
            q.cost_yuan,
            q.note,
        ]
        for q in report.quantities.select_related("work_order").all()
    ]


def daily_title() -> str:
    return _("Daily field report")


def daily_pdf(report: DailyReport) -> bytes:
    """The daily sheet; raises ``PdfFontMissing`` without a CJK font."""
    pdf = ReportPDF(
        title=f"{daily_title()} · {report.date:%Y-%m-%d}",
        subtitle=f"{report.project.code} {report.project.name}",
    )
    pdf.key_values(daily_facts(report))
    pdf.heading(_("Quantities"))
    rows = quantity_rows(report)
    pdf.data_table(
        quantity_headers(),
        [[r[0], _num(r[1]), r[2], _num(r[3]), r[4]] for r in rows]
        + [["", "", _("Total"), _num(report.total_cost_yuan), ""]],
        widths=[60, 25, 15, 30, 56],
        align=["LEFT", "RIGHT", "LEFT", "RIGHT", "LEFT"],
    )
    for title, text in (
        (_("Work done"), report.work_done),
        (_("Materials"), report.materials),
        (_("Problems and measures"), report.problems),
    ):
        pdf.heading(title, level=2)
        pdf.paragraph(text or "—")
    photos = report.photos.count()
    if photos:
        pdf.paragraph(_("%(count)d photos are attached in Zhiyang.") % {"count": photos})
    return pdf.to_bytes()


def _workbook() -> Any:
    from openpyxl import Workbook

    return Workbook()


def _style_header(sheet: Any, row: int) -> None:
    from openpyxl.styles import Font, PatternFill

    for cell in sheet[row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E2E8F0")


def _save(workbook: Any) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def daily_workbook(report: DailyReport) -> bytes:
    """Sheet 1: the facts, the quantities and the texts of one daily report."""
    from openpyxl.styles import Font

    workbook = _workbook()
    sheet = workbook.active
    sheet.title = _("Daily report")[:31]
    sheet.append([f"{daily_title()} · {report.date:%Y-%m-%d}"])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in daily_facts(report):
        sheet.append([label, value])
    sheet.append([])
    sheet.append(quantity_headers())
    _style_header(sheet, sheet.max_row)
    for row in quantity_rows(report):
        sheet.append([_cell(v) for v in row])
    sheet.append(["", "", _("Total"), float(report.total_cost_yuan), ""])
    sheet.append([])
    for title, text in (
        (_("Work done"), report.work_done),
        (_("Materials"), report.materials),
        (_("Problems and measures"), report.problems),
    ):
        sheet.append([title, text])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 40
    for col in "CDE":
        sheet.column_dimensions[col].width = 14
    return _save(workbook)


# --- weekly -------------------------------------------------------------------------------


@dataclass
class WeeklyLine:
    work_order: WorkOrder
    week_quantity: Decimal = ZERO
    to_date_quantity: Decimal = ZERO
    week_cost_yuan: Decimal = ZERO

    @property
    def percent(self) -> float | None:
        planned = self.work_order.planned_quantity
        if not planned:
            return None
        return round(float(self.to_date_quantity / planned * 100), 1)


@dataclass
class WeeklyReport:
    project: Project
    start: dt.date
    end: dt.date
    lines: list[WeeklyLine] = field(default_factory=list)
    days: list[DailyReport] = field(default_factory=list)

    @property
    def week_cost_yuan(self) -> Decimal:
        return sum((line.week_cost_yuan for line in self.lines), ZERO)


def _counted(reports: QuerySet[DailyReport]) -> QuerySet[DailyReport]:
    return reports.exclude(status__in=[DailyReportStatus.REJECTED, DailyReportStatus.DRAFT])


def weekly_report(project: Project, start: dt.date) -> WeeklyReport:
    """The week from Monday ``start`` to Sunday of ``project``."""
    start = week_start(start)
    end = start + dt.timedelta(days=6)
    reports = _counted(project.daily_reports.all())
    week = reports.filter(date__gte=start, date__lte=end)
    week_q: dict[int, tuple[Decimal, Decimal]] = defaultdict(lambda: (ZERO, ZERO))
    for row in (
        week.order_by()
        .values("quantities__work_order")
        .annotate(q=Sum("quantities__quantity"), c=Sum("quantities__cost_yuan"))
    ):
        if row["quantities__work_order"] is not None:
            week_q[row["quantities__work_order"]] = (row["q"] or ZERO, row["c"] or ZERO)
    to_date = {
        row["quantities__work_order"]: row["q"] or ZERO
        for row in reports.filter(date__lte=end)
        .order_by()
        .values("quantities__work_order")
        .annotate(q=Sum("quantities__quantity"))
        if row["quantities__work_order"] is not None
    }
    lines = [
        WeeklyLine(
            work_order=wo,
            week_quantity=week_q[wo.pk][0],
            week_cost_yuan=week_q[wo.pk][1],
            to_date_quantity=to_date.get(wo.pk, ZERO),
        )
        for wo in project.work_orders.order_by("sequence", "planned_start", "pk")
    ]
    days = list(
        week.select_related("crew", "submitted_by", "approved_by")
        .prefetch_related("quantities", "machines")
        .order_by("date", "created_at", "pk")
    )
    return WeeklyReport(project=project, start=start, end=end, lines=lines, days=days)


def weekly_title() -> str:
    return _("Weekly progress report")


def _week_label(week: WeeklyReport) -> str:
    return f"{week.start:%Y-%m-%d} – {week.end:%Y-%m-%d}"


def weekly_headers() -> list[str]:
    return [
        _("Work order"),
        _("Unit"),
        _("Planned quantity"),
        _("This week"),
        _("To date"),
        _("Complete (%)"),
        _("Cost this week (yuan)"),
    ]


def weekly_line_cells(line: WeeklyLine) -> list[Any]:
    return [
        line.work_order.title,
        line.work_order.get_unit_display(),
        line.work_order.planned_quantity,
        line.week_quantity,
        line.to_date_quantity,
        line.percent,
        line.week_cost_yuan,
    ]


def day_headers() -> list[str]:
    return [
        _("Date"),
        _("Weather"),
        _("Crew"),
        _("Workers on site"),
        _("Cost (yuan)"),
        _("Status"),
        _("Problems and measures"),
    ]


def day_cells(report: DailyReport) -> list[Any]:
    return [
        f"{report.date:%Y-%m-%d}",
        _weather(report),
        _crew(report),
        report.workers_count,
        report.total_cost_yuan,
        report.get_status_display(),
        report.problems,
    ]


def weekly_pdf(week: WeeklyReport) -> bytes:
    project = week.project
    pdf = ReportPDF(
        title=f"{weekly_title()} · {_week_label(week)}",
        subtitle=f"{project.code} {project.name}",
        landscape=True,
    )
    pdf.key_values(
        [
            (_("Project"), f"{project.code} {project.name}"),
            (_("Route"), f"{project.route.code} {project.chainage_label()}"),
            (_("Treatment"), project.get_treatment_display()),
            (_("Status"), project.get_status_display()),
            (_("Week"), _week_label(week)),
            (_("Daily reports"), str(len(week.days))),
            (_("Cost this week (yuan)"), _num(week.week_cost_yuan)),
        ]
    )
    pdf.heading(_("Quantities"))
    pdf.data_table(
        weekly_headers(),
        [
            [
                c[0],
                c[1],
                _num(c[2]),
                _num(c[3]),
                _num(c[4]),
                "" if c[5] is None else f"{c[5]:.1f}",
                _num(c[6]),
            ]
            for c in (weekly_line_cells(line) for line in week.lines)
        ],
        widths=[80, 15, 30, 30, 30, 30, 40],
        align=["LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"],
    )
    pdf.heading(_("Days"))
    pdf.data_table(
        day_headers(),
        [
            [c[0], c[1], c[2], str(c[3]), _num(c[4]), c[5], c[6]]
            for c in (day_cells(r) for r in week.days)
        ],
        widths=[25, 35, 40, 20, 30, 25, 98],
    )
    return pdf.to_bytes()


def weekly_workbook(week: WeeklyReport) -> bytes:
    """Sheet "Quantities" (work orders: this week, to date, %) and sheet "Days"."""
    from openpyxl.styles import Font

    workbook = _workbook()
    sheet = workbook.active
    sheet.title = _("Quantities")[:31]
    sheet.append([f"{weekly_title()} · {_week_label(week)}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Project"), f"{week.project.code} {week.project.name}"])
    sheet.append([_("Route"), f"{week.project.route.code} {week.project.chainage_label()}"])
    sheet.append([])
    sheet.append(weekly_headers())
    _style_header(sheet, sheet.max_row)
    for line in week.lines:
        sheet.append([_cell(v) for v in weekly_line_cells(line)])
    sheet.append([_("Total"), "", "", "", "", "", float(week.week_cost_yuan)])
    sheet.column_dimensions["A"].width = 30
    days = workbook.create_sheet(_("Days")[:31])
    days.append(day_headers())
    _style_header(days, 1)
    for report in week.days:
        days.append([_cell(v) for v in day_cells(report)])
    days.column_dimensions["G"].width = 40
    return _save(workbook)


def filename(prefix: str, project: Project, day: dt.date, ext: str) -> str:
    return f"{prefix}-{project.code}-{day:%Y%m%d}.{ext}"


def to_csv_safe(rows: Sequence[Sequence[Any]]) -> list[list[str]]:
    """Cells as text (used by tests and the API)."""
    return [["" if c is None else str(c) for c in row] for row in rows]
