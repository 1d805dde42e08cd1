"""NUL characters are refused before they reach the database (PostgreSQL rejects them even
in a lookup), in query strings, form fields and JSON bodies alike."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def engineer_client(make_user, two_districts) -> APIClient:
    client = APIClient()
    client.force_authenticate(make_user(role="engineer", organisation=two_districts["org_all"]))
    return client


def test_json_body_with_nul_is_a_structured_400(engineer_client):
    response = engineer_client.generic(
        "POST",
        "/api/v1/network/sections/",
        '{"route": "G109\\u0000", "district": "140226", "start_m": 0, "end_m": 10}',
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("url", ["/api/v1/network/sections/", "/network/routes/"])
def test_query_string_with_nul_is_400(client, engineer_client, make_user, two_districts, url):
    client.force_login(make_user(role="viewer", organisation=two_districts["org_all"]))
    for c in (client, engineer_client):
        assert c.get(url + "?district=%00").status_code == 400


def test_form_field_with_nul_is_400(client):
    response = client.post("/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 400


def test_ordinary_requests_pass(engineer_client):
    assert engineer_client.get("/api/v1/network/sections/?district=140226").status_code == 200
