"""Sane ranges of quantities by unit: the one place a measured or planned amount is bounded.

A quantity is a finite, non-negative number no larger than what one record could ever hold
(a whole route's surface, a year's fuel). Larger values are typing or unit errors
(``1e300`` m² of cracking), and they break the sums of every report downstream.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

#: Largest quantity of one record, by unit code (condition.QuantityUnit, works.Unit).
MAX_BY_UNIT: dict[str, float] = {
    "m2": 10_000_000.0,  # 10 km²: 300 km of a 30 m wide road
    "m": 1_000_000.0,  # 1,000 km
    "m3": 1_000_000.0,
    "t": 1_000_000.0,
    "L": 100_000_000.0,
    "kg": 1_000_000_000.0,
    "ea": 1_000_000.0,
    "shift": 100_000.0,
}
#: For a unit not listed.
DEFAULT_MAX = 1_000_000.0


def max_for(unit: str | None) -> float:
    return MAX_BY_UNIT.get(unit or "", DEFAULT_MAX)


def quantity_error(value: Any, unit: str | None) -> str | None:
    """Why ``value`` cannot be a quantity in ``unit`` (None: it can)."""
    if value is None:
        return None
    try:
        number = float(Decimal(str(value)) if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError, InvalidOperation):
        return _("A quantity must be a number.")
    if not math.isfinite(number):
        return _("A quantity must be a finite number.")
    if number < 0:
        return _("A quantity cannot be negative.")
    limit = max_for(unit)
    if number > limit:
        return _("A quantity in %(unit)s cannot be more than %(limit)s.") % {
            "unit": unit or "-",
            "limit": f"{limit:,.0f}",
        }
    return None
