"""The daily patrol log (巡查日志) as PDF and Excel, in the shape a branch files: one block
per patrol (route, section, times, patroller, vehicle, weather, km covered), its findings
(chainage, category, type, severity, quantity, what was decided) and the signature lines;
and the measures workbook."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from zhiyang.core.pdf import ReportPDF
from zhiyang.network.chainage import format_chainage
from zhiyang.patrol.models import Patrol

TITLE_ZH = "巡查日志"


def _title() -> str:
    translated = _("Patrol log")
    return translated if translated == TITLE_ZH else f"{translated} · {TITLE_ZH}"


def _time(value: datetime.datetime) -> str:
    return f"{timezone.localtime(value):%H:%M}"


def _section(patrol: Patrol) -> str:
    if patrol.start_m is None or patrol.end_m is None:
        return "–"
    return f"{format_chainage(patrol.start_m)}–{format_chainage(patrol.end_m)}"


def _finding_rows(patrol: Patrol) -> list[list[Any]]:
    return [
        [
            format_chainage(f.chainage_m),
            f.get_category_display(),
            f.get_kind_display() + (" ⚠" if f.urgent else ""),
            f.get_severity_display() if f.severity else "",
            f"{f.quantity:g} {f.get_unit_display()}",
            f.get_status_display(),
        ]
        for f in patrol.findings.all()
    ]


def log_pdf(patrols: Sequence[Patrol], day: datetime.date, organisation: str = "") -> bytes:
    """The day's log; ``PdfFontMissing`` without a CJK font."""
    pdf = ReportPDF(title=_title(), subtitle=f"{organisation} · {day:%Y-%m-%d}".strip(" ·"))
    total_km = sum(p.covered_km for p in patrols)
    total_findings = sum(len(p.findings.all()) for p in patrols)
    pdf.key_values(
        [
            (_("Date"), f"{day:%Y-%m-%d}"),
            (_("Patrols"), len(patrols)),
            (_("Covered (km)"), f"{total_km:.2f}"),
            (_("Findings"), total_findings),
        ]
    )
    if not patrols:
        pdf.paragraph(_("No patrol was recorded on this day."))
    for patrol in patrols:
        pdf.heading(f"{patrol.route.code} {patrol.route.name} · {_section(patrol)}", level=2)
        pdf.key_values(
            [
                (_("Time"), f"{_time(patrol.started_at)}–{_time(patrol.ended_at)}"),
                (_("Patroller"), patrol.patroller or "–"),
                (_("Vehicle"), patrol.vehicle or "–"),
                (_("Weather"), patrol.weather or "–"),
                (_("Covered (km)"), f"{patrol.covered_km:.2f}"),
                (_("Note"), patrol.note or "–"),
            ],
            key_width=35,
        )
        rows = _finding_rows(patrol)
        if rows:
            pdf.data_table(
                [_("Chainage"), _("Category"), _("Type"), _("Severity"), _("Quantity"),
                 _("Decision")],
                rows,
                widths=[25, 35, 45, 20, 25, 36],
            )  # fmt: skip
        else:
            pdf.paragraph(_("No findings."))
    pdf.ln(8)
    pdf.key_values([(_("Patroller signature"), "________________"),
                    (_("Reviewed by"), "________________")], key_width=45)  # fmt: skip
    return pdf.to_bytes()


def log_xlsx(patrols: Sequence[Patrol], day: datetime.date) -> bytes:
    """The day's log as a workbook: one row per finding (a patrol without any: one row)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{day:%Y-%m-%d}"
    sheet.append([_title(), f"{day:%Y-%m-%d}"])
    sheet["A1"].font = Font(bold=True, size=14)
    headers = [
        _("Route"), _("Section"), _("Started"), _("Ended"), _("Patroller"), _("Vehicle"),
        _("Weather"), _("Covered (km)"), _("Chainage"), _("Category"), _("Type"),
        _("Severity"), _("Quantity"), _("Decision"),
    ]  # fmt: skip
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for patrol in patrols:
        head = [
            patrol.route.code,
            _section(patrol),
            _time(patrol.started_at),
            _time(patrol.ended_at),
            str(patrol.patroller or ""),
            str(patrol.vehicle or ""),
            patrol.weather,
            round(patrol.covered_km, 2),
        ]
        rows = _finding_rows(patrol) or [[""] * 6]
        for row in rows:
            sheet.append(head + row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def measures_xlsx(summary: dict[str, Any]) -> bytes:
    """The measures of a period: the key figures, coverage per route and week, backlog."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Measures")[:31]
    sheet.append([_("Patrol measures"), f"{summary['since']} – {summary['until']}"])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, key in (
        (_("Patrols"), "patrols"),
        (_("Patrolled (km)"), "patrolled_km"),
        (_("Findings"), "findings"),
        (_("Findings per km"), "findings_per_km"),
        (_("Repairs closed"), "tasks_closed"),
        (_("Share closed within deadline"), "share_closed_within_deadline"),
        (_("Mean time to repair (h)"), "mean_time_to_repair_h"),
        (_("Open tasks"), "open_tasks"),
        (_("Overdue tasks"), "overdue_tasks"),
    ):
        sheet.append([label, summary[key]])
    cover = book.create_sheet(_("Coverage")[:31])
    cover.append([_("Route"), _("Week"), _("Planned (km)"), _("Patrolled (km)"), _("Coverage")])
    for row in summary["coverage"]:
        cover.append(
            [row["route"], row["week"], row["planned_km"], row["patrolled_km"], row["coverage"]]
        )
    backlog = book.create_sheet(_("Backlog")[:31])
    backlog.append([_("Age (days)"), _("Open tasks")])
    for label, count in summary["backlog_by_age_days"].items():
        backlog.append([label, count])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
