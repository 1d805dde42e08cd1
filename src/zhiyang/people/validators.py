"""Validators of the people app: the 18-digit resident ID number and uploaded photos."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 11643-1999 公民身份号码: weights of the 17 digits and the check character by remainder.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalise_id_number(value: str) -> str:
    return "".join(str(value or "").split()).upper()


def id_check_character(first17: str) -> str:
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> None:
    """An 18-character resident ID number with a correct GB 11643 check character."""
    text = normalise_id_number(value)
    if not text:
        return
    if len(text) != 18 or not text[:17].isdigit() or text[17] not in "0123456789X":
        raise ValidationError(
            _("An ID number has 17 digits followed by a digit or X."), code="id_format"
        )
    if id_check_character(text[:17]) != text[17]:
        raise ValidationError(
            _("This ID number's check character is wrong; check for a typing error."),
            code="id_checksum",
        )


def mask_id_number(value: str) -> str:
    """``1402**********1234``: enough to tell people apart, not enough to misuse."""
    text = normalise_id_number(value)
    if not text:
        return ""
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]
