"""One order for every API request: authentication → scope (404) → permission (403) →
state → validation (400). The matrix walks roles × places × states of one detail action."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from zhiyang.core.choices import Role
from zhiyang.safety import services
from zhiyang.safety.models import Hazard

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    west, east = two_districts["org_west"], two_districts["org_east"]
    users = {
        "officer": make_user(Role.SAFETY_OFFICER, west),
        "worker": make_user(Role.WORKER, west),
        "viewer": make_user(Role.VIEWER, west),
        "outsider": make_user(Role.SAFETY_OFFICER, east),
    }
    hazard, _created = services.report_hazard(
        actor=users["officer"],
        data={
            "route": two_districts["g1"],
            "chainage_m": 5_000.0,
            "description": "碎石",
            "level": "general",
        },
    )
    return {**two_districts, **users, "hazard": hazard}


def _client(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# Closing needs a safety role and a verified hazard; the new hazard is "reported".
# (who, hazard id, body) -> status: every refusal is the first check that fails.
CASES = [
    ("anonymous", "own", {}, 401),
    ("outsider", "own", {}, 404),  # out of scope: not found, whatever the role or state
    ("outsider", "missing", {}, 404),
    ("outsider", "junk", {}, 404),
    ("viewer", "own", {}, 403),  # role before state
    ("worker", "own", {}, 403),  # issue 22: used to be 400 (state) before the role
    ("worker", "own", {"note": ["not", "a", "string"]}, 403),  # role before validation
    ("worker", "missing", {}, 404),
    ("officer", "own", {"note": ["not", "a", "string"]}, 400),  # state refused first
    ("officer", "own", {}, 400),
]


@pytest.mark.parametrize(("who", "which", "body", "expected"), CASES)
def test_order_of_checks_on_a_detail_action(
    world: dict[str, Any], who: str, which: str, body: dict[str, Any], expected: int
) -> None:
    ids = {"own": world["hazard"].pk, "missing": 999_999, "junk": "abc"}
    user = None if who == "anonymous" else world[who]
    response = _client(user).post(
        f"/api/v1/safety/hazards/{ids[which]}/close/", body, format="json"
    )
    assert response.status_code == expected, response.content
    assert response.json()["error"]["status"] == expected
    if expected == 400:
        assert "status" in response.json()["error"]["fields"]


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
def test_out_of_scope_ids_are_404_for_every_method(world: dict[str, Any], method: str) -> None:
    """Same answer for a missing and a forbidden object, whatever the method or role."""
    url = f"/api/v1/safety/hazards/{world['hazard'].pk}/"
    for user in (world["outsider"],):
        response = getattr(_client(user), method)(url, {}, format="json")
        assert response.status_code == 404, (method, response.content)


def test_viewer_gets_403_on_an_in_scope_write(world: dict[str, Any]) -> None:
    url = f"/api/v1/safety/hazards/{world['hazard'].pk}/"
    response = _client(world["viewer"]).patch(url, {"level": "???"}, format="json")
    assert response.status_code == 403  # role before the body's validation
    assert Hazard.objects.get().level == "general"
