"""Map data bounded by the view: ``?bbox=west,south,east,north&zoom=Z`` on GeoJSON requests.

Maps (web/map.js with ``data-bbox="1"``) ask for what the window shows, again on every pan
and zoom, instead of the whole network once: a request carries the view's bounding box (WGS
84 degrees) and the zoom level. Helpers here parse that, filter rows by it in the database,
and cut and simplify route centre lines to the zoom (one screen pixel of tolerance) with a
per-process cache, so geometry JSON is decoded only when a route's line is first needed.

Routes are filtered by their stored bounding box (``Route.min_lon`` … ``max_lat``, indexed);
points (machines, distress records) by their longitude and latitude.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet, TextField
from django.db.models.functions import Cast, Length

# Zoom at and above which maps draw every object in full; below it lines are simplified
# (and condition units merged into runs of one grade).
DETAIL_ZOOM = 13
MAX_ZOOM = 22


@dataclass(frozen=True)
class View:
    """What a map shows: a bounding box (west, south, east, north) and a zoom, each optional."""

    bbox: tuple[float, float, float, float] | None = None
    zoom: int | None = None

    @property
    def detailed(self) -> bool:
        """True when every object is drawn in full (no zoom given, or zoomed in)."""
        return self.zoom is None or self.zoom >= DETAIL_ZOOM

    def contains(self, lon: float | None, lat: float | None) -> bool:
        if self.bbox is None:
            return True
        if lon is None or lat is None:
            return False
        west, south, east, north = self.bbox
        return west <= lon <= east and south <= lat <= north

    def overlaps(self, box: tuple[float, float, float, float]) -> bool:
        if self.bbox is None:
            return True
        west, south, east, north = self.bbox
        return box[0] <= east and box[2] >= west and box[1] <= north and box[3] >= south


def parse_bbox(text: str | None) -> tuple[float, float, float, float] | None:
    """``"west,south,east,north"`` in degrees; None when absent or malformed."""
    if not text:
        return None
    try:
        parts = [float(p) for p in str(text).split(",")]
    except ValueError:
        return None
    if len(parts) != 4 or not all(math.isfinite(p) for p in parts):
        return None
    west, south, east, north = parts
    if west > east or south > north:
        return None
    return (max(west, -180.0), max(south, -90.0), min(east, 180.0), min(north, 90.0))


def parse_view(params: Mapping[str, Any]) -> View:
    """The view of a request's query parameters (malformed values are ignored)."""
    zoom: int | None
    try:
        zoom = int(float(params.get("zoom", "")))
    except (TypeError, ValueError):
        zoom = None
    if zoom is not None:
        zoom = max(0, min(MAX_ZOOM, zoom))
    return View(bbox=parse_bbox(params.get("bbox")), zoom=zoom)


def routes_in(queryset: QuerySet[Any], view: View, prefix: str = "") -> QuerySet[Any]:
    """Rows whose route's bounding box overlaps the view (``prefix="route__"`` for rows on a
    route)."""
    if view.bbox is None:
        return queryset
    west, south, east, north = view.bbox
    return queryset.filter(
        **{
            f"{prefix}min_lon__lte": east,
            f"{prefix}max_lon__gte": west,
            f"{prefix}min_lat__lte": north,
            f"{prefix}max_lat__gte": south,
        }
    )


def points_in(queryset: QuerySet[Any], view: View, lon: str, lat: str) -> QuerySet[Any]:
    """Rows whose point (``lon``, ``lat`` fields) lies in the view."""
    if view.bbox is None:
        return queryset
    west, south, east, north = view.bbox
    return queryset.filter(
        Q(**{f"{lon}__gte": west, f"{lon}__lte": east, f"{lat}__gte": south, f"{lat}__lte": north})
    )


def tolerance_deg(zoom: int) -> float:
    """One screen pixel at ``zoom`` in degrees of longitude (256-pixel tiles)."""
    return 360.0 / (256.0 * 2**zoom)


def decimals_for(zoom: int | None) -> int:
    """Decimals of coordinates worth sending at ``zoom`` (6 ≈ 0.1 m when zoomed in)."""
    if zoom is None or zoom >= DETAIL_ZOOM:
        return 6
    return 4 if zoom < 10 else 5


def simplify(coords: list[list[float]], zoom: int | None) -> list[list[float]]:
    """The line simplified to one pixel of tolerance at ``zoom`` (unchanged when detailed)."""
    if zoom is None or zoom >= DETAIL_ZOOM or len(coords) <= 2:
        return coords
    import shapely

    line = shapely.LineString([c[:2] for c in coords])
    simple = shapely.simplify(line, tolerance_deg(zoom), preserve_topology=False)
    digits = decimals_for(zoom)
    out = [[round(x, digits), round(y, digits)] for x, y in shapely.get_coordinates(simple)]
    return out if len(out) >= 2 else [coords[0][:2], coords[-1][:2]]


# --- Route lines, cut and simplified, cached per route version -----------------------------

_CACHE: OrderedDict[tuple[Any, ...], list[list[float]] | None] = OrderedDict()
CACHE_SIZE = 200_000


def route_versions(route_ids: Iterable[int] | QuerySet[Any]) -> dict[int, tuple[Any, ...]]:
    """A version of each route's line from columns only (chainages, bounding box, size of
    the geometry text), so a cached line is reused without decoding the geometry JSON."""
    from zhiyang.network.models import Route

    rows = (
        Route.objects.filter(
            pk__in=route_ids if isinstance(route_ids, QuerySet) else list(route_ids)
        )
        .annotate(geometry_size=Length(Cast(F("geometry"), TextField())))
        .values_list(
            "pk", "start_m", "end_m", "min_lon", "min_lat", "max_lon", "max_lat", "geometry_size"
        )
        .order_by()
    )
    return {r[0]: tuple(r[1:]) for r in rows}


class RouteLines:
    """Parts of route centre lines by chainage, simplified to a zoom, for one request.

    ``line(route_id, start_m, end_m, zoom)`` answers from the process cache when the route
    has not changed; routes whose geometry is needed are loaded in one query on first miss.
    """

    def __init__(self, route_ids: Iterable[int] | QuerySet[Any]) -> None:
        self.versions = route_versions(route_ids)
        self._routes: dict[int, Any] = {}

    def _route(self, route_id: int) -> Any:
        if route_id not in self._routes:
            from zhiyang.network.models import Route

            missing = [pk for pk in self.versions if pk not in self._routes]
            loaded = Route.objects.only("pk", "code", "start_m", "end_m", "geometry").in_bulk(
                missing
            )
            self._routes.update(loaded)
        return self._routes.get(route_id)

    def line(
        self, route_id: int, start_m: float | None, end_m: float | None, zoom: int | None
    ) -> list[list[float]] | None:
        from zhiyang.network import linref

        version = self.versions.get(route_id)
        if version is None:
            return None
        lo = None if start_m is None else round(start_m, 2)
        hi = None if end_m is None else round(end_m, 2)
        detailed = zoom is None or zoom >= DETAIL_ZOOM
        key = (route_id, version, lo, hi, None if detailed else zoom)
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
        route = self._route(route_id)
        coords: list[list[float]] | None = None
        if route is not None and route.geometry is not None:
            try:
                if lo is None or hi is None:
                    coords = [list(c[:2]) for c in linref.route_coords(route)]
                else:
                    geometry = linref.substring(route, lo, hi)
                    coords = geometry["coordinates"] if geometry else None
            except linref.GeometryError:
                coords = None
        if coords and not detailed:
            coords = simplify(coords, zoom)
        _CACHE[key] = coords
        if len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
        return coords


def clear_cache() -> None:
    _CACHE.clear()


# --- The same bound as a FilterSet field (API lists and pages share the FilterSet) ---------


def bbox_filter(*, lon: str | None = None, lat: str | None = None, route: str | None = None) -> Any:
    """A ``bbox=west,south,east,north`` filter: on a point (``lon``/``lat`` fields) or on a
    route's bounding box (``route="route__"``, or ``""`` for routes themselves)."""
    import django_filters
    from django.utils.translation import gettext_lazy as _

    def apply(queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        view = View(bbox=parse_bbox(value))
        if view.bbox is None:
            return queryset
        if route is not None:
            return routes_in(queryset, view, prefix=route)
        assert lon is not None and lat is not None
        return points_in(queryset, view, lon, lat)

    from django import forms

    # Hidden on the pages' filter forms: maps set it, people do not type it.
    return django_filters.CharFilter(
        label=_("bounding box (west,south,east,north)"), method=apply, widget=forms.HiddenInput
    )
