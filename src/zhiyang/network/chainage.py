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


#: What a page shows for a chainage that is not a number (never stored: network/validators.py).
NOT_A_CHAINAGE = "–"


def format_chainage(metres: float, decimals: int = 0) -> str:
    """``K12+345`` (or with ``decimals`` places) from metres.

    Never raises, so no page, GeoJSON, PDF or Excel export can fail on a stored value: a
    negative chainage (a work zone's taper before K0) is ``-K0+012``, a value that is not a
    finite number ``–``. Validation refuses those before they are stored.
    """
    try:
        metres = float(metres)
    except (TypeError, ValueError, OverflowError):
        return NOT_A_CHAINAGE
    if not math.isfinite(metres):
        return NOT_A_CHAINAGE
    if metres < 0:
        return "-" + format_chainage(-metres, decimals)
    scale = 10**decimals
    units = round(metres * scale)
    km, rest = divmod(units, 1000 * scale)
    metre_part = rest / scale
    width = 3 + (decimals + 1 if decimals else 0)
    return f"K{km}+{metre_part:0{width}.{decimals}f}"
