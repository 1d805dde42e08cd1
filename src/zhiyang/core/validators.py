"""Validators shared by models of every app."""

from __future__ import annotations

import unicodedata

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
