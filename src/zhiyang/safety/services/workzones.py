"""Work zones: the JTG H30-2015 layout (zones, signs, speed steps) placed on the route's
chainage when a zone is saved, and its GeoJSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhiyang.analytics import workzone as kernel
from zhiyang.core import services
from zhiyang.core.actors import Actor, audit_user
from zhiyang.network import linref
from zhiyang.network.chainage import format_chainage
from zhiyang.network.services import district_at
from zhiyang.safety.choices import ClosedLane, WorkZoneDirection
from zhiyang.safety.models import WorkZone
from zhiyang.standards.services import overrides_for

# Zone colours on the map and in the legend (driving order).
ZONE_COLORS = {
    "warning": "#f0ad4e",
    "upstream_taper": "#ffd500",
    "buffer": "#9e9e9e",
    "work": "#d9534f",
    "downstream_taper": "#5bc0de",
    "termination": "#5cb85c",
}
SIGN_COLOR = "#1f4e99"
# Signs are drawn this far to the right of the driving direction (metres).
SIGN_OFFSET_M = 8.0


STANDARD_CODE = "jtg_h30_2015"


def standard_overrides(actor: Actor) -> dict[str, Any]:
    """The JTG H30-2015 overrides that apply to the user's organisation (the standards
    app's); ``{}`` means the packaged, cited values."""
    return overrides_for(STANDARD_CODE, getattr(actor, "organisation_id", None))


def design(values: Mapping[str, Any], *, actor: Actor) -> kernel.WorkZoneLayout:
    """Run the kernel for a work zone's values (with the organisation's overrides); kernel
    errors become field errors."""
    closed_lane = values.get("closed_lane") or ClosedLane.OUTER
    work_length = float(values["work_end_m"]) - float(values["work_start_m"])
    try:
        return kernel.design_work_zone(
            speed_limit_kmh=float(values["speed_limit_kmh"]),
            downgrade_pct=float(values.get("downgrade_pct") or 0.0),
            work_length_m=work_length,
            lane_width_m=float(values.get("lane_width_m") or 3.75),
            closed_lanes=int(values.get("closed_lanes") or 1),
            design_speed_kmh=float(values.get("normal_speed_kmh") or values["speed_limit_kmh"]),
            shoulder_only=closed_lane == ClosedLane.SHOULDER,
            opposite_carriageway=closed_lane == ClosedLane.HALF,
            parameters=standard_overrides(actor) or None,
        )
    except kernel.WorkZoneInputError as exc:
        message = str(exc)
        if message.startswith("work length"):
            field = "work_end_m"
        elif message.startswith("normal speed"):
            field = "normal_speed_kmh"
        elif message.startswith("lane width"):
            field = "lane_width_m"
        else:
            field = "speed_limit_kmh"
        raise ValidationError({field: message}) from exc
    except kernel.ParameterError as exc:
        raise ValidationError(
            _("The work-zone standard's parameters are invalid: %(error)s") % {"error": exc}
        ) from exc


def place_layout(
    layout: kernel.WorkZoneLayout, *, direction: str, work_start_m: float, work_end_m: float
) -> dict[str, Any]:
    """The kernel's layout with chainages: each zone gets ``from_m``/``to_m`` in driving
    order and ``start_m``/``end_m`` in increasing chainage; signs and speed steps a
    ``chainage_m``. On the down carriageway driving runs against chainage."""
    data = layout.to_dict()
    work_offset = layout.zone("work").start_offset_m
    up = direction != WorkZoneDirection.DOWN

    def at(offset: float) -> float:
        if up:
            return round(work_start_m - work_offset + offset, 3)
        return round(work_end_m + work_offset - offset, 3)

    for zone in data["zones"]:
        zone["from_m"] = at(zone["start_offset_m"])
        zone["to_m"] = at(zone["end_offset_m"])
        zone["start_m"] = min(zone["from_m"], zone["to_m"])
        zone["end_m"] = max(zone["from_m"], zone["to_m"])
    for item in (*data["signs"], *data["speed_steps"]):
        item["chainage_m"] = at(item["offset_m"])
    data["direction"] = direction
    data["start_m"] = min(z["start_m"] for z in data["zones"])
    data["end_m"] = max(z["end_m"] for z in data["zones"])
    return data


def _work_zone_values(
    data: Mapping[str, Any], current: WorkZone | None = None, *, actor: Actor
) -> dict[str, Any]:
    """The values to save, with the layout (and the layout's chainage range) recomputed."""
    values = dict(data)
    merged: dict[str, Any] = {}
    if current is not None:
        for name in (
            "direction",
            "work_start_m",
            "work_end_m",
            "closed_lane",
            "closed_lanes",
            "lane_width_m",
            "normal_speed_kmh",
            "speed_limit_kmh",
            "downgrade_pct",
            "route",
        ):
            merged[name] = getattr(current, name)
    merged.update(values)
    missing = [
        name
        for name in ("work_start_m", "work_end_m", "speed_limit_kmh", "direction")
        if merged.get(name) in (None, "")
    ]
    if missing:
        raise ValidationError({name: _("This field is required.") for name in missing})
    if float(merged["work_end_m"]) <= float(merged["work_start_m"]):
        raise ValidationError({"work_end_m": _("The end chainage must be after the start.")})
    if merged.get("normal_speed_kmh") in (None, ""):
        merged["normal_speed_kmh"] = merged["speed_limit_kmh"]
        values["normal_speed_kmh"] = merged["speed_limit_kmh"]
    if float(merged["speed_limit_kmh"]) > float(merged["normal_speed_kmh"]):
        raise ValidationError(
            {
                "speed_limit_kmh": _(
                    "The work-zone speed limit must not exceed the normal speed limit."
                )
            }
        )
    route = merged.get("route")
    if route is not None and not route.covers(merged["work_start_m"], merged["work_end_m"]):
        raise ValidationError(
            {"work_start_m": _("The work area must lie within the route's chainage range.")}
        )
    layout = place_layout(
        design(merged, actor=actor),
        direction=merged["direction"],
        work_start_m=float(merged["work_start_m"]),
        work_end_m=float(merged["work_end_m"]),
    )
    values["layout"] = layout
    values["start_m"] = layout["start_m"]
    values["end_m"] = layout["end_m"]
    if (
        route is not None
        and not values.get("district")
        and (current is None or "route" in data or "work_start_m" in data)
    ):
        district = district_at(route, float(merged["work_start_m"]))
        if district is not None:
            values["district"] = district
    return values


def create_work_zone(*, actor: Actor, data: Mapping[str, Any]) -> WorkZone:
    """A new work zone with its layout computed; district from the route when not given."""
    values = _work_zone_values(data, actor=actor)
    values.setdefault("created_by", audit_user(actor))
    return services.create_object(actor=actor, model=WorkZone, data=values)


def update_work_zone(*, actor: Actor, work_zone: WorkZone, data: Mapping[str, Any]) -> WorkZone:
    values = _work_zone_values(data, current=work_zone, actor=actor)
    return services.update_object(actor=actor, obj=work_zone, data=values)


def delete_work_zone(*, actor: Actor, work_zone: WorkZone) -> None:
    services.delete_object(actor=actor, obj=work_zone)


def work_zone_geojson(work_zone: WorkZone) -> dict[str, Any]:
    """The layout as a FeatureCollection for map.js: each zone a coloured LineString along
    the route, each sign a Point a few metres to the right of the driving direction."""
    layout = work_zone.layout or {}
    route = work_zone.route
    features: list[dict[str, Any]] = []
    try:
        coords = linref.route_coords(route)
    except linref.GeometryError:
        return {"type": "FeatureCollection", "features": []}
    for zone in layout.get("zones", []):
        try:
            geometry = linref.substring(route, zone["start_m"], zone["end_m"])
        except linref.GeometryError:
            geometry = None
        if geometry is None:
            continue
        if work_zone.direction == WorkZoneDirection.DOWN:
            geometry = {**geometry, "coordinates": list(reversed(geometry["coordinates"]))}
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "kind": "zone",
                    "zone": zone["zone"],
                    "color": ZONE_COLORS.get(zone["zone"], "#333333"),
                    "weight": 8 if zone["zone"] == "work" else 6,
                    "title": f"{zone['name_zh']} {zone['symbol']}",
                    "popup": [
                        [_("Length"), f"{zone['length_m']:g} m"],
                        [_("From"), format_chainage(zone["from_m"])],
                        [_("To"), format_chainage(zone["to_m"])],
                        [_("Confirmed"), _("yes") if zone.get("confirmed") else _("verify")],
                    ],
                },
            }
        )
    side = 1.0 if work_zone.direction != WorkZoneDirection.DOWN else -1.0
    for sign in layout.get("signs", []):
        try:
            lon, lat = linref.offset_point_coords(
                coords, route.start_m, route.end_m, sign["chainage_m"], side * SIGN_OFFSET_M
            )
        except linref.GeometryError:
            continue
        title = sign["name_zh"] + (f" {sign['speed_kmh']} km/h" if sign.get("speed_kmh") else "")
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]},
                "properties": {
                    "kind": "sign",
                    "sign": sign["kind"],
                    "color": SIGN_COLOR,
                    "title": title,
                    "popup": [
                        [_("Chainage"), format_chainage(sign["chainage_m"])],
                        [_("Sign"), sign["name_en"]],
                    ],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
