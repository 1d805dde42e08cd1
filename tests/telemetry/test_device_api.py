"""The telemetry API: NDJSON ingest (auth, limits, gzip, fuzz), devices, dead letters, schema."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests.telemetry.conftest import roller_reading
from zhiyang.core.actors import SYSTEM
from zhiyang.core.choices import Role
from zhiyang.telemetry import ingest, services
from zhiyang.telemetry.api import device_views
from zhiyang.telemetry.ingest import Busy, Ingestor
from zhiyang.telemetry.lake import Lake
from zhiyang.telemetry.models import DeadLetter, Device

pytestmark = pytest.mark.django_db
URL = "/api/v1/telemetry/ingest/"


@pytest.fixture
def http_lake(tmp_path: Path):
    lake = Lake(tmp_path / "lake").open()
    ingestor = Ingestor(lake, transport="http", on_accepted=None)
    previous = ingest._shared.get("http")
    ingest._shared["http"] = ingestor
    yield lake
    ingest._shared.pop("http")
    if previous is not None:
        ingest._shared["http"] = previous
    lake.close()


@pytest.fixture
def device_token(device_factory: Any) -> tuple[Device, str]:
    device = device_factory(code="HTTP-1")
    return device, services.issue_token(actor=SYSTEM, device=device)


def post(body: bytes, token: str | None, keyword: str = "Device", **headers: Any) -> Any:
    client = APIClient()
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"{keyword} {token}"
    return client.post(URL, data=body, content_type="application/x-ndjson", **headers)


def ndjson(messages: list[Any]) -> bytes:
    return b"\n".join(json.dumps(m).encode() for m in messages) + b"\n"


def test_batch_is_accepted_after_the_append(http_lake: Lake, device_token) -> None:
    _, token = device_token
    body = ndjson([roller_reading("HTTP-1", i) for i in range(5)])
    body += b"\n{broken\n" + ndjson([roller_reading("HTTP-1", 2), roller_reading("OTHER", 1)])
    response = post(body, token)
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["accepted"], data["duplicates"]) == (5, 1)
    assert [(r["line"], r["code"]) for r in data["rejected"]] == [
        (7, "bad_json"),
        (9, "device_mismatch"),
    ]
    assert DeadLetter.objects.filter(transport="http").count() == 2
    http_lake.flush()
    assert http_lake.count("roller") == 5


def test_bearer_and_gzip(http_lake: Lake, device_token) -> None:
    _, token = device_token
    body = gzip.compress(ndjson([roller_reading("HTTP-1", 1)]))
    response = post(body, token, keyword="Bearer", HTTP_CONTENT_ENCODING="gzip")
    assert response.json()["accepted"] == 1
    response = post(b"not gzip", token, HTTP_CONTENT_ENCODING="gzip")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_body"


def test_authentication(http_lake: Lake, device_token, make_user) -> None:
    device, token = device_token
    body = ndjson([roller_reading("HTTP-1", 1)])
    for bad in (None, "nope"):
        response = post(body, bad)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
        assert "Device" in response["WWW-Authenticate"]
    # A logged-in user's session is not a device.
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(make_user(role=Role.ADMIN))
    assert client.post(URL, data=body, content_type="application/x-ndjson").status_code == 401
    # Translated.
    response = post(body, None, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 401
    services.deactivate_device(actor=SYSTEM, device=device)
    assert post(body, token).status_code == 401
    # CSRF is not required with a device token (no session involved).
    services.set_active(actor=SYSTEM, device=device, active=True)
    client = APIClient(enforce_csrf_checks=True)
    response = client.post(
        URL, data=body, content_type="application/x-ndjson", HTTP_AUTHORIZATION=f"Device {token}"
    )
    assert response.status_code == 200


def test_limits(http_lake: Lake, device_token, monkeypatch) -> None:
    _, token = device_token
    monkeypatch.setattr(device_views, "MAX_LINES", 3)
    response = post(ndjson([roller_reading("HTTP-1", i) for i in range(4)]), token)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    monkeypatch.setattr(device_views, "MAX_BYTES", 100)
    assert post(b"x" * 200, token).status_code == 413
    assert post(gzip.compress(b"\n" * 1000), token, HTTP_CONTENT_ENCODING="gzip").status_code == 413
    assert post(b"\n\n", token).status_code == 400


def test_busy_answers_503(http_lake: Lake, device_token, monkeypatch) -> None:
    _, token = device_token

    def busy(*args: Any, **kwargs: Any) -> Any:
        raise Busy

    monkeypatch.setattr(ingest._shared["http"], "ingest", busy)
    response = post(ndjson([roller_reading("HTTP-1", 1)]), token)
    assert response.status_code == 503
    assert response["Retry-After"] == "1"


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    body=st.one_of(
        st.binary(max_size=600),
        st.lists(
            st.one_of(
                st.dictionaries(
                    st.sampled_from(["v", "device", "seq", "t", "lat", "lon", "speed_kmh", "x"]),
                    st.one_of(
                        st.none(),
                        st.booleans(),
                        st.integers(),
                        st.floats(allow_nan=True),
                        st.text(max_size=20),
                        st.lists(st.floats(), max_size=3),
                    ),
                ),
                st.integers(),
                st.text(max_size=10),
            ),
            max_size=8,
        ).map(lambda items: "\n".join(json.dumps(i) for i in items).encode()),
    )
)
def test_fuzz_never_500(http_lake: Lake, device_token, body: bytes) -> None:
    _, token = device_token
    response = post(body, token)
    assert response.status_code in (200, 400, 413), response.content
    if response.status_code == 200:
        data = response.json()
        assert set(data) == {"accepted", "duplicates", "rejected"}


def test_device_api(device_factory, make_user, two_districts) -> None:
    from zhiyang.fleet.models import Equipment

    org = two_districts["org_east"]
    manager = make_user(role=Role.EQUIPMENT_MANAGER, organisation=org)
    engineer = make_user(role=Role.ENGINEER, organisation=org)
    outsider = make_user(role=Role.EQUIPMENT_MANAGER, organisation=two_districts["org_west"])
    roller = Equipment.objects.create(
        organisation=org, code="RL-1", equipment_type="steel_drum_roller"
    )
    loader = Equipment.objects.create(organisation=org, code="LD-1", equipment_type="sweeper")
    client = APIClient()
    client.force_authenticate(manager)
    response = client.post(
        "/api/v1/telemetry/devices/", {"code": "API-1", "equipment": roller.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    device_id = response.json()["id"]
    assert response.json()["machine_type"] == "roller"
    assert response.json()["topic"] == "zhiyang/v1/API-1/readings"
    response = client.post(
        "/api/v1/telemetry/devices/", {"code": "API-2", "equipment": loader.pk}, format="json"
    )
    assert response.status_code == 400
    assert "equipment" in response.json()["error"]["fields"]
    response = client.post(f"/api/v1/telemetry/devices/{device_id}/issue-token/")
    assert response.status_code == 200
    token = response.json()["token"]
    device = Device.objects.get(pk=device_id)
    assert device.token_hash == services.credentials.token_hash(token)
    assert device.token_hint == token[:6]
    assert device.mqtt_password_hash.startswith("$7$101$")
    listed = client.get("/api/v1/telemetry/devices/").json()
    assert "token" not in json.dumps(listed).replace("token_hint", "").replace("token_issued", "")
    response = client.patch(
        f"/api/v1/telemetry/devices/{device_id}/", {"active": False}, format="json"
    )
    assert response.status_code == 200
    assert Device.objects.get(pk=device_id).active is False

    client.force_authenticate(engineer)
    assert client.get(f"/api/v1/telemetry/devices/{device_id}/").status_code == 200
    assert client.post(f"/api/v1/telemetry/devices/{device_id}/issue-token/").status_code == 403
    client.force_authenticate(outsider)
    assert client.get(f"/api/v1/telemetry/devices/{device_id}/").status_code == 404
    assert client.get("/api/v1/telemetry/schema/").json()["version"] == 1


def test_dead_letter_api_is_scoped(device_factory, make_user, two_districts) -> None:
    device = device_factory(code="DL-1", organisation=two_districts["org_east"])
    DeadLetter.objects.create(
        device=device, device_code="DL-1", transport="http", code="bad_json", reason="x"
    )
    DeadLetter.objects.create(
        device=None, device_code="GHOST", transport="mqtt", code="unknown_device", reason="y"
    )
    client = APIClient()
    client.force_authenticate(make_user(role=Role.ENGINEER, organisation=two_districts["org_east"]))
    rows = client.get("/api/v1/telemetry/dead-letters/").json()["results"]
    assert [r["device_code"] for r in rows] == ["DL-1"]
    client.force_authenticate(make_user(role=Role.ADMIN, organisation=two_districts["org_all"]))
    rows = client.get("/api/v1/telemetry/dead-letters/?code=unknown_device").json()["results"]
    assert [r["device_code"] for r in rows] == ["GHOST"]
