"""Chainage (桩号) parsing and formatting: ``K12+345.6`` <-> 12345.6 m."""

from __future__ import annotations

import math
import re

from django.utils.translation import gettext as _

_PATTERN = re.compile(
    r"""^\s*
    (?:[Kk]\s*)?             # optional K
    (?P<km>\d+)
    \s*\+\s*
    (?P<m>\d{1,3}(?:\.\d+)?) # metres within the kilometre
    \s*$""",
    re.VERBOSE,
)


class ChainageError(ValueError):
    """A chainage string that cannot be read."""


def parse_chainage(text: str) -> float:
    """Metres from a chainage such as ``K12+345.6``, ``k12+345``, ``12+345.60``.

    The part after ``+`` is metres within the kilometre and must be below 1000.
    """
    match = _PATTERN.match(text or "")
    if not match:
        raise ChainageError(
            _("“%(value)s” is not a chainage; write it like K12+345 or K12+345.6.")
            % {"value": text}
        )
    metres = float(match["m"])
    if metres >= 1000:
        raise ChainageError(
            _("“%(value)s”: the metres after “+” must be below 1000.") % {"value": text}
        )
    return int(match["km"]) * 1000 + metres


def format_chainage(metres: float, decimals: int = 0) -> str:
    """``K12+345`` (or with ``decimals`` places) from metres; negative values are refused."""
    if not math.isfinite(metres) or metres < 0:
        raise ChainageError(_("A chainage must be a finite, non-negative number of metres."))
    scale = 10**decimals
    units = round(metres * scale)
    km, rest = divmod(units, 1000 * scale)
    metre_part = rest / scale
    width = 3 + (decimals + 1 if decimals else 0)
    return f"K{km}+{metre_part:0{width}.{decimals}f}"
