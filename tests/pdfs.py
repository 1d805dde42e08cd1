"""Reading the text of a generated PDF in tests."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    """All the text of the PDF.

    pypdf decodes fpdf2's CID font text as UTF-16 code units and leaves a NUL before each
    character; poppler's pdftotext reads the same file cleanly, so the NULs are dropped.
    """
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages).replace("\x00", "")
