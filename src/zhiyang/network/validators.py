"""The one chainage check: a place on a route must be a finite number within its extent.

Every model that holds a route and a chainage (sections, hazards, inspections, incidents,
work zones, distress, projects, work orders, plan items, equipment assignments) calls
``chainage_errors`` from its ``clean()``, so a value one endpoint accepts is one every page,
GeoJSON, PDF and Excel export can show. The tolerance past a route's ends (rounding in
survey files, GPS snapping) is ``settings.CHAINAGE_TOLERANCE_M``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhiyang.network.chainage import format_chainage

if TYPE_CHECKING:
    from zhiyang.network.models import Route

#: No road is longer than this (10,000 km): a larger chainage is a typing or unit error.
MAX_CHAINAGE_M = 10_000_000.0


def tolerance_m() -> float:
    return float(getattr(settings, "CHAINAGE_TOLERANCE_M", 0.5))


def on_route(route: Route, start_m: float, end_m: float | None = None) -> bool:
    """True if the chainage (or range) is finite and lies on ``route`` within the tolerance."""
    end_m = start_m if end_m is None else end_m
    tolerance = tolerance_m()
    return (
        math.isfinite(start_m)
        and math.isfinite(end_m)
        and route.start_m - tolerance <= start_m
        and end_m <= route.end_m + tolerance
    )


def value_error(value: Any) -> str | None:
    """Why ``value`` cannot be a chainage at all (None: it can)."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return _("A chainage must be a number of metres.")
    if not math.isfinite(number):
        return _("A chainage must be a finite number of metres.")
    if number < 0:
        return _("A chainage cannot be negative.")
    if number > MAX_CHAINAGE_M:
        return _("A chainage cannot be more than %(km)d km.") % {"km": MAX_CHAINAGE_M // 1000}
    return None


def chainage_errors(
    route: Route | None,
    values: dict[str, float | None],
    *,
    what: Any = None,
) -> dict[str, str]:
    """Errors by field for chainage ``values`` ({field: metres or None}) on ``route``.

    Each value must be a finite, non-negative number; with a route, the smallest and the
    largest of them must lie within its extent (± the tolerance). ``what`` names the record
    in the message ("The hazard"); the first field carries an extent error.
    """
    errors: dict[str, str] = {}
    given: dict[str, float] = {}
    for field, value in values.items():
        if value is None:
            continue
        problem = value_error(value)
        if problem:
            errors[field] = problem
        else:
            given[field] = float(value)
    if errors or route is None or not given:
        return errors
    low, high = min(given.values()), max(given.values())
    if not on_route(route, low, high):
        field = next(iter(given))
        errors[field] = _(
            "%(what)s must lie on route %(route)s, between %(start)s and %(end)s."
        ) % {
            "what": what or _("The chainage"),
            "route": route.code,
            "start": format_chainage(route.start_m),
            "end": format_chainage(route.end_m),
        }
    return errors


def validate_on_route(
    route: Route | None, values: dict[str, float | None], *, what: Any = None
) -> None:
    """Raise ``ValidationError`` (by field) if :func:`chainage_errors` finds anything."""
    errors = chainage_errors(route, values, what=what)
    if errors:
        raise ValidationError(errors)


class OnRouteMixin:
    """For a model with a ``route`` and chainage fields: ``chainage_fields`` names them (the
    range's start first); ``route_chainage_errors()`` is what its ``clean()`` merges in."""

    chainage_fields: tuple[str, ...] = ("chainage_m",)
    route_id: Any

    def route_chainage_errors(self, *, what: Any = None) -> dict[str, str]:
        route = getattr(self, "route", None) if self.route_id is not None else None
        values = {name: getattr(self, name) for name in self.chainage_fields}
        return chainage_errors(route, values, what=what)

    def clean(self) -> None:
        """The chainage check alone; a model with more rules merges it into its own clean."""
        errors = self.route_chainage_errors()
        if errors:
            raise ValidationError(errors)
