"""One chainage check for every record on a route, and quantities bounded per unit."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from zhiyang.core import quantities
from zhiyang.network.chainage import format_chainage
from zhiyang.network.models import Route
from zhiyang.network.validators import chainage_errors, on_route, validate_on_route
from zhiyang.safety.models import Hazard, WorkZone

pytestmark = pytest.mark.django_db

ROUTE = Route(code="G109", start_m=318_400.0, end_m=341_200.0)


@pytest.mark.parametrize("value", [1e40, 0.0, 999_999.0, -1.0, math.nan, math.inf, "x"])
def test_values_off_the_route_are_refused(value: Any) -> None:
    errors = chainage_errors(ROUTE, {"chainage_m": value})
    assert set(errors) == {"chainage_m"}


def test_extent_and_tolerance() -> None:
    assert chainage_errors(ROUTE, {"chainage_m": 318_400.0}) == {}
    assert chainage_errors(ROUTE, {"start_m": 318_399.6, "end_m": 341_200.4}) == {}
    assert "K318+400" in chainage_errors(ROUTE, {"chainage_m": 318_399.0})["chainage_m"]
    with override_settings(CHAINAGE_TOLERANCE_M=2.0):
        assert on_route(ROUTE, 318_399.0)
    with pytest.raises(ValidationError):
        validate_on_route(ROUTE, {"start_m": 320_000.0, "end_m": 350_000.0})
    assert chainage_errors(None, {"start_m": 5.0, "end_m": None}) == {}


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_anything_accepted_is_renderable(value: float) -> None:
    if not chainage_errors(ROUTE, {"chainage_m": value}):
        assert format_chainage(value).startswith("K3")


@pytest.mark.parametrize(
    ("value", "unit", "ok"),
    [
        (12.5, "m2", True),
        (1e300, "m2", False),
        (-1, "m", False),
        (math.nan, "m", False),
        ("1e400", "m", False),
        (2e6, "m", False),
        (2e6, "m2", True),
    ],
)
def test_quantity_bounds(value: Any, unit: str, ok: bool) -> None:
    assert (quantities.quantity_error(value, unit) is None) is ok


def test_models_use_the_check(two_districts: dict[str, Any]) -> None:
    g1 = two_districts["g1"]  # 0–10 km
    hazard = Hazard(route=g1, chainage_m=1e40)
    assert "chainage_m" in hazard.route_chainage_errors()
    zone = WorkZone(route=g1, work_start_m=9_900.0, work_end_m=12_000.0)
    assert "work_start_m" in zone.route_chainage_errors()


def test_hazard_api_refuses_chainages_off_the_route(
    two_districts: dict[str, Any], make_user: Any, api_client_for: Any
) -> None:
    """issue 22: 1e40, 0 and 999999 were stored on G109 with a guessed district."""
    client = api_client_for(make_user("safety_officer", two_districts["org_west"]))
    for value in (1e40, 999_999, 10_001, -5):
        response = client.post(
            "/api/v1/safety/hazards/",
            {"route": "G109", "chainage_m": value, "description": "d", "level": "general"},
            format="json",
        )
        assert response.status_code == 400, (value, response.content)
        assert "chainage_m" in response.json()["error"]["fields"]
    assert not Hazard.objects.exists()


def test_distress_api_refuses_a_huge_quantity(
    two_districts: dict[str, Any], make_user: Any, api_client_for: Any
) -> None:
    client = api_client_for(make_user("engineer", two_districts["org_west"]))
    response = client.post(
        "/api/v1/condition/distress/",
        {
            "route": "G109",
            "start_m": 100,
            "distress": "pothole",
            "severity": "heavy",
            "quantity": 1e300,
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "quantity" in response.json()["error"]["fields"]
