"""Audited writes of the road network. Views, the API, imports and the admin call these.

Section geometry is never entered by hand: it is derived from the route's centre line
between the section's chainages whenever a section is saved, and re-derived for every
section of a route whose geometry or chainage range changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhiyang.core import audit, services
from zhiyang.core.access import restrict
from zhiyang.core.actors import Actor
from zhiyang.core.choices import AuditAction
from zhiyang.network import linref
from zhiyang.network.models import CHAINAGE_TOLERANCE_M, District, Route, Section

ROUTE_SHAPE_FIELDS = ("geometry", "start_m", "end_m")


def clean_route_geometry(geometry: Any) -> dict[str, Any] | None:
    """A validated GeoJSON LineString (positions as floats rounded to 7 decimals, about
    1 cm), or None; ValidationError if it is not a usable centre line."""
    if geometry in (None, ""):
        return None
    try:
        coords = linref.validate_linestring(geometry)
        linref.project_line(coords)
    except linref.GeometryError as exc:
        raise ValidationError(
            {"geometry": _("Invalid route geometry: %(reason)s.") % {"reason": exc}}
        ) from exc
    digits = linref.COORD_DECIMALS
    return {
        "type": "LineString",
        "coordinates": [[round(x, digits), round(y, digits)] for x, y in coords],
    }


def section_geometry(route: Route, start_m: float, end_m: float) -> dict[str, Any] | None:
    """The section's geometry cut from its route (None if the route has no geometry)."""
    if route.geometry is None:
        return None
    lo = max(start_m, route.start_m)
    hi = min(end_m, route.end_m)
    if hi <= lo:
        return None
    try:
        return linref.substring(route, lo, hi)
    except linref.GeometryError:
        return None


# --- Districts -----------------------------------------------------------------------------


def create_district(*, actor: Actor, data: Mapping[str, Any]) -> District:
    return services.create_object(actor=actor, model=District, data=data)


def update_district(*, actor: Actor, district: District, data: Mapping[str, Any]) -> District:
    return services.update_object(actor=actor, obj=district, data=data)


def delete_district(*, actor: Actor, district: District) -> None:
    services.delete_object(actor=actor, obj=district)


# --- Routes --------------------------------------------------------------------------------


def _route_data(data: Mapping[str, Any]) -> dict[str, Any]:
    clean = dict(data)
    if "geometry" in clean:
        clean["geometry"] = clean_route_geometry(clean["geometry"])
    return clean


def create_route(*, actor: Actor, data: Mapping[str, Any]) -> Route:
    """Create a route (geometry validated); audited."""
    return services.create_object(actor=actor, model=Route, data=_route_data(data))


def update_route(*, actor: Actor, route: Route, data: Mapping[str, Any]) -> Route:
    """Update a route; when its geometry or range changes, its sections are re-derived.

    Refused when the new range would leave one of its sections outside it.
    """
    with transaction.atomic():
        clean = _route_data(data)
        shape_before = tuple(getattr(route, name) for name in ROUTE_SHAPE_FIELDS)
        route = services.update_object(actor=actor, obj=route, data=clean)
        shape_after = tuple(getattr(route, name) for name in ROUTE_SHAPE_FIELDS)
        if shape_after != shape_before:
            outside = route.sections.exclude(
                start_m__gte=route.start_m - CHAINAGE_TOLERANCE_M,
                end_m__lte=route.end_m + CHAINAGE_TOLERANCE_M,
            )
            if outside.exists():
                raise ValidationError(
                    {"end_m": _("Some sections of this route would lie outside its new range.")}
                )
            rederive_sections(actor=actor, route=route)
    return route


def rederive_sections(*, actor: Actor, route: Route) -> int:
    """Recompute the geometry of every section of ``route``; audited; returns how many changed.

    Runs as part of a route change, so sections outside the user's own scope follow the
    route too (the route change itself was already checked against the scope).
    """
    changed = 0
    with transaction.atomic():
        for section in route.sections.select_related("route", "district"):
            section.route = route
            geometry = section_geometry(route, section.start_m, section.end_m)
            if geometry == section.geometry:
                continue
            before = audit.snapshot(section)
            section.geometry = geometry
            section.save(update_fields=["geometry"])
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=section,
                before=before,
                after=audit.snapshot(section),
            )
            changed += 1
    return changed


def delete_route(*, actor: Actor, route: Route) -> None:
    """Delete a route and (cascading) its sections; each deletion audited."""
    with transaction.atomic():
        for section in route.sections.all():
            services.delete_object(actor=actor, obj=section)
        services.delete_object(actor=actor, obj=route)


# --- Sections ------------------------------------------------------------------------------


def _section_data(data: Mapping[str, Any], current: Section | None = None) -> dict[str, Any]:
    clean = {k: v for k, v in data.items() if k != "geometry"}
    route = clean.get("route", current.route if current else None)
    start_m = clean.get("start_m", current.start_m if current else None)
    end_m = clean.get("end_m", current.end_m if current else None)
    if isinstance(route, Route) and start_m is not None and end_m is not None:
        clean["geometry"] = section_geometry(route, float(start_m), float(end_m))
    return clean


def create_section(*, actor: Actor, data: Mapping[str, Any]) -> Section:
    """Create a section with its geometry derived from the route; audited."""
    return services.create_object(actor=actor, model=Section, data=_section_data(data))


def update_section(*, actor: Actor, section: Section, data: Mapping[str, Any]) -> Section:
    """Update a section (geometry re-derived); audited."""
    return services.update_object(
        actor=actor, obj=section, data=_section_data(data, current=section)
    )


def delete_section(*, actor: Actor, section: Section) -> None:
    services.delete_object(actor=actor, obj=section)


def district_at(route: Route, chainage_m: float) -> District | None:
    """The district of the section of ``route`` containing the chainage, else of the nearest
    section (a point on a gap between sections, or just past the route's end)."""
    sections = Section.objects.filter(route=route).select_related("district")
    inside = sections.filter(start_m__lte=chainage_m, end_m__gte=chainage_m).first()
    if inside is not None:
        return inside.district
    before = sections.filter(end_m__lt=chainage_m).order_by("-end_m").first()
    after = sections.filter(start_m__gt=chainage_m).order_by("start_m").first()
    candidates = [s for s in (before, after) if s is not None]
    if not candidates:
        return None
    nearest = min(
        candidates, key=lambda s: min(abs(s.start_m - chainage_m), abs(s.end_m - chainage_m))
    )
    return nearest.district


# How far from a route's centre line a phone's GPS point may be for a field report (a
# distress, a hazard): GPS error on a phone plus a worker standing on the verge of a wide road.
FIELD_LOCATE_TOLERANCE_M = 100.0


class NotNearAnyRoute(ValidationError):
    """A field report's GPS point is not near any route in the user's scope."""


def locate_field_point(
    *,
    actor: Actor,
    lon: float,
    lat: float,
    route: Route | None = None,
    tolerance_m: float = FIELD_LOCATE_TOLERANCE_M,
) -> linref.Location:
    """Where a phone's GPS point lies on the network: the nearest route in the user's scope
    (or ``route``) and its chainage; ``NotNearAnyRoute`` (a field error on ``lon``) when no
    route is within ``tolerance_m``. The system sees every route."""
    routes = restrict(Route.objects.filter(geometry__isnull=False), actor, "view")
    if route is not None:
        routes = routes.filter(pk=route.pk)
    found = linref.locate(lon, lat, routes, max_distance_m=tolerance_m)
    if found is None:
        raise NotNearAnyRoute(
            {
                "lon": _(
                    "No route in your scope is within %(tolerance)d m of this point; move "
                    "closer to the road or choose the route and chainage by hand."
                )
                % {"tolerance": tolerance_m}
            }
        )
    return found
