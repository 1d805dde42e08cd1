"""The people demo: 20 workers, alerts at 30/7 days and one expired, 3 crews, the demo
``worker`` linked to a crew leader, check-ins in and out of the geofence; idempotent, fast."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from zhiyang.core.models import User
from zhiyang.people import demo, services
from zhiyang.people.models import Briefing, Certificate, CheckIn, Crew, Worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def context(make_user, two_districts):
    from zhiyang.demo.services import DemoContext

    users = {
        "worker": make_user(role="worker", organisation=two_districts["org_all"], username="worker")
    }
    return DemoContext(
        branch=two_districts["org_all"], works_area=two_districts["org_east"], users=users
    )


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_demo_is_complete_and_idempotent(context, zone):
    line = demo.load_demo_data(context=context)
    assert "20 workers (20 new)" in line and "check-ins" in line
    assert Worker.objects.count() == 20 and Crew.objects.count() == 3
    assert Briefing.objects.count() == 3
    levels = [a.level for a in services.certificate_alerts(Certificate.objects.all())]
    assert levels.count("expired") == 1 and levels.count("days_7") == 2
    assert levels.count("days_30") == 2
    leader = Worker.objects.get(user=User.objects.get(username="worker"))
    assert leader.led_crews.count() == 1
    checkins = CheckIn.objects.all()
    assert checkins.filter(inside_geofence=True).count() == 6
    assert checkins.filter(inside_geofence=False).count() == 1
    assert not checkins.filter(worker=leader).exists()  # he checks in himself
    before = {
        m._meta.model_name: m.objects.count()
        for m in (Worker, Certificate, Crew, Briefing, CheckIn)
    }
    again = demo.load_demo_data(context=context)
    assert "0 new" in again and "3 briefings, 7 check-ins" in again  # today's totals
    after = {
        m._meta.model_name: m.objects.count()
        for m in (Worker, Certificate, Crew, Briefing, CheckIn)
    }
    assert before == after


def test_demo_without_a_work_zone_has_no_check_ins(context):
    line = demo.load_demo_data(context=context)
    assert "No active work zone" in line and not CheckIn.objects.exists()


def test_demo_id_numbers_are_valid_and_deterministic(context):
    from zhiyang.people.validators import validate_id_number

    demo.load_demo_data(context=context)
    first = sorted(w.id_number for w in Worker.objects.all())
    for number in first:
        validate_id_number(number)
    Worker.objects.all().delete()
    demo.load_demo_data(context=context)
    assert sorted(w.id_number for w in Worker.objects.all()) == first
    assert dt.date.today()  # dates are relative to the load day
