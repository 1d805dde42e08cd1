"""Uploaded photos are served by the app to the users who may see their record, and to
nobody else (core/media.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from tests.images import png
from zhiyang.core.choices import Role
from zhiyang.safety import services


@pytest.fixture
def hazard_photo(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    officer = make_user(Role.SAFETY_OFFICER, two_districts["org_west"])
    photo = SimpleUploadedFile("crack.png", png().getvalue(), content_type="image/png")
    hazard, _created = services.report_hazard(
        user=officer,
        data={
            "route": two_districts["g1"],
            "chainage_m": 1200.0,
            "description": "路面坑槽",
            "level": "general",
            "photo": photo,
        },
    )
    return {
        **two_districts,
        "officer": officer,
        "outsider": make_user(Role.SAFETY_OFFICER, two_districts["org_east"]),
        "hazard": hazard,
    }


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_photo_is_served_to_users_who_may_see_its_record(hazard_photo: dict[str, Any]) -> None:
    url = hazard_photo["hazard"].photo.url
    assert url.startswith("/media/safety/")
    response = _client(hazard_photo["officer"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == hazard_photo["hazard"].photo.read()
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"].startswith("private, max-age=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    again = _client(hazard_photo["officer"]).get(
        url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]
    )
    assert again.status_code == 304


def test_other_organisations_orphans_and_traversal_get_404(hazard_photo: dict[str, Any]) -> None:
    url = hazard_photo["hazard"].photo.url
    assert _client(hazard_photo["outsider"]).get(url).status_code == 404
    officer = _client(hazard_photo["officer"])
    assert officer.get("/media/safety/nothing-here.png").status_code == 404
    assert officer.get("/media/../settings.py").status_code == 404
    assert officer.get("/media/%2e%2e/secret_key").status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


@override_settings(MEDIA_ACCEL_REDIRECT="/protected-media/")
def test_the_web_server_can_send_the_bytes(hazard_photo: dict[str, Any]) -> None:
    hazard = hazard_photo["hazard"]
    response = _client(hazard_photo["officer"]).get(hazard.photo.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + hazard.photo.name
    assert response.content == b""
