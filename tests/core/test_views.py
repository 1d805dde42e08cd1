"""Requests Django refuses early answer the API's error shape under /api/ and a page elsewhere."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from zhiyang.core.choices import Role

pytestmark = pytest.mark.django_db

MANY_FIELDS = urlencode({f"f{i}": "1" for i in range(1_200)})


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error: dict[str, Any] = response.json()["error"]
    assert error["status"] == status and error["message"]
    return error


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_too_many_fields_api(language: str, make_user: Any, api_client_for: Any) -> None:
    client = api_client_for(make_user(role=Role.ADMIN))
    response = client.generic(
        "POST",
        "/api/v1/network/routes/",
        MANY_FIELDS,
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    error = _error(response, 400)
    assert error["code"] == "too_many_fields"
    assert ("too many" in error["message"]) == (language == "en")


def test_oversized_form_body_api_is_413(make_user: Any, api_client_for: Any) -> None:
    client = api_client_for(make_user(role=Role.ADMIN))
    body = urlencode({"name": "x" * 3_000_000})
    response = client.generic(
        "POST", "/api/v1/network/routes/", body, content_type="application/x-www-form-urlencoded"
    )
    assert _error(response, 413)["code"] == "too_large"


@override_settings(MAX_UPLOAD_FILE_BYTES=10_000)
def test_file_over_the_limit_is_413(make_user: Any, api_client_for: Any) -> None:
    client = api_client_for(make_user(role=Role.ADMIN))
    photo = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * 20_000, content_type="image/png")
    response = client.post("/api/v1/safety/hazards/", {"photo": photo}, format="multipart")
    error = _error(response, 413)
    assert error["code"] == "too_large" and "MB" in error["message"]


def test_oversized_page_post_is_a_friendly_page(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user(role=Role.ADMIN))
    response = client.generic(
        "POST",
        "/network/routes/",
        urlencode({"name": "x" * 3_000_000}),
        content_type="application/x-www-form-urlencoded",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert b"The request was refused" in response.content


def test_too_many_fields_on_the_login_page_is_a_page() -> None:
    response = Client().generic(
        "POST", "/login/", MANY_FIELDS, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
