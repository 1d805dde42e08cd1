"""Stateful sequences: create → update → read every derived view (API and page GeoJSON,
PDF, Excel). A value one endpoint accepts must be one every other endpoint can render, so
each accepted write is followed by the reads that draw it; none may answer a server error.

Bounded and reproducible: ``ZHIYANG_FUZZ_EXAMPLES`` examples (12 by default) from a fixed
seed; ``ZHIYANG_FUZZ_RANDOM=1`` for wider random runs by hand.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from zhiyang.core.choices import Role

pytestmark = pytest.mark.django_db

BUDGET = settings(
    max_examples=int(os.environ.get("ZHIYANG_FUZZ_EXAMPLES", "12")),
    derandomize=not os.environ.get("ZHIYANG_FUZZ_RANDOM"),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
# Chainages and quantities as a fuzzer sends them: on the route, off it, extreme, as text.
CHAINAGES = (
    st.floats(min_value=0, max_value=10_000)
    | st.sampled_from([0.0, 10_000.0, 10_000.4, 10_001.0, 999_999.0, 1e40, -1.0, 1e308])
    | st.sampled_from(["K5+000", "K9+999.9", "K10000+000", "abc", "", None])
)
QUANTITIES = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [0.0, 1.0, 1e7, 1e300, -1.0, "12.5", None]
)
TEXT = st.text(max_size=300)


@pytest.fixture
def clients(two_districts: dict[str, Any], make_user: Any) -> tuple[APIClient, Client]:
    admin = make_user(Role.ADMIN, two_districts["org_all"])
    api = APIClient()
    api.force_authenticate(admin)
    page = Client()
    page.force_login(admin)
    return api, page


def _ok(response: Any) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:400])
    if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
        error = response.json()["error"]
        assert error["status"] == response.status_code and error["message"]


def _read_work_zone(api: APIClient, page: Client, pk: int) -> None:
    for response in (
        api.get(f"/api/v1/safety/workzones/{pk}/"),
        api.get(f"/api/v1/safety/workzones/{pk}/geojson/"),
        api.get(f"/api/v1/safety/workzones/{pk}/layout/"),
        api.get("/api/v1/safety/workzones/"),
        page.get(f"/safety/workzones/{pk}/"),
        page.get(f"/safety/workzones/{pk}/geojson/"),
        page.get(f"/safety/workzones/{pk}/layout.pdf"),
        page.get("/safety/workzones/?export=xlsx"),
    ):
        assert response.status_code == 200 or response.status_code == 404, response.content[:300]


@BUDGET
@seed(22)
@given(start=CHAINAGES, length=st.floats(min_value=-100, max_value=5_000), new_start=CHAINAGES)
def test_work_zone_create_update_read(
    clients: tuple[APIClient, Client], start: Any, length: float, new_start: Any
) -> None:
    api, page = clients
    end = start + length if isinstance(start, float) else start
    created = api.post(
        "/api/v1/safety/workzones/",
        {
            "name": "fuzz",
            "route": "G109",
            "direction": "up",
            "work_start_m": start,
            "work_end_m": end,
            "normal_speed_kmh": 80,
            "speed_limit_kmh": 60,
            "planned_start": "2026-12-01",
            "planned_end": "2026-12-02",
        },
        format="json",
    )
    _ok(created)
    if created.status_code != 201:
        return
    pk = created.json()["id"]
    _read_work_zone(api, page, pk)
    new_end = new_start + 100 if isinstance(new_start, float) else new_start
    _ok(
        api.patch(
            f"/api/v1/safety/workzones/{pk}/",
            {"work_start_m": new_start, "work_end_m": new_end},
            format="json",
        )
    )
    _read_work_zone(api, page, pk)


@BUDGET
@seed(22)
@given(chainage=CHAINAGES, description=TEXT, level=st.sampled_from(["general", "larger", "x"]))
def test_hazard_create_update_read(
    clients: tuple[APIClient, Client], chainage: Any, description: str, level: str
) -> None:
    api, page = clients
    created = api.post(
        "/api/v1/safety/hazards/",
        {"route": "G109", "chainage_m": chainage, "description": description, "level": level},
        format="json",
    )
    _ok(created)
    if created.status_code != 201:
        return
    pk = created.json()["id"]
    _ok(api.patch(f"/api/v1/safety/hazards/{pk}/", {"description": description[::-1]}, "json"))
    for response in (
        api.get(f"/api/v1/safety/hazards/{pk}/"),
        api.get("/api/v1/safety/hazards/"),
        page.get(f"/safety/hazards/{pk}/"),
        page.get("/safety/hazards/"),
        page.get("/safety/hazards/?export=xlsx"),
    ):
        assert response.status_code == 200, response.content[:300]


@BUDGET
@seed(22)
@given(start=CHAINAGES, quantity=QUANTITIES, new_quantity=QUANTITIES)
def test_distress_create_update_read(
    clients: tuple[APIClient, Client], start: Any, quantity: Any, new_quantity: Any
) -> None:
    api, page = clients
    created = api.post(
        "/api/v1/condition/distress/",
        {
            "route": "G109",
            "start_m": start,
            "distress": "pothole",
            "severity": "heavy",
            "quantity": quantity,
            "reported_at": dt.datetime(2026, 6, 1, tzinfo=dt.UTC).isoformat(),
        },
        format="json",
    )
    _ok(created)
    if created.status_code != 201:
        return
    pk = created.json()["id"]
    _ok(api.patch(f"/api/v1/condition/distress/{pk}/", {"quantity": new_quantity}, "json"))
    for response in (
        api.get(f"/api/v1/condition/distress/{pk}/"),
        api.get("/api/v1/condition/distress/"),
        page.get("/condition/export.xlsx"),
    ):
        assert response.status_code in (200, 404), response.content[:300]
