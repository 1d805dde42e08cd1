"""Photo uploads: only real JPEG/PNG/WebP images within size and pixel limits are kept."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.images import png
from zhiyang.core.validators import validate_photo

SVG = b"""<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">
<script>fetch('/api/v1/core/users/')</script><rect width="8" height="8"/></svg>"""


def bomb_png(width: int = 40_000, height: int = 40_000) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (1.6 gigapixels)."""
    buffer = io.BytesIO()
    Image.new("L", (1, 1)).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    ihdr = 8  # after the signature: length(4) type(4) data(13) crc(4)
    data[ihdr + 8 : ihdr + 16] = struct.pack(">II", width, height)
    crc = zlib.crc32(bytes(data[ihdr + 4 : ihdr + 21]))
    data[ihdr + 21 : ihdr + 25] = struct.pack(">I", crc)
    return bytes(data)


def _upload(name: str, content: bytes, kind: str = "image/png") -> Any:
    return SimpleUploadedFile(name, content, content_type=kind)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.svg", SVG),
        ("x.png", SVG),
        ("x.jpg", b"just text"),
        ("bomb.png", bomb_png()),
        ("medium-bomb.png", bomb_png(10_000, 10_000)),
        ("x.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    ],
)
def test_refused(name: str, content: bytes) -> None:
    with pytest.raises(ValidationError):
        validate_photo(_upload(name, content))


def test_real_photo_is_kept() -> None:
    validate_photo(_upload("ok.png", png().getvalue()))


@pytest.mark.django_db
@pytest.mark.parametrize("content", [SVG, bomb_png()])
def test_hazard_photo_api_refuses(content: bytes, two_districts: Any, make_user: Any) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(make_user("safety_officer", two_districts["org_west"]))
    response = client.post(
        "/api/v1/safety/hazards/",
        {
            "route": "G109",
            "chainage_m": 100,
            "description": "d",
            "level": "general",
            "photo": _upload("p.png", content),
        },
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert "photo" in response.json()["error"]["fields"]
