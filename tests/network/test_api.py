"""The network API inside the user's scope: lists, detail, GeoJSON, linear referencing,
writes (audited), import and export."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tests.network.helpers import coords_of
from zhiyang.core.models import AuditLog
from zhiyang.network import linref
from zhiyang.network.models import Route, Section

pytestmark = pytest.mark.django_db
BASE = "/api/v1/network"


@pytest.fixture
def east_viewer(two_districts: dict[str, Any], make_user: Any) -> Any:
    return make_user(role="viewer", organisation=two_districts["org_east"])


@pytest.fixture
def east_engineer(two_districts: dict[str, Any], make_user: Any) -> Any:
    return make_user(role="engineer", organisation=two_districts["org_east"])


@pytest.fixture
def admin_user(two_districts: dict[str, Any], make_user: Any) -> Any:
    return make_user(role="admin", organisation=two_districts["org_all"])


def test_anonymous_is_refused(api_client_for: Any, two_districts: Any) -> None:
    client = api_client_for(None)
    for url in (
        "routes/",
        "sections/",
        "sections/geojson/",
        "districts/",
        "export/",
        "locate/?lon=113&lat=40",
        "template.xlsx",
    ):
        assert client.get(f"{BASE}/{url}").status_code in (401, 403), url


def test_lists_are_restricted_to_the_scope(api_client_for: Any, east_viewer: Any) -> None:
    client = api_client_for(east_viewer)
    routes = client.get(f"{BASE}/routes/").json()
    assert [r["code"] for r in routes["results"]] == ["S203"]
    route = routes["results"][0]
    assert route["start"] == "K0+000" and route["end"] == "K5+000"
    assert route["length_m"] == 5000
    sections = client.get(f"{BASE}/sections/").json()["results"]
    assert [(s["route"], s["district"], s["start"]) for s in sections] == [
        ("S203", "140221", "K0+000")
    ]
    districts = client.get(f"{BASE}/districts/").json()["results"]
    assert [d["code"] for d in districts] == ["140221"]


def test_detail_outside_scope_is_404(
    api_client_for: Any, east_viewer: Any, two_districts: Any
) -> None:
    client = api_client_for(east_viewer)
    assert client.get(f"{BASE}/routes/S203/").status_code == 200
    assert client.get(f"{BASE}/routes/G109/").status_code == 404
    assert client.get(f"{BASE}/routes/NOPE/").status_code == 404
    assert client.get(f"{BASE}/sections/{two_districts['sec_west'].pk}/").status_code == 404
    assert client.get(f"{BASE}/districts/140226/").status_code == 404
    body = client.get(f"{BASE}/routes/G109/").json()
    assert body["error"]["status"] == 404


def test_filters(api_client_for: Any, admin_user: Any) -> None:
    client = api_client_for(admin_user)

    def codes(query: str) -> list[str]:
        return [r["code"] for r in client.get(f"{BASE}/routes/?{query}").json()["results"]]

    assert codes("") == ["G109", "S203"]
    assert codes("admin_level=provincial") == ["S203"]
    assert codes("district=140226") == ["G109"]
    assert codes("district=140221") == ["S203"]
    assert codes("q=京拉") == ["G109"]
    assert codes("code=s203") == ["S203"]

    def sections(query: str) -> int:
        return len(client.get(f"{BASE}/sections/?{query}").json()["results"])

    assert sections("route=G109") == 1
    assert sections("from_m=K6%2B000&to_m=K7%2B000") == 1  # only G109 reaches K6
    assert sections("from_m=K6+000&to_m=K7+000") == 1  # an unencoded "+" is a space
    assert sections("from_m=5000") == 1
    assert sections("to_m=0") == 0
    assert client.get(f"{BASE}/sections/?from_m=K1-000").status_code == 400


def test_geojson_lists_honour_scope_and_filters(
    api_client_for: Any, east_viewer: Any, admin_user: Any
) -> None:
    data = api_client_for(east_viewer).get(f"{BASE}/sections/geojson/").json()
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["route"] for f in data["features"]] == ["S203"]
    assert data["features"][0]["properties"]["start"] == "K0+000"
    admin = api_client_for(admin_user)
    data = admin.get(f"{BASE}/sections/geojson/?route=G109").json()
    assert [f["properties"]["route"] for f in data["features"]] == ["G109"]
    routes = admin.get(f"{BASE}/routes/geojson/").json()
    assert [f["properties"]["code"] for f in routes["features"]] == ["G109", "S203"]
    assert routes["features"][0]["geometry"]["type"] == "LineString"
    response = admin.get(f"{BASE}/routes/?format=geojson&code=S203")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    assert [f["properties"]["code"] for f in response.json()["features"]] == ["S203"]
    feature = admin.get(f"{BASE}/routes/S203/?format=geojson").json()
    assert feature["type"] == "Feature" and feature["properties"]["end"] == "K5+000"
    assert api_client_for(east_viewer).get(f"{BASE}/routes/G109/?format=geojson").status_code == 404


def test_section_geojson_bounded_by_the_view(api_client_for: Any, admin_user: Any) -> None:
    from zhiyang.network.models import Route

    admin = api_client_for(admin_user)
    every = admin.get(f"{BASE}/sections/geojson/").json()["features"]
    g109 = Route.objects.get(code="G109")
    box = f"{g109.min_lon},{g109.min_lat},{g109.max_lon},{g109.max_lat}"
    near = admin.get(f"{BASE}/sections/geojson/", {"bbox": box}).json()["features"]
    assert "G109" in {f["properties"]["route"] for f in near} and len(near) <= len(every)
    assert admin.get(f"{BASE}/sections/geojson/", {"bbox": "0,0,1,1"}).json()["features"] == []
    # Zoomed out: the same sections, lines no longer than in full.
    far = admin.get(f"{BASE}/sections/geojson/", {"zoom": 5}).json()["features"]
    assert [f["properties"]["id"] for f in far] == [f["properties"]["id"] for f in every]
    for simple, full in zip(far, every, strict=True):
        if full["geometry"]:
            coords = simple["geometry"]["coordinates"]
            assert 2 <= len(coords) <= len(full["geometry"]["coordinates"])


def test_locate_and_chainage(api_client_for: Any, east_viewer: Any, two_districts: Any) -> None:
    client = api_client_for(east_viewer)
    s203 = two_districts["s1"]
    lon, lat = linref.point_at(s203, 2500)
    body = client.get(f"{BASE}/locate/", {"lon": lon, "lat": lat}).json()
    assert body["route"] == "S203"
    assert body["chainage_m"] == pytest.approx(2500, abs=0.05)
    assert body["chainage"] == "K2+500.0"
    assert abs(body["offset_m"]) < 0.05
    # Next to G109, which the user cannot see: still S203 (far away), or nothing nearby.
    g109 = two_districts["g1"]
    lon, lat = linref.point_at(g109, 5000)
    assert client.get(f"{BASE}/locate/", {"lon": lon, "lat": lat}).json()["route"] == "S203"
    near = client.get(f"{BASE}/locate/", {"lon": lon, "lat": lat, "max_distance_m": 500})
    assert near.status_code == 404
    bad = client.get(f"{BASE}/locate/", {"lon": 500, "lat": 40})
    assert bad.status_code == 400 and "lon" in bad.json()["error"]["fields"]

    point = client.get(f"{BASE}/chainage/", {"route": "S203", "chainage": "K2+500"}).json()
    assert (point["lon"], point["lat"]) == pytest.approx(linref.point_at(s203, 2500), abs=1e-7)
    assert point["chainage_m"] == 2500 and point["chainage"] == "K2+500.0"
    unseen = client.get(f"{BASE}/chainage/", {"route": "G109", "chainage": "K1+000"})
    assert unseen.status_code == 404
    bad = client.get(f"{BASE}/chainage/", {"route": "S203", "chainage": "K2-500"})
    assert bad.status_code == 400 and "chainage" in bad.json()["error"]["fields"]
    outside = client.get(f"{BASE}/chainage/", {"route": "S203", "chainage": "K9+000"})
    assert outside.status_code == 400


def test_viewer_cannot_write(api_client_for: Any, east_viewer: Any, two_districts: Any) -> None:
    client = api_client_for(east_viewer)
    pk = two_districts["sec_east"].pk
    assert client.patch(f"{BASE}/sections/{pk}/", {"lanes": 3}, format="json").status_code == 403
    assert client.delete(f"{BASE}/sections/{pk}/").status_code == 403


def test_engineer_section_writes_are_audited_and_scoped(
    api_client_for: Any, east_engineer: Any, two_districts: Any
) -> None:
    client = api_client_for(east_engineer)
    audits = AuditLog.objects.count()
    payload = {
        "route": "S203",
        "direction": "up",
        "start_m": "K1+000",
        "end_m": 3000.5,
        "lanes": 2,
        "width_m": 7.5,
        "pavement": "concrete",
        "district": "140221",
    }
    response = client.post(f"{BASE}/sections/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["start"] == "K1+000" and body["end_m"] == 3000.5
    assert body["geometry"]["type"] == "LineString"
    section = Section.objects.get(pk=body["id"])
    assert coords_of(section)[0] == pytest.approx(
        list(linref.point_at(two_districts["s1"], 1000)), abs=2e-7
    )
    assert AuditLog.objects.count() == audits + 1
    entry = AuditLog.objects.first()
    assert entry is not None and entry.user == east_engineer and entry.action == "create"

    response = client.patch(f"{BASE}/sections/{section.pk}/", {"end_m": "K4+000"}, format="json")
    assert response.status_code == 200
    section.refresh_from_db()
    assert section.end_m == 4000
    assert coords_of(section)[-1] == pytest.approx(
        list(linref.point_at(two_districts["s1"], 4000)), abs=2e-7
    )
    assert AuditLog.objects.filter(action="update", object_id=str(section.pk)).count() == 1

    # Beyond the route, in a district outside the scope, or on an unseen route: refused.
    assert (
        client.patch(f"{BASE}/sections/{section.pk}/", {"end_m": 9000}, format="json").status_code
        == 400
    )
    outside = dict(payload, district="140226")
    assert client.post(f"{BASE}/sections/", outside, format="json").status_code == 400
    unseen = dict(payload, route="G109")
    response = client.post(f"{BASE}/sections/", unseen, format="json")
    assert response.status_code == 400 and "route" in response.json()["error"]["fields"]

    assert client.delete(f"{BASE}/sections/{section.pk}/").status_code == 204
    assert AuditLog.objects.filter(action="delete", object_id=str(section.pk)).count() == 1
    west = two_districts["sec_west"].pk
    assert client.delete(f"{BASE}/sections/{west}/").status_code == 404


def test_route_writes_rederive_sections(
    api_client_for: Any, admin_user: Any, two_districts: Any
) -> None:
    client = api_client_for(admin_user)
    geometry = {"type": "LineString", "coordinates": [[113.5, 40.0], [113.6, 40.05]]}
    payload = {
        "code": "X001",
        "name": "测试线",
        "admin_level": "county",
        "tech_class": "class4",
        "pavement": "asphalt",
        "start_m": 0,
        "end_m": "K9+800",
        "geometry": geometry,
    }
    response = client.post(f"{BASE}/routes/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["end"] == "K9+800"
    bad = client.post(
        f"{BASE}/routes/", dict(payload, code="X002", geometry={"type": "Point"}), format="json"
    )
    assert bad.status_code == 400 and "geometry" in bad.json()["error"]["fields"]
    backwards = client.post(f"{BASE}/routes/", dict(payload, code="X003", end_m=0), format="json")
    assert backwards.status_code == 400

    # Moving S203's centre line moves its section.
    section = two_districts["sec_east"]
    new_geometry = {"type": "LineString", "coordinates": [[113.70, 40.30], [113.76, 40.33]]}
    response = client.patch(f"{BASE}/routes/S203/", {"geometry": new_geometry}, format="json")
    assert response.status_code == 200, response.json()
    section.refresh_from_db()
    assert coords_of(section)[0] == pytest.approx([113.70, 40.30])
    assert AuditLog.objects.filter(
        resource="network.section", action="update", object_id=str(section.pk)
    ).exists()
    # Shrinking the route past its sections is refused.
    assert client.patch(f"{BASE}/routes/S203/", {"end_m": 1000}, format="json").status_code == 400

    assert client.delete(f"{BASE}/routes/X001/").status_code == 204
    assert not Route.objects.filter(code="X001").exists()
    assert AuditLog.objects.filter(resource="network.route", action="delete").count() == 1


def test_district_writes(api_client_for: Any, admin_user: Any, east_engineer: Any) -> None:
    admin = api_client_for(admin_user)
    response = admin.post(f"{BASE}/districts/", {"code": "140212", "name": "新荣区"}, format="json")
    assert response.status_code == 201
    assert (
        admin.patch(f"{BASE}/districts/140212/", {"name_en": "Xinrong"}, format="json").status_code
        == 200
    )
    # A district still referenced by sections cannot be deleted.
    assert admin.delete(f"{BASE}/districts/140221/").status_code == 409
    assert admin.delete(f"{BASE}/districts/140212/").status_code == 204
    assert AuditLog.objects.filter(resource="network.district").count() == 3
    # An engineer creating a district outside the scope is refused (nothing written).
    engineer = api_client_for(east_engineer)
    response = engineer.post(f"{BASE}/districts/", {"code": "140215", "name": "X"}, format="json")
    assert response.status_code == 400


def _geojson_upload(doc: dict[str, Any], name: str = "network.geojson") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(doc).encode(), content_type="application/json")


def test_import_endpoint(
    api_client_for: Any,
    east_engineer: Any,
    east_viewer: Any,
    network_doc: Any,
    two_districts: Any,
) -> None:
    section: dict[str, Any] = {
        "type": "Feature",
        "geometry": None,
        "properties": {
            "kind": "section",
            "route": "S203",
            "start_m": 0,
            "end_m": "K2+000",
            "lanes": 2,
            "width_m": 7,
            "pavement": "asphalt",
            "district": "140221",
        },
    }
    good = {"type": "FeatureCollection", "features": [section]}
    client = api_client_for(east_engineer)
    response = client.post(f"{BASE}/import/", {"file": _geojson_upload(good)}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["sections_created"] == 1
    assert response.json()["sections_deleted"] == 1

    before = (Section.objects.count(), AuditLog.objects.count())
    bad = {
        "type": "FeatureCollection",
        "features": [
            section,
            {
                "type": "Feature",
                "geometry": None,
                "properties": dict(section["properties"], start_m="K1+2000", width_m="wide"),
            },
        ],
    }
    response = client.post(f"{BASE}/import/", {"file": _geojson_upload(bad)}, format="multipart")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_file"
    assert {(r["row"], r["column"]) for r in error["rows"]} == {(2, "start_m"), (2, "width_m")}
    assert (Section.objects.count(), AuditLog.objects.count()) == before

    response = client.post(f"{BASE}/import/", {}, format="multipart")
    assert response.status_code == 400
    viewer = api_client_for(east_viewer)
    response = viewer.post(f"{BASE}/import/", {"file": _geojson_upload(good)}, format="multipart")
    assert response.status_code == 403


def test_export_and_template_endpoints(api_client_for: Any, east_viewer: Any) -> None:
    client = api_client_for(east_viewer)
    response = client.get(f"{BASE}/export/")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    doc = json.loads(response.content)
    assert {
        f["properties"].get("code") or f["properties"].get("route") for f in doc["features"]
    } == {"140221", "S203"}
    response = client.get(f"{BASE}/export/?format=geojson")
    assert response.status_code == 200
    response = client.get(f"{BASE}/export/?format=xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    assert [r[0] for r in workbook["routes"].iter_rows(min_row=2, values_only=True)] == ["S203"]
    response = client.get(f"{BASE}/template.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames[:3] == [
        "districts",
        "routes",
        "sections",
    ]


def test_openapi_schema_has_no_warnings_for_network(capsys: Any) -> None:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = [p for p in schema["paths"] if p.startswith("/api/v1/network/")]
    assert "/api/v1/network/sections/geojson/" in paths
    assert "/api/v1/network/locate/" in paths
    captured = capsys.readouterr()
    assert "network" not in captured.err.lower()


def test_control_characters_are_a_field_error(make_user: Any, two_districts: Any) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(make_user(role="engineer", organisation=two_districts["org_all"]))
    response = client.post(
        "/api/v1/network/districts/", {"code": "140299", "name": "新\x1b区"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["name"]


@pytest.mark.parametrize("value", ["50%", "K1+%d", "%(x)s"])
def test_chainage_filter_errors_quote_any_text(
    make_user: Any, two_districts: Any, value: str
) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(make_user(role="viewer", organisation=two_districts["org_all"]))
    for url in ("/api/v1/network/sections/", "/api/v1/network/sections/geojson/"):
        response = client.get(url, {"from_m": value})
        assert response.status_code == 400, (url, value)
        assert value in str(response.json()["error"]["fields"]["from_m"])


def test_end_before_start_is_a_field_error_on_end_m(make_user: Any, two_districts: Any) -> None:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(make_user(role="engineer", organisation=two_districts["org_all"]))
    section = two_districts["sec_east"]
    for url, body in (
        ("/api/v1/network/routes/S203/", {"start_m": 6000}),
        (f"/api/v1/network/sections/{section.pk}/", {"start_m": 4000, "end_m": 3000}),
    ):
        response = client.patch(url, body, format="json")
        assert response.status_code == 400, url
        assert "end_m" in response.json()["error"]["fields"], url
    section.refresh_from_db()
    assert (section.start_m, section.end_m) == (0, 5000)
