"""GeoJSON of assets for the map layer: a point asset at its chainage (moved to its side
by ``offset_m`` when given, or its own lon/lat), a linear one as the route between its
chainages. Colours by the MQI part an asset feeds; structures by their class."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from zhiyang.assets.models import Asset
from zhiyang.network import linref
from zhiyang.network.chainage import format_chainage

MAX_FEATURES = 5000
KIND_COLORS = {"subgrade": "#8d6e63", "facility": "#1e88e5", "structure": "#43a047"}
CLASS_COLORS = {1: "#2e7d32", 2: "#7cb342", 3: "#fbc02d", 4: "#ef6c00", 5: "#c62828"}


def _geometry(asset: Asset, coords: list[list[float]] | None) -> dict[str, Any] | None:
    route = asset.route
    if asset.end_m is None:
        if asset.lon is not None and asset.lat is not None:
            return {"type": "Point", "coordinates": [asset.lon, asset.lat]}
        if coords is None:
            return None
        offset = asset.offset_m or 0.0
        if asset.side == "left":
            offset = -offset
        if offset:
            lon, lat = linref.offset_point_coords(
                coords, route.start_m, route.end_m, asset.start_m, offset
            )
        else:
            lon, lat = linref.point_at_coords(coords, route.start_m, route.end_m, asset.start_m)
        return {"type": "Point", "coordinates": [round(lon, 7), round(lat, 7)]}
    if coords is None:
        return None
    try:
        line = linref.substring_coords(
            coords, route.start_m, route.end_m, asset.start_m, asset.end_m
        )
    except linref.GeometryError:
        return None
    return {"type": "LineString", "coordinates": line}


def assets_geojson(assets: Iterable[Asset]) -> dict[str, Any]:
    """A FeatureCollection of ``assets`` (those whose route has no geometry are left out)."""
    features = []
    cache: dict[int, list[list[float]] | None] = {}
    for asset in assets:
        if asset.route_id not in cache:
            try:
                cache[asset.route_id] = linref.route_coords(asset.route)
            except linref.GeometryError:
                cache[asset.route_id] = None
        geometry = _geometry(asset, cache[asset.route_id])
        if geometry is None:
            continue
        kind = asset.asset_type.kind
        color = CLASS_COLORS.get(asset.condition_class or 0, KIND_COLORS.get(kind, "#555"))
        place = format_chainage(asset.start_m)
        if asset.end_m is not None:
            place += f"–{format_chainage(asset.end_m)}"
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "id": asset.pk,
                    "code": asset.code,
                    "name": asset.name,
                    "type": asset.asset_type.code,
                    "type_name": asset.asset_type.display_name,
                    "kind": kind,
                    "route": asset.route.code,
                    "place": place,
                    "condition_class": asset.condition_class,
                    "color": color,
                    "url": asset.get_absolute_url(),
                    "title": f"{asset.asset_type.display_name} {asset.code}",
                    "popup": _popup(asset, place),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _popup(asset: Asset, place: str) -> list[list[str]]:
    rows = [[_("Place"), f"{asset.route.code} {place}"]]
    if asset.name:
        rows.append([_("Name"), asset.name])
    if asset.condition_class:
        rows.append([_("Technical condition class"), str(asset.condition_class)])
    return rows
