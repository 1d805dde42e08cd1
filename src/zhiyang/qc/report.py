"""The QC report of a project-day as images (PNG), PDF (embedded CJK font) and Excel.

The rows here (facts, compaction, thermal sublots, rollers, thickness, alarms) are shared by
the page, the PDF and the workbook, so all three say the same thing in the same words.
"""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from zhiyang.qc.services import QcReport, class_label, rule_label

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def role_label(role: str) -> str:
    return {
        "initial": _("Initial rolling"),
        "intermediate": _("Intermediate rolling"),
        "final": _("Final rolling"),
    }.get(role, role or "—")


def title(report: QcReport) -> str:
    return _("QC report %(code)s %(date)s") % {
        "code": report.project.code,
        "date": report.day.isoformat(),
    }


def _n(value: Any, digits: int = 1, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{float(value):.{digits}f}"
    return f"{text} {unit}".strip()


def facts(report: QcReport) -> list[tuple[str, str]]:
    s = report.summary
    project = report.project
    out = [
        (_("Project"), f"{project.code} {project.name}"),
        (_("Day"), report.day.isoformat()),
        (_("Paver readings"), str(s["readings"]["paver"])),
        (_("Roller readings"), str(s["readings"]["roller"])),
    ]
    return out


def compaction_rows(report: QcReport) -> list[tuple[str, str]]:
    c = report.summary.get("compaction")
    if not c:
        return []
    return [
        (_("Area covered"), _n(c["area_covered_m2"], 0, "m²")),
        (_("Target passes"), str(c["target_passes"])),
        (_("Area at the target"), _n(c["pct_area_at_target"], 1, "%")),
        (_("Mean passes"), _n(c["mean_passes"], 1)),
        (_("Most passes"), str(c["max_passes"])),
        (
            _("ICMV of the final pass (mean, CV)"),
            f"{_n(c['icmv']['mean'], 1)} · {_n(c['icmv']['cv_pct'], 1, '%')}"
            if c.get("icmv")
            else "—",
        ),
    ]


def pass_histogram(report: QcReport, *, top: int = 10) -> list[tuple[str, int, str]]:
    """(passes, cells, share %) rows; ``top`` passes and more in one row."""
    c = report.summary.get("compaction")
    if not c:
        return []
    counts: dict[int, int] = {}
    for key, cells in c["pass_histogram"].items():
        passes = min(int(key), top)
        counts[passes] = counts.get(passes, 0) + int(cells)
    total = sum(counts.values()) or 1
    return [
        (f"{k}+" if k == top else str(k), v, f"{100.0 * v / total:.1f}")
        for k, v in sorted(counts.items())
        if v
    ]


def thermal_rows(report: QcReport) -> list[tuple[str, str]]:
    t = report.summary.get("thermal")
    if not t:
        return []
    pct = t["pct_by_class"]
    return [
        (_("Length profiled"), _n(t["length_m"], 1, "m")),
        (_("Sublots (45.7 m)"), str(t["sublots_counted"])),
        (_("No segregation"), _n(pct.get("none"), 0, "%")),
        (_("Moderate segregation"), _n(pct.get("moderate"), 0, "%")),
        (_("Severe segregation"), _n(pct.get("severe"), 0, "%")),
        (_("Paver stops"), str(len(t["paver_stops"]))),
    ]


def sublot_headers() -> list[str]:
    return [_("Sublot"), _("From (m)"), _("To (m)"), _("Differential (°C)"), _("Class")]


def sublot_rows(report: QcReport) -> list[list[str]]:
    t = report.summary.get("thermal") or {}
    return [
        [
            str(i),
            _n(row["start_m"], 1),
            _n(row["end_m"], 1),
            _n(row.get("differential_c"), 1),
            class_label(row.get("class")) + (" *" if row.get("partial") else ""),
        ]
        for i, row in enumerate(t.get("sublots", []), start=1)
    ]


def roller_headers() -> list[str]:
    return [
        _("Roller"),
        _("Role"),
        _("Distance behind the paver, median / P95 (m)"),
        _("Time behind the paver, median / P95 (s)"),
        _("Beyond the limit"),
        _("Mean mat temperature (°C)"),
    ]


def roller_rows(report: QcReport) -> list[list[str]]:
    rows = []
    for r in report.summary.get("rollers", []):
        beyond = r.get("pct_beyond_limit_m")
        rows.append(
            [
                r["machine"] or r["device"],
                role_label(r["role"]),
                f"{_n(r['distance_behind_m']['median'])} / {_n(r['distance_behind_m']['p95'])}",
                f"{_n(r['time_gap_s']['median'], 0)} / {_n(r['time_gap_s']['p95'], 0)}",
                _n(beyond, 1, "%") if beyond is not None else "—",
                _n(r.get("mean_temp_c")),
            ]
        )
    return rows


def thickness_rows(report: QcReport) -> list[tuple[str, str]]:
    t = report.summary.get("thickness")
    if not t or not t.get("count"):
        return []
    return [
        (_("Design thickness"), f"{_n(t['design_mm'], 0)} ± {_n(t['tolerance_mm'], 1)} mm"),
        (_("Mean (std)"), f"{_n(t['mean'])} ({_n(t['std'])}) mm"),
        (_("Range"), f"{_n(t['min'])} – {_n(t['max'])} mm"),
        (_("Within tolerance"), _n(t["pct_within"], 1, "%")),
    ]


def alarm_headers() -> list[str]:
    return [_("Began"), _("Rule"), _("Severity"), _("Device"), _("Value"), _("Status")]


def alarm_rows(report: QcReport) -> list[list[str]]:
    from django.utils import timezone

    rows = []
    for a in report.alarms:
        value = f"{_n(a.value)} {a.unit}".strip()
        if a.limit is not None:
            value += f" / {_n(a.limit)}"
        rows.append(
            [
                timezone.localtime(a.started_at).strftime("%H:%M:%S"),
                rule_label(a.rule),
                a.get_severity_display(),
                a.device.code,
                value,
                a.get_status_display(),
            ]
        )
    return rows


# --- images --------------------------------------------------------------------------------


def pass_count_png(report: QcReport, *, max_px: int = 900) -> bytes:
    from zhiyang.qc import render

    assert report.pass_counts is not None
    return render.pass_count_png(
        report.pass_counts,
        report.summary["cell_size_m"],
        target_passes=report.summary["target_passes"],
        title=_("Pass count"),
        labels={"none": _("not covered"), "passes": _("passes"), "target": _("target")},
        max_px=max_px,
    )


def thermal_png(report: QcReport, *, max_px: int = 900) -> bytes:
    from zhiyang.qc import render

    assert report.thermal is not None
    return render.temperature_png(
        report.thermal,
        report.summary["thermal_cell_m"],
        title=_("Mat temperature behind the screed (°C)"),
        labels={"none": _("no data")},
        max_px=max_px,
    )


# --- PDF -----------------------------------------------------------------------------------


def pdf(report: QcReport) -> Any:
    from zhiyang.core.pdf import ReportPDF

    route = report.project.route.code if report.project.route_id else ""
    doc = ReportPDF(title=title(report), subtitle=f"{report.project.name} · {route}")
    doc.key_values(facts(report))
    doc.heading(_("Compaction (pass count)"))
    rows = compaction_rows(report)
    if rows:
        doc.key_values(rows, key_width=70)
        if report.has_compaction:
            doc.image(io.BytesIO(pass_count_png(report, max_px=1400)), w=doc.epw)
        doc.data_table(
            [_("Passes"), _("Cells"), _("Share (%)")],
            pass_histogram(report),
            widths=(30, 30, 30),
        )
    else:
        doc.paragraph(_("No roller readings on this day."))
    doc.heading(_("Thermal profile"))
    rows = thermal_rows(report)
    if rows:
        doc.key_values(rows, key_width=70)
        if report.has_thermal:
            doc.image(io.BytesIO(thermal_png(report, max_px=1400)), w=doc.epw)
        doc.data_table(sublot_headers(), sublot_rows(report))
    else:
        doc.paragraph(_("No paver readings on this day."))
    if report.summary.get("rollers"):
        doc.heading(_("Rollers behind the paver"))
        doc.data_table(roller_headers(), roller_rows(report))
    if thickness_rows(report):
        doc.heading(_("Thickness"))
        doc.key_values(thickness_rows(report), key_width=70)
    doc.heading(_("Alarms of the day"))
    if report.alarms:
        doc.data_table(alarm_headers(), alarm_rows(report))
    else:
        doc.paragraph(_("No alarms."))
    return doc


# --- Excel ---------------------------------------------------------------------------------


def workbook(report: QcReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Summary")[:31]
    sheet.append([title(report)])
    sheet["A1"].font = Font(bold=True, size=14)
    for rows in (
        facts(report),
        compaction_rows(report),
        thermal_rows(report),
        thickness_rows(report),
    ):
        for label, value in rows:
            sheet.append([label, value])
        sheet.append([])
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 30
    tables: tuple[tuple[str, list[str], Any], ...] = (
        (_("Passes"), [_("Passes"), _("Cells"), _("Share (%)")], pass_histogram(report)),
        (_("Sublots"), sublot_headers(), sublot_rows(report)),
        (_("Rollers"), roller_headers(), roller_rows(report)),
        (_("Alarms"), alarm_headers(), alarm_rows(report)),
    )
    for name, headers, table in tables:
        ws = book.create_sheet(str(name)[:31])
        ws.append([str(h) for h in headers])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in table:
            ws.append(list(row))
        for col in "ABCDEF":
            ws.column_dimensions[col].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
