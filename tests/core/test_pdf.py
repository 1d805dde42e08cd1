"""PDF reports carry their Chinese font: the text survives extraction, and a missing font
is a clear error rather than a PDF of empty boxes."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.pdfs import pdf_text
from zhiyang.core import pdf as pdf_module
from zhiyang.core.pdf import PdfFontMissing, ReportPDF, font_files, pdf_response


@pytest.fixture(autouse=True)
def _fresh_font_lookup():
    font_files.cache_clear()
    yield
    font_files.cache_clear()


def _has_cjk_font() -> bool:
    try:
        font_files()
    except PdfFontMissing:
        return False
    return True


@pytest.mark.skipif(
    not _has_cjk_font(), reason="needs fonts-noto-cjk (scripts/test.sh installs it)"
)
def test_report_embeds_the_font_and_keeps_chinese_text():
    report = ReportPDF(title="路面技术状况评定报告", subtitle="大同公路养护分部")
    report.heading("汇总")
    report.key_values([("优良率", "88.5 %")])
    report.data_table(["单元", "PQI", "等级"], [[i, 90.5, "优"] for i in range(120)])
    reader = PdfReader(io.BytesIO(report.to_bytes()))
    assert len(reader.pages) >= 2  # the table broke across pages, headings repeated
    text = pdf_text(report.to_bytes())
    assert "路面技术状况评定报告" in text and "优良率" in text
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("CJK" in name for name in fonts), fonts  # embedded subset, not a viewer fallback


def test_configured_font_that_does_not_exist_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("ZHIYANG_PDF_FONT", str(tmp_path / "missing.ttf"))
    with pytest.raises(PdfFontMissing, match="fonts-noto-cjk"):
        ReportPDF(title="x")


def test_no_font_anywhere_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("ZHIYANG_PDF_FONT", raising=False)
    monkeypatch.setattr(pdf_module, "CANDIDATES", (("/nonexistent/font.ttc", ""),))
    with pytest.raises(PdfFontMissing):
        font_files()


@pytest.mark.skipif(not _has_cjk_font(), reason="needs fonts-noto-cjk")
def test_pdf_response_headers():
    response = pdf_response(ReportPDF(title="报告"), "report.pdf", inline=False)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response.content.startswith(b"%PDF")
