"""Validators shared by models of every app."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_printable(value: str) -> None:
    """Refuse control characters (and lone surrogates) in names and codes.

    They are invisible on screen, break Excel exports and are never meant: usually a paste
    from another program or a corrupted file.
    """
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in str(value)):
        raise ValidationError(
            _("Remove the invisible control characters from this text."), code="control_characters"
        )


# Free text (notes, descriptions, problems) is meant to have line breaks and tabs.
MULTILINE_CONTROL = frozenset("\n\r\t")


def validate_multiline_text(value: str) -> None:
    """``validate_printable`` for multi-line text: line breaks and tabs are allowed."""
    validate_printable("".join(ch for ch in str(value) if ch not in MULTILINE_CONTROL))


# Largest photo a field form may attach (bytes); phones send 2–5 MB JPEGs.
MAX_PHOTO_BYTES = 10 * 1024 * 1024


# Largest photo in pixels (a 50 MP phone camera passes); more is a decompression bomb: a
# small PNG that would take gigabytes of memory to draw in a page or a PDF report.
MAX_PHOTO_PIXELS = 60_000_000
# What a photo may be: Pillow reads many more (EPS runs Ghostscript, SVG is not an image
# at all), none of which a phone sends. MPO is the JPEG of some phone cameras.
PHOTO_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})


def validate_photo(upload: Any) -> None:
    """A real JPEG, PNG or WebP image of at most MAX_PHOTO_BYTES and MAX_PHOTO_PIXELS,
    whatever its name says (an SVG with a script, a text file named .jpg and a
    decompression bomb are all refused).

    Used by every photo field (distress and hazard reports, workers, briefings). A file
    already stored was checked when it was uploaded.
    """
    if not upload or getattr(upload, "_committed", False):
        return
    size = getattr(upload, "size", 0) or 0
    if size > MAX_PHOTO_BYTES:
        raise ValidationError(
            _("The photo is larger than %(limit)d MB.") % {"limit": MAX_PHOTO_BYTES // 2**20},
            code="photo_too_large",
        )
    import warnings

    from PIL import Image, UnidentifiedImageError

    Image.init()  # every plugin registered, so the formats below can be named
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            formats = sorted(PHOTO_FORMATS & set(Image.OPEN))
            with Image.open(upload, formats=formats) as image:
                width, height = image.size
                if width * height > MAX_PHOTO_PIXELS:
                    raise Image.DecompressionBombError(f"{width}x{height}")
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ValidationError(
            _("The photo has too many pixels (at most %(mp)d megapixels).")
            % {"mp": MAX_PHOTO_PIXELS // 1_000_000},
            code="photo_too_large",
        ) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, TypeError) as exc:
        raise ValidationError(
            _("Upload a JPEG, PNG or WebP photo; this file is not an image."), code="image"
        ) from exc
    finally:
        if position is not None:
            upload.seek(position)
