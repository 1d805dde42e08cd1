"""Linear referencing on a synthetic route near Datong: golden values and round trips."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from zhiyang.network import linref

# A gently curving road east of Datong, about 17 km long, chainage K1+000 to K19+000
# (deliberately not equal to the geometric length: calibration is linear).
COORDS = [
    [113.25, 40.05],
    [113.30, 40.08],
    [113.36, 40.09],
    [113.40, 40.13],
    [113.43, 40.14],
]
START_M, END_M = 1000.0, 19000.0
ROUTE = SimpleNamespace(
    code="G999",
    start_m=START_M,
    end_m=END_M,
    geometry={"type": "LineString", "coordinates": COORDS},
)


def vertex_chainages() -> np.ndarray:
    line = linref.project_line(COORDS)
    return START_M + line.cumulative / line.length * (END_M - START_M)


def test_utm_zone_of_datong() -> None:
    assert linref.utm_epsg(113.3, 40.1) == 32649
    assert linref.utm_epsg(-0.1, 51.5) == 32630
    assert linref.utm_epsg(151.2, -33.9) == 32756


def test_transformers_are_cached() -> None:
    assert linref.transformers(32649) is linref.transformers(32649)


def test_ends_map_to_start_and_end_chainage() -> None:
    lon, lat = linref.point_at(ROUTE, START_M)
    assert (lon, lat) == pytest.approx(tuple(COORDS[0]), abs=1e-9)
    lon, lat = linref.point_at(ROUTE, END_M)
    assert (lon, lat) == pytest.approx(tuple(COORDS[-1]), abs=1e-9)
    # Vertices get chainages proportional to the distance along the line.
    assert linref.locate_on_coords(COORDS, START_M, END_M, *COORDS[2]).chainage_m == (
        pytest.approx(vertex_chainages()[2], abs=1e-6)
    )


def test_length_is_plausible() -> None:
    # 0.18 degrees of longitude and 0.09 of latitude at 40°N: between 15 and 20 km.
    assert 15_000 < linref.length_m_of_coords(COORDS) < 20_000


@settings(max_examples=200, deadline=None)
@given(chainage=st.floats(min_value=START_M, max_value=END_M, allow_nan=False))
def test_chainage_point_locate_round_trip(chainage: float) -> None:
    lon, lat = linref.point_at(ROUTE, chainage)
    found = linref.locate(lon, lat, [ROUTE])
    assert found is not None
    assert found.route is ROUTE
    assert found.chainage_m == pytest.approx(chainage, abs=0.05)
    assert abs(found.offset_m) < 0.01
    assert found.distance_m < 0.01


@settings(max_examples=200, deadline=None)
@given(
    chainage=st.floats(min_value=START_M, max_value=END_M, allow_nan=False),
    offset=st.floats(min_value=-40, max_value=40, allow_nan=False),
)
def test_perpendicular_offset_round_trip(chainage: float, offset: float) -> None:
    assume(abs(offset) > 0.01)
    # Near a bend (or an end) the nearest point of the line is not the foot of the
    # perpendicular, so keep away from vertices by more than the offset.
    metres_per_unit = linref.length_m_of_coords(COORDS) / (END_M - START_M)
    gap_m = np.min(np.abs(vertex_chainages() - chainage)) * metres_per_unit
    assume(gap_m > 2 * abs(offset) + 1)
    lon, lat = linref.offset_point_coords(COORDS, START_M, END_M, chainage, offset)
    found = linref.locate(lon, lat, [ROUTE])
    assert found is not None
    assert found.distance_m == pytest.approx(abs(offset), abs=0.01)
    assert found.offset_m == pytest.approx(offset, abs=0.01)
    assert found.chainage_m == pytest.approx(chainage, abs=0.05)


@pytest.mark.parametrize(
    ("coords", "point", "sign"),
    [
        # Eastbound: south is on the right.
        ([[113.0, 40.0], [113.1, 40.0]], (113.05, 39.999), 1),
        ([[113.0, 40.0], [113.1, 40.0]], (113.05, 40.001), -1),
        # Northbound: east is on the right.
        ([[113.0, 40.0], [113.0, 40.1]], (113.001, 40.05), 1),
        ([[113.0, 40.0], [113.0, 40.1]], (112.999, 40.05), -1),
        # Westbound: north is on the right.
        ([[113.1, 40.0], [113.0, 40.0]], (113.05, 40.001), 1),
    ],
)
def test_offset_sign_is_positive_on_the_right(
    coords: list[list[float]], point: tuple[float, float], sign: int
) -> None:
    found = linref.locate_on_coords(coords, 0, 1000, *point)
    assert np.sign(found.offset_m) == sign
    assert abs(found.offset_m) == pytest.approx(found.distance_m)
    assert 80 < found.distance_m < 120  # 0.001° is about 85 m (lon) to 111 m (lat)


def test_locate_picks_the_nearest_route_and_honours_max_distance() -> None:
    other = SimpleNamespace(
        code="S999",
        start_m=0.0,
        end_m=5000.0,
        geometry={"type": "LineString", "coordinates": [[113.30, 40.20], [113.35, 40.21]]},
    )
    no_geometry = SimpleNamespace(code="X1", start_m=0.0, end_m=1.0, geometry=None)
    lon, lat = linref.point_at(other, 2500)
    found = linref.locate(lon, lat, [ROUTE, no_geometry, other])
    assert found is not None and found.route is other
    assert found.chainage_m == pytest.approx(2500, abs=0.05)
    far = linref.locate(113.0, 39.0, [ROUTE, other], max_distance_m=1000)
    assert far is None
    assert linref.locate(113.0, 39.0, []) is None


def test_chainage_beyond_the_ends_is_clamped() -> None:
    assert linref.point_at(ROUTE, 0) == pytest.approx(tuple(COORDS[0]), abs=1e-9)
    assert linref.point_at(ROUTE, 10**6) == pytest.approx(tuple(COORDS[-1]), abs=1e-9)


@given(
    a=st.floats(min_value=START_M, max_value=END_M, allow_nan=False),
    b=st.floats(min_value=START_M, max_value=END_M, allow_nan=False),
)
@settings(max_examples=100, deadline=None)
def test_substring_runs_between_the_two_chainages(a: float, b: float) -> None:
    assume(abs(a - b) > 1)
    lo, hi = sorted((a, b))
    geometry = linref.substring(ROUTE, a, b)
    assert geometry is not None and geometry["type"] == "LineString"
    coords = geometry["coordinates"]
    assert coords[0] == pytest.approx(list(linref.point_at(ROUTE, lo)), abs=2e-7)
    assert coords[-1] == pytest.approx(list(linref.point_at(ROUTE, hi)), abs=2e-7)
    expected_m = (hi - lo) * linref.length_m_of_coords(COORDS) / (END_M - START_M)
    assert linref.length_m_of_coords(coords) == pytest.approx(expected_m, abs=0.1)
    # The interior vertices of the route inside the range are kept.
    inside = [c for c, v in zip(vertex_chainages(), COORDS, strict=True) if lo < c < hi]
    assert len(coords) == len(inside) + 2


def test_substring_outside_the_route_is_refused() -> None:
    with pytest.raises(linref.GeometryError):
        linref.substring_coords(COORDS, START_M, END_M, 30_000, 40_000)
    assert linref.substring(SimpleNamespace(geometry=None), 0, 1) is None


@pytest.mark.parametrize(
    "geometry",
    [
        None,
        {"type": "Point", "coordinates": [113, 40]},
        {"type": "LineString", "coordinates": [[113, 40]]},
        {"type": "LineString", "coordinates": [[113, 40], [113, 40]]},
        {"type": "LineString", "coordinates": [[113, 40], [200, 40]]},
        {"type": "LineString", "coordinates": [[113, 40], ["a", 40]]},
        {"type": "LineString", "coordinates": [[113, 40], [113.1]]},
        {"type": "LineString", "coordinates": "nope"},
    ],
)
def test_invalid_geometry_is_refused(geometry: object) -> None:
    with pytest.raises(linref.GeometryError):
        linref.validate_linestring(geometry)


def test_vectorised_points_match_single_points() -> None:
    chainages = np.linspace(START_M, END_M, 25)
    lons, lats = linref.points_at_coords(COORDS, START_M, END_M, chainages)
    for c, lon, lat in zip(chainages, lons, lats, strict=True):
        assert (lon, lat) == pytest.approx(linref.point_at(ROUTE, c), abs=1e-12)


def test_a_point_on_the_other_side_of_the_earth_is_not_near_any_route() -> None:
    with pytest.raises(linref.GeometryError):
        linref.locate_on_coords(COORDS, START_M, END_M, 12.94, 1.2e-172)
    assert linref.locate(12.94, 1.2e-172, [ROUTE]) is None


@pytest.mark.django_db
def test_database_prefilter_finds_exactly_the_brute_force_answer() -> None:
    import random

    from zhiyang.network.models import Route

    rng = random.Random(7)
    for n in range(60):
        lon, lat = rng.uniform(112.0, 115.0), rng.uniform(39.0, 41.5)
        coords = [[lon + 0.01 * k, lat + rng.uniform(-0.005, 0.005)] for k in range(5)]
        Route.objects.create(
            code=f"R{n}",
            name=f"R{n}",
            admin_level="county",
            tech_class="class4",
            pavement="asphalt",
            start_m=0,
            end_m=4000,
            geometry={"type": "LineString", "coordinates": coords},
        )
    routes = Route.objects.all()
    for _ in range(40):
        lon, lat = rng.uniform(111.5, 115.5), rng.uniform(38.5, 42.0)
        fast = linref.locate(lon, lat, routes)
        slow = linref.locate(lon, lat, list(routes))
        assert fast is not None and slow is not None
        assert fast.route.code == slow.route.code
        assert fast.distance_m == pytest.approx(slow.distance_m)
        within = linref.locate(lon, lat, routes, max_distance_m=5_000)
        assert (within is not None) == (slow.distance_m <= 5_000)


@pytest.mark.django_db
def test_bounding_box_follows_the_geometry() -> None:
    from zhiyang.network.models import Route

    route = Route.objects.create(
        code="B1",
        name="B1",
        admin_level="county",
        tech_class="class4",
        pavement="asphalt",
        start_m=0,
        end_m=1000,
        geometry={"type": "LineString", "coordinates": [[113.0, 40.0], [113.2, 40.1]]},
    )
    assert (route.min_lon, route.min_lat, route.max_lon, route.max_lat) == (
        113.0,
        40.0,
        113.2,
        40.1,
    )
    route.geometry = None
    route.save()
    route.refresh_from_db()
    assert route.min_lon is None
