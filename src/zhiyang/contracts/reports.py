"""The measurement and payment certificates as PDF (embedded CJK font, ``core.pdf``) and as
an Excel workbook in the usual tabular layout: per item 上期末累计 / 本期 / 本期末累计, then
the payment certificate (完成金额, 扣留质保金, 预付款扣回, 考核扣款, 本期应支付)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from zhiyang.contracts.models import MeasurementPeriod
from zhiyang.contracts.services.certificates import Certificate, compute_certificate
from zhiyang.core.pdf import ReportPDF

MONEY_FORMAT = "#,##0.00"
QTY_FORMAT = "#,##0.000"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _qty(value: Decimal) -> str:
    return f"{value:,.3f}".rstrip("0").rstrip(".") if value else "0"


def item_headers() -> list[str]:
    return [
        pgettext("certificate", "Code"),
        pgettext("certificate", "Item"),
        pgettext("certificate", "Unit"),
        _("BOQ quantity"),
        pgettext("certificate", "Unit price"),
        _("Previous quantity"),
        pgettext("certificate", "This period"),
        _("Cumulative quantity"),
        _("Previous amount"),
        _("This period amount"),
        _("Cumulative amount"),
        _("Done (%)"),
    ]


def payment_rows(cert: Certificate) -> list[tuple[str, Any]]:
    return [
        (_("Value of work done"), cert.work_value),
        (_("Retention withheld"), cert.retention),
        (_("Advance payment recovered"), cert.advance_recovery),
        (_("Assessment deductions"), cert.assessment_deduction),
        (_("Payable"), cert.payable),
    ]


def _title(period: MeasurementPeriod) -> str:
    return _("Measurement and payment certificate No. %(number)d (%(month)s)") % {
        "number": period.number,
        "month": f"{period.month:%Y-%m}",
    }


def _parties(period: MeasurementPeriod) -> list[tuple[str, Any]]:
    c = period.contract
    return [
        (_("Contract"), f"{c.code} {c.name}"),
        (_("Owner"), c.owner_name),
        (_("Contractor"), c.contractor_name),
        (_("Supervisor"), c.supervisor_name),
        (_("Status"), period.get_status_display()),
        (_("Contract value (yuan)"), _money(c.value_yuan)),
    ]


def certificate_pdf(period: MeasurementPeriod) -> ReportPDF:
    cert = compute_certificate(period)
    pdf = ReportPDF(title=_title(period), subtitle=str(period.contract), landscape=True)
    pdf.key_values(_parties(period))
    pdf.heading(_("Measurement certificate"))
    pdf.data_table(
        item_headers(),
        [
            (
                i.code,
                i.name,
                i.unit,
                _qty(i.contract_quantity),
                _money(i.unit_price_yuan),
                _qty(i.previous_quantity),
                _qty(i.this_quantity),
                _qty(i.cumulative_quantity),
                _money(i.previous_amount_yuan),
                _money(i.this_amount_yuan),
                _money(i.cumulative_amount_yuan),
                ""
                if i.cumulative_percent is None
                else f"{i.cumulative_percent}" + (" ⚠" if i.over_run else ""),
            )
            for i in cert.items
        ],
        widths=(18, 52, 14, 20, 18, 20, 20, 20, 24, 24, 24, 16),
        align=("LEFT", "LEFT", "CENTER", *(["RIGHT"] * 9)),
        size=7,
    )
    pdf.heading(_("Payment certificate"))
    pdf.data_table(
        [
            pgettext("certificate", "Item"),
            pgettext("certificate", "Previous"),
            pgettext("certificate", "This period"),
            pgettext("certificate", "Cumulative"),
        ],
        [
            (label, _money(m.previous), _money(m.this), _money(m.cumulative))
            for label, m in payment_rows(cert)
        ],
        widths=(80, 50, 50, 50),
        align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        size=9,
    )
    if cert.over_runs:
        pdf.paragraph(
            _("Past the BOQ quantity (a variation is needed): %(codes)s")
            % {"codes": ", ".join(i.code for i in cert.over_runs)}
        )
    pdf.key_values(
        [
            (_("Proposed by"), period.proposed_by or ""),
            (_("Approved by the supervisor"), period.supervisor_by or ""),
            (_("Certified by the owner"), period.owner_by or ""),
        ]
    )
    return pdf


def certificate_xlsx(period: MeasurementPeriod) -> bytes:
    cert = compute_certificate(period)
    wb = Workbook()
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="E2E8F0")
    ws = wb.active
    ws.title = pgettext("certificate", "Measurement")[:31]
    ws.append([_title(period)])
    ws["A1"].font = Font(bold=True, size=14)
    for key, value in _parties(period):
        ws.append([key, str(value)])
    ws.append([])
    ws.append(item_headers())
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    for i in cert.items:
        ws.append(
            [
                i.code,
                i.name,
                i.unit,
                i.contract_quantity,
                i.unit_price_yuan,
                i.previous_quantity,
                i.this_quantity,
                i.cumulative_quantity,
                i.previous_amount_yuan,
                i.this_amount_yuan,
                i.cumulative_amount_yuan,
                i.cumulative_percent,
            ]
        )
        row = ws.max_row
        for col in (4, 6, 7, 8):
            ws.cell(row, col).number_format = QTY_FORMAT
        for col in (5, 9, 10, 11):
            ws.cell(row, col).number_format = MONEY_FORMAT
        if i.over_run:
            ws.cell(row, 12).font = Font(color="B91C1C", bold=True)
    ws.append(
        [
            pgettext("certificate", "Total"),
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            cert.work_value.previous,
            cert.work_value.this,
            cert.work_value.cumulative,
        ]
    )
    for col in (9, 10, 11):
        ws.cell(ws.max_row, col).number_format = MONEY_FORMAT
        ws.cell(ws.max_row, col).font = bold
    for index, width in enumerate((12, 36, 8, 12, 12, 12, 12, 12, 16, 16, 16, 10), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    pay = wb.create_sheet(pgettext("certificate", "Payment")[:31])
    pay.append([_title(period)])
    pay["A1"].font = Font(bold=True, size=14)
    pay.append(
        [
            pgettext("certificate", "Item"),
            pgettext("certificate", "Previous"),
            pgettext("certificate", "This period"),
            pgettext("certificate", "Cumulative"),
        ]
    )
    for cell in pay[2]:
        cell.font, cell.fill = bold, fill
    for label, m in payment_rows(cert):
        pay.append([label, m.previous, m.this, m.cumulative])
        for col in (2, 3, 4):
            pay.cell(pay.max_row, col).number_format = MONEY_FORMAT
    pay.column_dimensions["A"].width = 28
    for letter in "BCD":
        pay.column_dimensions[letter].width = 18
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
