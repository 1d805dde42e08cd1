"""GeoJSON of machines' last known positions for web/map.js (generic popup contract)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zhiyang.fleet.choices import TYPE_COLOURS
from zhiyang.fleet.models import Equipment


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def machine_feature(machine: Equipment) -> dict[str, Any]:
    """A Point feature with ``color`` (by type), ``title``, ``popup``, ``url``/``url_label``."""
    when = (
        date_format(timezone.localtime(machine.last_position_at), "SHORT_DATETIME_FORMAT")
        if machine.last_position_at
        else "—"
    )
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [
                round(machine.last_longitude or 0.0, 6),
                round(machine.last_latitude or 0.0, 6),
            ],
        },
        "properties": {
            "id": machine.pk,
            "code": machine.code,
            "equipment_type": machine.equipment_type,
            "status": machine.status,
            "color": TYPE_COLOURS.get(machine.equipment_type, "#7f7f7f"),
            "title": str(machine),
            "popup": [
                [_("Type"), machine.get_equipment_type_display()],
                [_("Status"), machine.get_status_display()],
                [_("Operating hours"), _number(machine.last_operating_hours)],
                [_("Position time"), when],
            ],
            "url": reverse("fleet:equipment-detail", args=[machine.pk]),
            "url_label": _("Machine details"),
        },
    }


def positions_collection(machines: Iterable[Equipment]) -> dict[str, Any]:
    """Machines with a known position as a FeatureCollection."""
    return {
        "type": "FeatureCollection",
        "features": [
            machine_feature(m)
            for m in machines
            if m.last_latitude is not None and m.last_longitude is not None
        ],
    }


ROUTE_COLOUR = "#9aa5b1"


def route_features(
    routes: Iterable[Any], coords_of: Callable[[Any], Any] | None = None
) -> list[dict[str, Any]]:
    """Thin grey route lines under the machines, so positions have a context on the map
    (``coords_of(route)``: the line to draw, e.g. simplified to the zoom; else the
    route's geometry)."""
    features = [
        {
            "type": "Feature",
            "geometry": route.geometry if coords_of is None else _line(coords_of(route)),
            "properties": {
                "code": route.code,
                "color": ROUTE_COLOUR,
                "weight": 3,
                "title": f"{route.code} {route.name}",
                "popup": [],
            },
        }
        for route in routes
        if coords_of is not None or route.geometry
    ]
    return [f for f in features if f["geometry"]]


def _line(coords: Any) -> dict[str, Any] | None:
    return {"type": "LineString", "coordinates": coords} if coords else None
