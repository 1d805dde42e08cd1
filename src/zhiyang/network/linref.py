"""Linear referencing: chainage <-> map point on a route's centre line.

Geometry is stored as GeoJSON in WGS 84 (longitude, latitude). Distances are measured in a
projected CRS: the UTM zone of the route (from the centre of its longitude range), through
pyproj transformers that are built once per zone and cached.

Chainage along a route is calibrated linearly: the first vertex of the geometry is the
route's ``start_m``, the last one its ``end_m``, and a point in between gets
``start_m + (distance along the projected line / projected length) * (end_m - start_m)``.
A lateral offset is signed: positive to the right of the direction of increasing chainage.

The ``*_coords`` functions are Django-free and take a list of ``[lon, lat]`` positions with
the start and end chainage; the thin wrappers below them take ``Route`` objects.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from pyproj import CRS, Transformer

Coords = Sequence[Sequence[float]]

# Positions are written with 7 decimals of a degree (about 1 cm).
COORD_DECIMALS = 7


class GeometryError(ValueError):
    """A geometry that is not a usable route centre line."""


def utm_epsg(lon: float, lat: float) -> int:
    """EPSG code of the WGS 84 / UTM zone containing (lon, lat), e.g. 32649 near Datong."""
    zone = math.floor((lon + 180.0) / 6.0) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


@lru_cache(maxsize=64)
def transformers(epsg: int) -> tuple[Transformer, Transformer]:
    """(WGS 84 -> projected, projected -> WGS 84) for an EPSG code, cached per code."""
    wgs84 = CRS.from_epsg(4326)
    projected = CRS.from_epsg(epsg)
    forward = Transformer.from_crs(wgs84, projected, always_xy=True)
    inverse = Transformer.from_crs(projected, wgs84, always_xy=True)
    return forward, inverse


def validate_linestring(geometry: Any) -> list[list[float]]:
    """The positions of a GeoJSON LineString in WGS 84, or ``GeometryError`` saying why not."""
    if not isinstance(geometry, dict) or geometry.get("type") != "LineString":
        raise GeometryError("not a GeoJSON LineString")
    coords = geometry.get("coordinates")
    if not isinstance(coords, list) or len(coords) < 2:
        raise GeometryError("a LineString needs at least two positions")
    out: list[list[float]] = []
    for i, position in enumerate(coords):
        if (
            not isinstance(position, list | tuple)
            or len(position) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position)
        ):
            raise GeometryError(f"position {i + 1} is not [longitude, latitude]")
        lon, lat = float(position[0]), float(position[1])
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise GeometryError(f"position {i + 1} is not finite")
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise GeometryError(f"position {i + 1} is outside longitude/latitude range")
        out.append([lon, lat])
    if len({(p[0], p[1]) for p in out}) < 2:
        raise GeometryError("a LineString needs at least two distinct positions")
    return out


@dataclass(frozen=True)
class ProjectedLine:
    """A centre line in its UTM zone with the cumulative distance at each vertex."""

    epsg: int
    xy: np.ndarray  # (n, 2) projected metres
    cumulative: np.ndarray  # (n,) distance from the first vertex

    @property
    def length(self) -> float:
        return float(self.cumulative[-1])


@lru_cache(maxsize=512)
def _project_cached(key: tuple[tuple[float, float], ...]) -> ProjectedLine:
    lons = np.array([p[0] for p in key], dtype=float)
    lats = np.array([p[1] for p in key], dtype=float)
    mid_lon = (float(lons.min()) + float(lons.max())) / 2.0
    mid_lat = (float(lats.min()) + float(lats.max())) / 2.0
    epsg = utm_epsg(mid_lon, mid_lat)
    forward, _inverse = transformers(epsg)
    x, y = forward.transform(lons, lats)
    xy = np.column_stack([np.asarray(x, dtype=float), np.asarray(y, dtype=float)])
    steps = np.hypot(*np.diff(xy, axis=0).T)
    cumulative = np.concatenate([[0.0], np.cumsum(steps)])
    if cumulative[-1] <= 0:
        raise GeometryError("the line has no length")
    return ProjectedLine(epsg=epsg, xy=xy, cumulative=cumulative)


def project_line(coords: Coords) -> ProjectedLine:
    """The line projected to its UTM zone (cached by its positions)."""
    return _project_cached(tuple((float(p[0]), float(p[1])) for p in coords))


def _to_lonlat(epsg: int, x: Any, y: Any) -> tuple[Any, Any]:
    _forward, inverse = transformers(epsg)
    return inverse.transform(x, y)


def _distance_along(line: ProjectedLine, start_m: float, end_m: float, chainage_m: Any) -> Any:
    span = end_m - start_m
    if span <= 0:
        raise GeometryError("the end chainage must be after the start")
    return (np.asarray(chainage_m, dtype=float) - start_m) / span * line.length


def _chainage_of(line: ProjectedLine, start_m: float, end_m: float, along: Any) -> Any:
    return start_m + np.asarray(along, dtype=float) / line.length * (end_m - start_m)


def _interpolate(line: ProjectedLine, along: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Projected points and unit directions at distances ``along`` (clipped to the line)."""
    along = np.clip(along, 0.0, line.length)
    cum = line.cumulative
    index = np.clip(np.searchsorted(cum, along, side="right") - 1, 0, len(cum) - 2)
    # Skip zero-length segments (repeated vertices) by looking at the step sizes.
    seg_len = cum[index + 1] - cum[index]
    safe = np.where(seg_len > 0, seg_len, 1.0)
    t = np.where(seg_len > 0, (along - cum[index]) / safe, 0.0)
    a = line.xy[index]
    b = line.xy[index + 1]
    points = a + (b - a) * t[:, None]
    direction = (b - a) / safe[:, None]
    return points, direction


def point_at_coords(
    coords: Coords, start_m: float, end_m: float, chainage_m: float
) -> tuple[float, float]:
    """(lon, lat) of ``chainage_m`` on the line; chainages beyond the ends are clamped."""
    lons, lats = points_at_coords(coords, start_m, end_m, [chainage_m])
    return float(lons[0]), float(lats[0])


def points_at_coords(
    coords: Coords, start_m: float, end_m: float, chainages_m: Iterable[float]
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised ``point_at_coords``: arrays of longitudes and latitudes."""
    line = project_line(coords)
    along = np.atleast_1d(_distance_along(line, start_m, end_m, list(chainages_m)))
    points, _direction = _interpolate(line, along)
    lons, lats = _to_lonlat(line.epsg, points[:, 0], points[:, 1])
    return np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)


def offset_point_coords(
    coords: Coords, start_m: float, end_m: float, chainage_m: float, offset_m: float
) -> tuple[float, float]:
    """(lon, lat) at ``chainage_m``, moved ``offset_m`` square to the line (+ = right)."""
    line = project_line(coords)
    along = np.atleast_1d(_distance_along(line, start_m, end_m, [chainage_m]))
    points, direction = _interpolate(line, along)
    dx, dy = direction[0]
    # The right-hand normal of (dx, dy) in an x-east, y-north frame is (dy, -dx).
    x = points[0, 0] + dy * offset_m
    y = points[0, 1] - dx * offset_m
    lon, lat = _to_lonlat(line.epsg, x, y)
    return float(lon), float(lat)


@dataclass(frozen=True)
class LocatedPoint:
    """Where a point lies relative to one line."""

    chainage_m: float
    offset_m: float  # signed: + right of the direction of increasing chainage
    distance_m: float  # unsigned distance to the line


def locate_on_coords(
    coords: Coords, start_m: float, end_m: float, lon: float, lat: float
) -> LocatedPoint:
    """Chainage, signed offset and distance of (lon, lat) against the line (vectorised
    over the segments)."""
    line = project_line(coords)
    forward, _inverse = transformers(line.epsg)
    px, py = forward.transform(lon, lat)
    p = np.array([float(px), float(py)])
    if not np.isfinite(p).all():
        # Far outside the route's UTM zone the projection has no finite answer.
        raise GeometryError("the point cannot be projected into the route's zone")
    a = line.xy[:-1]
    b = line.xy[1:]
    ab = b - a
    seg_len2 = np.einsum("ij,ij->i", ab, ab)
    safe = np.where(seg_len2 > 0, seg_len2, 1.0)
    t = np.clip(np.einsum("ij,ij->i", p - a, ab) / safe, 0.0, 1.0)
    t = np.where(seg_len2 > 0, t, 0.0)
    foot = a + ab * t[:, None]
    dist = np.hypot(*(p - foot).T)
    best = int(np.argmin(dist))
    seg_len = math.sqrt(seg_len2[best])
    along = float(line.cumulative[best] + t[best] * seg_len)
    distance = float(dist[best])
    if seg_len > 0:
        v = p - foot[best]
        cross = ab[best][0] * v[1] - ab[best][1] * v[0]
        sign = -1.0 if cross > 0 else 1.0  # left of travel is a positive cross product
    else:
        sign = 1.0
    return LocatedPoint(
        chainage_m=float(_chainage_of(line, start_m, end_m, along)),
        offset_m=sign * distance if distance > 0 else 0.0,
        distance_m=distance,
    )


def locate_many_on_coords(
    coords: Coords, start_m: float, end_m: float, lons: Any, lats: Any, *, chunk: int = 512
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised ``locate_on_coords`` for many points (a GPS track): arrays of chainage and
    distance to the line (metres); a point that cannot be projected gets NaN and inf."""
    line = project_line(coords)
    forward, _inverse = transformers(line.epsg)
    px, py = forward.transform(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
    p = np.column_stack([np.atleast_1d(px), np.atleast_1d(py)]).astype(float)
    a = line.xy[:-1]
    ab = line.xy[1:] - a
    seg_len2 = np.einsum("ij,ij->i", ab, ab)
    safe = np.where(seg_len2 > 0, seg_len2, 1.0)
    chainage = np.full(len(p), np.nan)
    distance = np.full(len(p), np.inf)
    finite = np.isfinite(p).all(axis=1)
    for lo in range(0, len(p), chunk):
        block = p[lo : lo + chunk]
        ok = finite[lo : lo + chunk]
        if not ok.any():
            continue
        rel = block[:, None, :] - a[None, :, :]  # (k, m, 2)
        t = np.clip(np.einsum("kmj,mj->km", rel, ab) / safe, 0.0, 1.0)
        t = np.where(seg_len2 > 0, t, 0.0)
        foot = a[None, :, :] + ab[None, :, :] * t[:, :, None]
        dist = np.hypot(*(block[:, None, :] - foot).transpose(2, 0, 1))
        best = np.argmin(np.where(np.isfinite(dist), dist, np.inf), axis=1)
        rows = np.arange(len(block))
        along = line.cumulative[best] + t[rows, best] * np.sqrt(seg_len2[best])
        chainage[lo : lo + chunk] = np.where(ok, _chainage_of(line, start_m, end_m, along), np.nan)
        distance[lo : lo + chunk] = np.where(ok, dist[rows, best], np.inf)
    return chainage, distance


def substring_coords(
    coords: Coords, start_m: float, end_m: float, from_m: float, to_m: float
) -> list[list[float]]:
    """Positions of the part of the line between two chainages (clipped to the line)."""
    line = project_line(coords)
    lo, hi = sorted((from_m, to_m))
    a, b = (
        float(v) for v in np.clip(_distance_along(line, start_m, end_m, [lo, hi]), 0.0, line.length)
    )
    if b <= a:
        raise GeometryError("the chainage range does not overlap the line")
    cum = line.cumulative
    inner = np.nonzero((cum > a) & (cum < b))[0]
    ends, _direction = _interpolate(line, np.array([a, b]))
    xy = np.vstack([ends[:1], line.xy[inner], ends[1:]])
    lons, lats = _to_lonlat(line.epsg, xy[:, 0], xy[:, 1])
    return [
        [round(float(x), COORD_DECIMALS), round(float(y), COORD_DECIMALS)]
        for x, y in zip(lons, lats, strict=True)
    ]


def length_m_of_coords(coords: Coords) -> float:
    """Length of the line in metres (projected)."""
    return project_line(coords).length


# --- Thin wrappers taking Route objects (anything with code, start_m, end_m, geometry) ---


def route_coords(route: Any) -> list[list[float]]:
    """The route's positions; ``GeometryError`` when it has no usable geometry."""
    if route.geometry is None:
        raise GeometryError(f"route {route.code} has no geometry")
    return validate_linestring(route.geometry)


def point_at(route: Any, chainage_m: float) -> tuple[float, float]:
    """(lon, lat) at ``chainage_m`` on ``route`` (clamped to its ends)."""
    return point_at_coords(route_coords(route), route.start_m, route.end_m, chainage_m)


@dataclass(frozen=True)
class Location:
    """The nearest route to a point, where along it the point lies, and how far off."""

    route: Any
    chainage_m: float
    offset_m: float
    distance_m: float


# Search radii (m) tried in turn before every route is measured: a point reported at the
# roadside is found among a handful of nearby routes even in a province-sized network.
SEARCH_RADII_M = (1_000.0, 20_000.0, 200_000.0)
METRES_PER_DEGREE_LAT = 111_320.0


def bbox_around(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of a box reaching at least ``radius_m`` from the
    point in every direction (degrees of longitude shrink towards the poles)."""
    dlat = radius_m / METRES_PER_DEGREE_LAT
    dlon = radius_m / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(lat)), 0.01))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def locate(
    lon: float,
    lat: float,
    routes: Iterable[Any] | None = None,
    max_distance_m: float | None = None,
) -> Location | None:
    """The route nearest to (lon, lat) among ``routes`` (a queryset or list, already
    restricted to what the caller may see; None = every route, for the system itself), or
    None if none is within ``max_distance_m``. Routes without geometry are skipped.

    A queryset is first narrowed by the routes' bounding boxes (``Route.near``) with growing
    radii; the answer is exact: a route outside a box of radius r is farther than r.
    """
    if routes is None:
        from zhiyang.network.models import Route

        routes = Route.objects.filter(geometry__isnull=False)
    near = getattr(getattr(routes, "model", None), "near", None)
    if near is None:
        return _nearest(lon, lat, routes, max_distance_m)
    radii = [max_distance_m] if max_distance_m is not None else list(SEARCH_RADII_M)
    for radius_m in radii:
        found = _nearest(lon, lat, near(routes, lon, lat, radius_m), radius_m)
        if found is not None:
            return found
    return None if max_distance_m is not None else _nearest(lon, lat, routes, None)


def _nearest(
    lon: float, lat: float, routes: Iterable[Any], max_distance_m: float | None
) -> Location | None:
    best: Location | None = None
    for route in routes:
        if route.geometry is None:
            continue
        try:
            coords = route_coords(route)
            found = locate_on_coords(coords, route.start_m, route.end_m, lon, lat)
        except GeometryError:
            continue
        if best is None or found.distance_m < best.distance_m:
            best = Location(
                route=route,
                chainage_m=found.chainage_m,
                offset_m=found.offset_m,
                distance_m=found.distance_m,
            )
    if best is None or (max_distance_m is not None and best.distance_m > max_distance_m):
        return None
    return best


def substring(route: Any, start_m: float, end_m: float) -> dict[str, Any] | None:
    """GeoJSON LineString of ``route`` between two chainages (None without route geometry)."""
    if route.geometry is None:
        return None
    coords = substring_coords(route_coords(route), route.start_m, route.end_m, start_m, end_m)
    return {"type": "LineString", "coordinates": coords}
