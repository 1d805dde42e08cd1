"""Daily check-in: inside the geofence accepted, outside flagged with the distance, once per
worker, zone and day, idempotent by client_uuid, blocked without the trade's certificate."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import AuditLog
from zhiyang.people import services
from zhiyang.people.models import CheckIn

pytestmark = pytest.mark.django_db


def _now():
    return timezone.now()


def test_inside_accepted_outside_flagged_with_distance(zone, inside_point, worker_factory):
    a, b = worker_factory(), worker_factory()
    lon, lat = inside_point
    inside = services.check_in(actor=SYSTEM, worker=a, work_zone=zone, lon=lon, lat=lat).checkin
    assert inside.inside_geofence and inside.distance_m == 0
    # ~1.1 km north of the route: outside, still recorded, with the distance.
    far = services.check_in(actor=SYSTEM, worker=b, work_zone=zone, lon=lon, lat=lat + 0.01).checkin
    assert not far.inside_geofence
    assert 900 < far.distance_m < 1200
    assert AuditLog.objects.filter(resource="people.checkin").count() == 2


def test_second_check_in_same_day_refused_next_day_allowed(zone, inside_point, worker_factory):
    worker = worker_factory()
    lon, lat = inside_point
    services.check_in(actor=SYSTEM, worker=worker, work_zone=zone, lon=lon, lat=lat)
    with pytest.raises(ValidationError, match="already checked in"):
        services.check_in(actor=SYSTEM, worker=worker, work_zone=zone, lon=lon, lat=lat)
    tomorrow = _now() + dt.timedelta(days=1)
    services.check_in(actor=SYSTEM, worker=worker, work_zone=zone, lon=lon, lat=lat, when=tomorrow)
    assert CheckIn.objects.filter(worker=worker).count() == 2


def test_same_client_uuid_returns_the_first_record(zone, inside_point, worker_factory):
    worker = worker_factory()
    lon, lat = inside_point
    key = uuid.uuid4()
    first = services.check_in(
        actor=SYSTEM, worker=worker, work_zone=zone, lon=lon, lat=lat, client_uuid=key
    )
    again = services.check_in(
        actor=SYSTEM, worker=worker, work_zone=zone, lon=lon, lat=lat, client_uuid=key
    )
    assert first.created and not again.created and again.checkin.pk == first.checkin.pk
    other = worker_factory()
    with pytest.raises(ValidationError, match="client id"):
        services.check_in(
            actor=SYSTEM, worker=other, work_zone=zone, lon=lon, lat=lat, client_uuid=key
        )


def test_certificate_missing_or_expired_blocks_check_in(zone, inside_point, worker_factory):
    lon, lat = inside_point
    today = timezone.localdate()
    expired = worker_factory(
        trade="electrician", certs=(("electrician", today - dt.timedelta(days=1)),)
    )
    with pytest.raises(ValidationError, match="no valid"):
        services.check_in(actor=SYSTEM, worker=expired, work_zone=zone, lon=lon, lat=lat)
    valid = worker_factory(trade="electrician", certs=(("electrician", today),))
    assert services.check_in(actor=SYSTEM, worker=valid, work_zone=zone, lon=lon, lat=lat).created


def test_closed_zone_refused(zone, inside_point, worker_factory):
    zone.status = "closed"
    zone.save()
    with pytest.raises(ValidationError, match="not active"):
        services.check_in(
            actor=SYSTEM,
            worker=worker_factory(),
            work_zone=zone,
            lon=inside_point[0],
            lat=inside_point[1],
        )


def test_who_may_check_in_whom(zone, inside_point, make_user, worker_factory, two_districts):
    org = two_districts["org_west"]
    account = make_user(role="worker", organisation=org)
    leader = worker_factory(trade="foreman", user=account)
    member, stranger = worker_factory(), worker_factory()
    services.create_crew(
        actor=SYSTEM,
        data={"organisation": org, "name": "一班", "leader": leader, "members": [member]},
    )
    assert set(services.checkin_workers(account)) == {leader, member}
    lon, lat = inside_point
    services.check_in(actor=account, worker=member, work_zone=zone, lon=lon, lat=lat)
    with pytest.raises(ValidationError, match="may not check in"):
        services.check_in(actor=account, worker=stranger, work_zone=zone, lon=lon, lat=lat)
    # A worker of the other organisation sees no zone of the west district to check in at.
    east_user = make_user(role="worker", organisation=two_districts["org_east"])
    assert not services.checkin_zones(east_user).exists()
    assert list(services.checkin_zones(account)) == [zone]
