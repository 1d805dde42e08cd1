"""The people API: masking by role, check-in from the phone, scope (other organisation: 404)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from zhiyang.core.actors import SYSTEM
from zhiyang.people import services
from zhiyang.people.models import Certificate

from .conftest import ID_NUMBER

pytestmark = pytest.mark.django_db


def test_worker_id_number_masked_unless_identity(
    make_user, api_client_for, worker_factory, two_districts
):
    worker = worker_factory(id_number=ID_NUMBER)
    org = two_districts["org_west"]
    manager = api_client_for(make_user(role="manager", organisation=org))
    officer = api_client_for(make_user(role="safety_officer", organisation=org))
    assert (
        manager.get(f"/api/v1/people/workers/{worker.pk}/").json()["id_number"]
        == "1402**********3414"
    )
    assert officer.get(f"/api/v1/people/workers/{worker.pk}/").json()["id_number"] == ID_NUMBER
    listed = manager.get("/api/v1/people/workers/").json()["results"]
    assert ID_NUMBER not in str(listed)
    # Exact search by ID number works, through the keyed hash.
    found = manager.get("/api/v1/people/workers/", {"q": ID_NUMBER}).json()["results"]
    assert [w["id"] for w in found] == [worker.pk]


def test_other_organisation_gets_404_and_empty_lists(
    make_user, api_client_for, worker_factory, two_districts, zone, inside_point
):
    worker = worker_factory()
    Certificate.objects.create(
        worker=worker, cert_type="other", number="X", valid_until=timezone.localdate()
    )
    services.check_in(
        actor=SYSTEM, worker=worker, work_zone=zone, lon=inside_point[0], lat=inside_point[1]
    )
    east = api_client_for(make_user(role="safety_officer", organisation=two_districts["org_east"]))
    assert east.get(f"/api/v1/people/workers/{worker.pk}/").status_code == 404
    for path in ("workers", "certificates", "checkins", "training", "crews", "briefings"):
        assert east.get(f"/api/v1/people/{path}/").json()["count"] == 0, path
    west = api_client_for(make_user(role="safety_officer", organisation=two_districts["org_west"]))
    assert west.get("/api/v1/people/checkins/").json()["count"] == 1
    # Nor can the other organisation use the worker in a write.
    response = east.post(
        "/api/v1/people/certificates/",
        {"worker": worker.pk, "cert_type": "other", "number": "Y", "valid_until": "2030-01-01"},
        format="json",
    )
    assert response.status_code == 400 and "worker" in response.json()["error"]["fields"]


def test_check_in_post_from_phone(
    make_user, api_client_for, worker_factory, two_districts, zone, inside_point
):
    account = make_user(role="worker", organisation=two_districts["org_west"])
    me = worker_factory(user=account)
    client = api_client_for(account)
    key = str(uuid.uuid4())
    body = {
        "worker": me.pk,
        "work_zone": zone.pk,
        "lon": inside_point[0],
        "lat": inside_point[1],
        "accuracy_m": 6.5,
        "client_uuid": key,
    }
    first = client.post("/api/v1/people/checkins/", body, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["inside_geofence"] is True and first.json()["distance_m"] == 0
    retry = client.post("/api/v1/people/checkins/", body, format="json")
    assert retry.status_code == 200 and retry.json()["id"] == first.json()["id"]
    twice = client.post(
        "/api/v1/people/checkins/", {**body, "client_uuid": str(uuid.uuid4())}, format="json"
    )
    assert twice.status_code == 400
    assert "already checked in" in str(twice.json()["error"]["fields"])
    # Check-ins are records: not editable.
    assert client.patch(
        f"/api/v1/people/checkins/{first.json()['id']}/", {"lat": 0}, format="json"
    ).status_code in (403, 405)


def test_check_in_post_outside_and_uncertified(
    make_user, api_client_for, worker_factory, two_districts, zone, inside_point
):
    officer = api_client_for(
        make_user(role="safety_officer", organisation=two_districts["org_west"])
    )
    labourer = worker_factory()
    body = {
        "worker": labourer.pk,
        "work_zone": zone.pk,
        "lon": inside_point[0],
        "lat": inside_point[1] + 0.02,
    }
    outside = officer.post("/api/v1/people/checkins/", body, format="json")
    assert outside.status_code == 201 and outside.json()["inside_geofence"] is False
    assert outside.json()["distance_m"] > 1500
    welder = worker_factory(
        trade="welder", certs=(("welding", timezone.localdate() - dt.timedelta(days=2)),)
    )
    refused = officer.post("/api/v1/people/checkins/", {**body, "worker": welder.pk}, format="json")
    assert refused.status_code == 400 and "worker" in refused.json()["error"]["fields"]


def test_crew_api_blocks_uncertified_member(
    make_user, api_client_for, worker_factory, two_districts
):
    officer = api_client_for(
        make_user(role="safety_officer", organisation=two_districts["org_west"])
    )
    crane = worker_factory(trade="crane_operator")
    response = officer.post(
        "/api/v1/people/crews/", {"name": "吊装班", "members": [crane.pk]}, format="json"
    )
    assert response.status_code == 400
    assert "members" in response.json()["error"]["fields"]
    ok = officer.post(
        "/api/v1/people/crews/", {"name": "普工班", "members": [worker_factory().pk]}, format="json"
    )
    assert ok.status_code == 201 and ok.json()["organisation"] == two_districts["org_west"].pk
