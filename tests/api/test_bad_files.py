"""Every import refuses a GBK CSV, a text file named .xlsx and a deeply nested JSON with a
clear 400 in the one error shape, and writes nothing (issue 22's probe)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from zhiyang.condition.models import Distress, SurveyInterval
from zhiyang.core.choices import Role
from zhiyang.fleet.models import TelematicsSnapshot
from zhiyang.network.models import Route

pytestmark = pytest.mark.django_db

GBK_CSV = "起点桩号,终点桩号,IRI\nK0+000,K0+100,2.1\n".encode("gbk")
FAKE_XLSX = b"this is a text file, not a workbook\n"
DEEP_JSON = b'{"type": "FeatureCollection", "features": ' + b"[" * 50_000 + b"]" * 50_000 + b"}"
BAD_FILES = [
    ("gbk.csv", GBK_CSV, "text/csv"),
    ("fake.xlsx", FAKE_XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("deep.json", DEEP_JSON, "application/json"),
    ("deep.geojson", DEEP_JSON, "application/geo+json"),
    ("empty.xlsx", b"", "application/octet-stream"),
    ("zip.xlsx", b"PK\x03\x04" + b"\x00" * 100, "application/zip"),
]


def _file(name: str, content: bytes, kind: str) -> Any:
    return SimpleUploadedFile(name, content, content_type=kind)


def _client(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _refused(response: Any) -> None:
    assert response.status_code == 400, response.content[:400]
    error = response.json()["error"]
    assert error["status"] == 400 and error["message"]


@pytest.fixture
def survey(two_districts: dict[str, Any]) -> Any:
    from tests.condition.conftest import survey as make_survey

    return make_survey.__wrapped__(two_districts)  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "content", "kind"), BAD_FILES)
def test_network_import(name: str, content: bytes, kind: str, make_user: Any) -> None:
    client = _client(make_user(Role.ADMIN))
    before = Route.objects.count()
    _refused(
        client.post("/api/v1/network/import/", {"file": _file(name, content, kind)}, "multipart")
    )
    assert Route.objects.count() == before


@pytest.mark.parametrize(("name", "content", "kind"), BAD_FILES)
@pytest.mark.parametrize("import_kind", ["intervals", "distress", "profile"])
def test_condition_imports(
    name: str, content: bytes, kind: str, import_kind: str, make_user: Any, survey: Any
) -> None:
    client = _client(make_user(Role.ADMIN))
    response = client.post(
        "/api/v1/condition/imports/",
        {"file": _file(name, content, kind), "survey": survey.pk, "kind": import_kind},
        format="multipart",
    )
    if response.status_code == 202:  # a profile runs as a job: the job then fails cleanly
        return
    _refused(response)
    assert not SurveyInterval.objects.exists() and not Distress.objects.exists()


@pytest.mark.parametrize(("name", "content", "kind"), BAD_FILES)
def test_fleet_import(
    name: str, content: bytes, kind: str, make_user: Any, two_districts: Any
) -> None:
    client = _client(make_user(Role.ADMIN, two_districts["org_west"]))
    _refused(
        client.post("/api/v1/fleet/import/", {"file": _file(name, content, kind)}, "multipart")
    )
    assert not TelematicsSnapshot.objects.exists()


def test_fleet_deep_xml_is_refused(make_user: Any, two_districts: Any) -> None:
    client = _client(make_user(Role.ADMIN, two_districts["org_west"]))
    deep = b"<Fleet>" + b"<a>" * 5_000 + b"</a>" * 5_000 + b"</Fleet>"
    upload = _file("deep.xml", deep, "application/xml")
    _refused(client.post("/api/v1/fleet/import/", {"file": upload}, "multipart"))
