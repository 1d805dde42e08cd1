"""The fleet API: scope (another organisation's machine is a 404), writes, import, GeoJSON."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.fleet.conftest import read
from zhiyang.core.choices import Role
from zhiyang.fleet.models import Equipment, ServiceInterval, TelematicsSnapshot, TelematicsSource

pytestmark = pytest.mark.django_db
API = "/api/v1/fleet"


def test_another_organisations_machine_is_a_404(
    api_client_for, fleet, manager_a, manager_b
) -> None:
    client = api_client_for(manager_b)
    assert client.get(f"{API}/equipment/{fleet['paver'].pk}/").status_code == 404
    assert client.patch(f"{API}/equipment/{fleet['paver'].pk}/", {"plate": "X"}).status_code == 404
    codes = [m["code"] for m in client.get(f"{API}/equipment/").json()["results"]]
    assert codes == ["B-01"]
    mine = api_client_for(manager_a).get(f"{API}/equipment/{fleet['paver'].pk}/")
    assert mine.status_code == 200 and mine.json()["working_width_m"] == 9.0


def test_child_rows_follow_the_machine_scope(api_client_for, fleet, manager_a, manager_b) -> None:
    api_client_for(manager_a).post(
        f"{API}/import/", {"file": SimpleUploadedFile("f.xml", read("iso_fleet.xml"))}
    )
    snapshot = TelematicsSnapshot.objects.first()
    other = api_client_for(manager_b)
    assert other.get(f"{API}/snapshots/{snapshot.pk}/").status_code == 404
    assert other.get(f"{API}/snapshots/").json()["count"] == 0
    assert other.get(f"{API}/fault-codes/").json()["count"] == 0
    # Nor can B hang a service interval on A's machine.
    response = other.post(
        f"{API}/service-intervals/",
        {"equipment": fleet["paver"].pk, "name": "oil", "every_hours": 250},
    )
    assert response.status_code == 400 and "equipment" in response.json()["error"]["fields"]


def test_create_machine_in_own_organisation_and_pin_unique(api_client_for, orgs, manager_a) -> None:
    client = api_client_for(manager_a)
    body = {"code": "PV-09", "equipment_type": "paver", "pin": "PIN-9", "working_width_m": 9.5}
    created = client.post(f"{API}/equipment/", body)
    assert created.status_code == 201, created.json()
    assert Equipment.objects.get(code="PV-09").organisation == orgs["a"]
    clash = client.post(f"{API}/equipment/", {**body, "code": "PV-10"})
    assert clash.status_code == 400
    two_blank = [client.post(f"{API}/equipment/", {"code": c}).status_code for c in ("A", "B")]
    assert two_blank == [201, 201]  # blank PINs do not clash
    foreign = client.post(f"{API}/equipment/", {"code": "Z", "organisation": orgs["b"].pk})
    assert foreign.status_code == 400


def test_viewer_reads_but_cannot_write(api_client_for, make_user, fleet, orgs) -> None:
    viewer = api_client_for(make_user(role=Role.VIEWER, organisation=orgs["a"]))
    assert viewer.get(f"{API}/equipment/").status_code == 200
    assert viewer.post(f"{API}/equipment/", {"code": "X"}).status_code == 403
    assert viewer.get(f"{API}/snapshots/").status_code == 403  # not in the viewer's matrix row
    assert (
        viewer.post(
            f"{API}/import/", {"file": SimpleUploadedFile("f.xml", read("iso_fleet.xml"))}
        ).status_code
        == 403
    )


def test_import_endpoint_and_malformed_answer(api_client_for, fleet, manager_a) -> None:
    client = api_client_for(manager_a)
    ok = client.post(
        f"{API}/import/", {"file": SimpleUploadedFile("k.json", read("komatsu_style.json"))}
    )
    assert ok.status_code == 200 and ok.json()["snapshots_created"] == 1
    again = client.post(
        f"{API}/import/", {"file": SimpleUploadedFile("k.json", read("komatsu_style.json"))}
    )
    assert again.json()["duplicates"] == 1 and again.json()["snapshots_created"] == 0
    bad = read("iso_fleet.xml").replace(b"<Hour>812</Hour>", b"<Hour>n/a h</Hour>")
    response = client.post(f"{API}/import/", {"file": SimpleUploadedFile("bad.xml", bad)})
    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == "invalid_document"
    assert error["problems"][0]["path"] == "/Fleet/Equipment[2]/CumulativeOperatingHours[1]/Hour[1]"
    assert TelematicsSnapshot.objects.count() == 1


def test_sources_never_return_the_auth_value(api_client_for, orgs, manager_a) -> None:
    client = api_client_for(manager_a)
    body = {
        "name": "CAT",
        "base_url": "https://aemp.example.test/Fleet/1",
        "auth_value": "Bearer top-secret",
    }
    created = client.post(f"{API}/sources/", body)
    assert created.status_code == 201, created.json()
    assert "auth_value" not in created.json() and created.json()["has_auth"] is True
    listed = client.get(f"{API}/sources/").content.decode()
    assert "top-secret" not in listed and "auth_value_encrypted" not in listed
    pk = created.json()["id"]
    client.patch(f"{API}/sources/{pk}/", {"page_size": 50})  # without auth_value: kept
    assert TelematicsSource.objects.get(pk=pk).has_auth
    assert client.patch(f"{API}/sources/{pk}/", {"page_size": 500}).status_code == 400


def test_service_interval_and_record(api_client_for, fleet, manager_a) -> None:
    client = api_client_for(manager_a)
    paver = fleet["paver"]
    Equipment.objects.filter(pk=paver.pk).update(last_operating_hours=1000)
    interval = client.post(
        f"{API}/service-intervals/",
        {"equipment": paver.pk, "name": "oil", "every_hours": 250, "last_service_hours": 740},
    )
    assert interval.status_code == 201 and interval.json()["state"] == "overdue"
    assert (
        client.post(f"{API}/service-intervals/", {"equipment": paver.pk, "name": "x"}).status_code
        == 400
    )
    record = client.post(
        f"{API}/service-records/",
        {
            "equipment": paver.pk,
            "interval": interval.json()["id"],
            "description": "oil",
            "hours": 1000,
            "date": "2026-05-20",
            "cost_cny": "800",
        },
    )
    assert record.status_code == 201
    assert ServiceInterval.objects.get().last_service_hours == 1000
    wrong = client.post(
        f"{API}/service-records/",
        {
            "equipment": fleet["roller"].pk,
            "interval": interval.json()["id"],
            "description": "x",
            "date": "2026-05-20",
        },
    )
    assert wrong.status_code == 400


def test_assignment_with_chainage(api_client_for, fleet, manager_a, two_districts) -> None:
    manager_a.organisation.districts.add(two_districts["west"])
    client = api_client_for(manager_a)
    body = {
        "equipment": fleet["paver"].pk,
        "start_date": "2026-05-01",
        "end_date": "2026-05-10",
        "site": "G109",
        "route": "G109",
        "start_m": 1000,
        "end_m": 2500,
    }
    response = client.post(f"{API}/assignments/", body)
    assert response.status_code == 201, response.json()
    assert response.json()["start"] == "K1+000" and response.json()["days"] == 10
    backwards = client.post(f"{API}/assignments/", {**body, "end_date": "2026-04-01"})
    assert backwards.status_code == 400


def test_positions_geojson(api_client_for, fleet, manager_a, manager_b) -> None:
    api_client_for(manager_a).post(
        f"{API}/import/", {"file": SimpleUploadedFile("f.xml", read("iso_fleet.xml"))}
    )
    doc = api_client_for(manager_a).get(f"{API}/positions.geojson").json()
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 2
    feature = doc["features"][0]
    assert feature["geometry"]["type"] == "Point"
    props = feature["properties"]
    assert {"color", "title", "popup", "url", "url_label"} <= set(props)
    assert props["url"] == f"/fleet/machines/{props['id']}/"
    assert api_client_for(manager_b).get(f"{API}/positions.geojson").json()["features"] == []
    # Bounded by a view (the same FilterSet as the list page): around one machine, far away.
    lon, lat = feature["geometry"]["coordinates"][:2]
    box = f"{lon - 0.0001},{lat - 0.0001},{lon + 0.0001},{lat + 0.0001}"
    near = api_client_for(manager_a).get(f"{API}/positions.geojson", {"bbox": box}).json()
    assert feature["properties"]["id"] in {f["properties"]["id"] for f in near["features"]}
    far = api_client_for(manager_a).get(f"{API}/positions.geojson", {"bbox": "0,0,1,1"}).json()
    assert far["features"] == []
    # The map page's layer too, with the routes simplified to the zoom.
    from django.test import Client

    client = Client()
    client.force_login(manager_a)
    layer = client.get("/fleet/map/data.geojson", {"bbox": "0,0,1,1", "zoom": 8}).json()
    assert layer["features"] == []
    whole = client.get("/fleet/map/data.geojson", {"bbox": "-180,-90,180,90", "zoom": 8}).json()
    assert len([f for f in whole["features"] if f["geometry"]["type"] == "Point"]) == 2
