"""Printable PDF reports with an embedded CJK font (fpdf2).

Every report (condition report, work-zone layout sheet, ...) is a ``ReportPDF``: A4, a title
block, page numbers, and the helpers below. Chinese text needs a CJK font inside the file, so
readers without one still see it: the font is subset and embedded. It is found in this order:

1. ``ZHIYANG_PDF_FONT`` (a .ttf/.otf/.ttc path; for a collection, ``path#index``);
2. Noto Sans CJK SC from Debian's ``fonts-noto-cjk``, then WenQuanYi Zen Hei/Micro Hei and
   Droid Sans Fallback from their Debian packages.

Without any of them ``PdfFontMissing`` says what to install; views answer it with a clear
error page instead of a PDF without Chinese.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace

# fontTools logs every subsetting step at INFO; a report is not the place for that.
logging.getLogger("fontTools").setLevel(logging.WARNING)

FONT_FAMILY = "cjk"
CANDIDATES: tuple[tuple[str, str], ...] = (
    # (regular, bold) - the bold may be missing; the regular is then used for both.
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", ""),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", ""),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", ""),
)
SIMPLIFIED_CHINESE_FAMILY = "Noto Sans CJK SC"


class PdfFontMissing(RuntimeError):
    """No CJK font was found for PDF reports."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "No Chinese font is installed for PDF reports. Install the Debian package "
                "fonts-noto-cjk, or set ZHIYANG_PDF_FONT to a .ttf/.otf/.ttc file."
            )
        )


def _collection_index(path: str, family: str) -> int:
    """The index of ``family`` inside a font collection (0 if absent or not a collection)."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    from fontTools.ttLib import TTCollection

    with TTCollection(path, lazy=True) as collection:
        for index, font in enumerate(collection.fonts):
            if font["name"].getDebugName(1) == family:
                return index
    return 0


@cache
def font_files() -> tuple[tuple[str, int], tuple[str, int]]:
    """((regular path, collection index), (bold path, index)) of the CJK font to embed."""
    configured = os.environ.get("ZHIYANG_PDF_FONT", "").strip()
    if configured:
        path, _sep, index = configured.partition("#")
        if not Path(path).is_file():
            raise PdfFontMissing
        entry = (path, int(index or 0))
        return entry, entry
    for regular, bold in CANDIDATES:
        if Path(regular).is_file():
            reg = (regular, _collection_index(regular, SIMPLIFIED_CHINESE_FAMILY))
            if bold and Path(bold).is_file():
                return reg, (bold, _collection_index(bold, SIMPLIFIED_CHINESE_FAMILY))
            return reg, reg
    raise PdfFontMissing


class ReportPDF(FPDF):
    """An A4 report: title block on the first page, running header, page x / y footer."""

    def __init__(self, *, title: str, subtitle: str = "", landscape: bool = False) -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        (regular, reg_index), (bold, bold_index) = font_files()
        self.add_font(FONT_FAMILY, "", regular, collection_font_number=reg_index)
        self.add_font(FONT_FAMILY, "B", bold, collection_font_number=bold_index)
        self.report_title = title
        self.report_subtitle = subtitle
        self.generated_at: datetime = timezone.localtime()
        self.set_title(title)
        self.set_creator("Zhiyang")
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(12, 12, 12)
        self.alias_nb_pages()
        self.add_page()
        self._title_block()

    def _title_block(self) -> None:
        self.set_font(FONT_FAMILY, "B", 16)
        self.multi_cell(0, 8, self.report_title, new_x="LMARGIN", new_y="NEXT")
        if self.report_subtitle:
            self.set_font(FONT_FAMILY, "", 10)
            self.multi_cell(0, 5, self.report_subtitle, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT_FAMILY, "", 8)
        self.set_text_color(90)
        self.cell(
            0,
            5,
            _("Generated %(time)s by Zhiyang")
            % {"time": self.generated_at.strftime("%Y-%m-%d %H:%M")},
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.set_text_color(0)
        self.ln(2)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT_FAMILY, "", 8)
        self.set_text_color(90)
        self.cell(0, 5, self.report_title, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)
        self.ln(1)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font(FONT_FAMILY, "", 8)
        self.set_text_color(90)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="C")
        self.set_text_color(0)

    def heading(self, text: str, level: int = 1) -> None:
        self.ln(2)
        self.set_font(FONT_FAMILY, "B", 13 if level == 1 else 11)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT_FAMILY, "", 9)

    def paragraph(self, text: str, size: float = 9) -> None:
        self.set_font(FONT_FAMILY, "", size)
        self.multi_cell(0, 4.8, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def key_values(self, pairs: Iterable[tuple[str, Any]], key_width: float = 45) -> None:
        """A two-column block of labels and values."""
        for key, value in pairs:
            self.set_font(FONT_FAMILY, "B", 9)
            self.cell(key_width, 5.5, str(key))
            self.set_font(FONT_FAMILY, "", 9)
            self.multi_cell(
                0, 5.5, "" if value is None else str(value), new_x="LMARGIN", new_y="NEXT"
            )

    def data_table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        widths: Sequence[float] | None = None,
        align: Sequence[str] | None = None,
        size: float = 8,
    ) -> None:
        """A table with a repeated heading row; cells wrap; ``None`` prints as empty."""
        self.set_font(FONT_FAMILY, "", size)
        heading = FontFace(emphasis="BOLD", fill_color=(226, 232, 240))
        with self.table(
            col_widths=tuple(widths) if widths else None,
            text_align=tuple(align) if align else "LEFT",
            headings_style=heading,
            line_height=size * 0.55,
            repeat_headings=1,
            first_row_as_headings=True,
        ) as table:
            table.row([str(h) for h in headers])
            for row in rows:
                table.row(["" if cell is None else str(cell) for cell in row])
        self.ln(2)

    def to_bytes(self) -> bytes:
        return bytes(self.output())


def pdf_response(pdf: ReportPDF, filename: str, *, inline: bool = True) -> HttpResponse:
    """The PDF as a download (``inline`` opens it in the browser's viewer)."""
    response = HttpResponse(pdf.to_bytes(), content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
