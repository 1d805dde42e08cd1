"""The QC report PDF: heat maps embedded, the CJK font embedded, a clear error without it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.pdfs import pdf_text
from zhiyang.core.models import User
from zhiyang.core.pdf import PdfFontMissing, font_files
from zhiyang.qc import report as qc_report
from zhiyang.qc import services
from zhiyang.works.models import Project

LATIN_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _has_cjk_font() -> bool:
    font_files.cache_clear()
    try:
        font_files()
    except PdfFontMissing:
        return False
    finally:
        font_files.cache_clear()
    return True


@pytest.fixture(autouse=True)
def _fresh_font_lookup() -> Iterator[None]:
    font_files.cache_clear()
    yield
    font_files.cache_clear()


@pytest.fixture
def demo(shared_demo_committed: Any) -> tuple[Project, Any]:
    """The session's demo (tests/shared_demo.py), committed, with this test's own copy of
    the shift's lake."""
    project = Project.objects.get(code="DEMO-G109-2026")
    day = next(d for p, d in services.project_days(Project.objects.all()) if p.pk == project.pk)
    return project, day


@pytest.mark.skipif(not Path(LATIN_FONT).is_file(), reason="needs fonts-dejavu-core")
def test_pdf_structure_with_heat_maps(
    demo: tuple[Project, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    project, day = demo
    monkeypatch.setenv("ZHIYANG_PDF_FONT", LATIN_FONT)  # any font: the English text only
    report = services.build_report(project, day)
    with translation.override("en"):
        data = qc_report.pdf(report).to_bytes()
    assert data[:5] == b"%PDF-"
    text = pdf_text(data)
    for words in ("QC report DEMO-G109-2026", "Compaction (pass count)", "Thermal profile"):
        assert words in text
    assert "Rollers behind the paver" in text and "Alarms of the day" in text
    assert data.count(b"/Subtype /Image") >= 2  # both heat maps


@pytest.mark.skipif(not _has_cjk_font(), reason="needs fonts-noto-cjk (scripts/test.sh)")
def test_pdf_in_chinese_embeds_the_font(demo: tuple[Project, Any]) -> None:
    project, day = demo
    client = Client()
    client.force_login(User.objects.get(username="engineer"))
    with translation.override("zh-hans"):
        response = client.get(
            reverse("qc:export", args=[project.pk, day.isoformat(), "pdf"]),
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"FontFile2" in response.content or b"FontFile3" in response.content
    assert project.name in pdf_text(response.content)


def test_pdf_without_a_cjk_font_says_what_to_install(
    demo: tuple[Project, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    project, day = demo
    monkeypatch.setenv("ZHIYANG_PDF_FONT", "/nonexistent/font.ttf")
    client = Client()
    client.force_login(User.objects.get(username="engineer"))
    response = client.get(reverse("qc:export", args=[project.pk, day.isoformat(), "pdf"]))
    assert response.status_code == 503
    assert b"fonts-noto-cjk" in response.content
