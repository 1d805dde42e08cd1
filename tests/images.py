"""Small real images for upload tests (Pillow reads them, as the photo validator does)."""

from __future__ import annotations

import io

from PIL import Image


def png(name: str = "photo.png", colour: tuple[int, int, int] = (30, 120, 200)) -> io.BytesIO:
    """An 8 × 8 PNG as an open file named ``name``, ready to post."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = name
    return buffer
