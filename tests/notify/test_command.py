"""``zhiyang notify``: the daily checks (services due, once a day), the outbox from the
command line; certificate alerts reach safety officers through people's own command."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhiyang.core.choices import Role
from zhiyang.fleet.choices import EquipmentType
from zhiyang.fleet.models import Equipment, ServiceInterval
from zhiyang.notify.models import Event, InboxItem
from zhiyang.people import services as people
from zhiyang.people.models import Certificate, Worker

pytestmark = pytest.mark.django_db


def test_services_due_once_a_day(two_districts, make_user) -> None:
    org = two_districts["org_east"]
    manager = make_user(role=Role.EQUIPMENT_MANAGER, organisation=org)
    outsider = make_user(role=Role.EQUIPMENT_MANAGER, organisation=two_districts["org_west"])
    machine = Equipment.objects.create(
        organisation=org, code="RL-01", equipment_type=EquipmentType.STEEL_DRUM_ROLLER
    )
    ServiceInterval.objects.create(
        equipment=machine,
        name="engine oil",
        every_days=30,
        last_service_date=timezone.localdate() - dt.timedelta(days=40),
    )
    out = io.StringIO()
    call_command("notify", "daily", stdout=out)
    call_command("notify", "daily", stdout=out)
    event = Event.objects.get(kind="fleet.service_due")
    assert event.severity == "warning" and "RL-01" in event.title_in("en")
    assert list(InboxItem.objects.values_list("user_id", flat=True)) == [manager.pk]
    assert outsider.pk
    status = io.StringIO()
    call_command("notify", "status", "--format=json", stdout=status)
    assert json.loads(status.getvalue()) == {}  # inbox only: nothing in the outbox
    call_command("notify", "deliver", stdout=out)
    assert "sent" in out.getvalue() or "已发送" in out.getvalue()


def test_certificate_alerts_reach_safety_officers(two_districts, make_user) -> None:
    org = two_districts["org_east"]
    officer = make_user(role=Role.SAFETY_OFFICER, organisation=org)
    worker = Worker.objects.create(organisation=org, name="张三")
    Certificate.objects.create(
        worker=worker,
        cert_type="electrician",
        number="T-1",
        valid_until=timezone.localdate() + dt.timedelta(days=5),
    )
    assert people.record_certificate_alerts() == 1
    assert people.record_certificate_alerts() == 0
    event = Event.objects.get(kind="people.certificate_expiry")
    assert "张三" in event.title_in("zh-hans")
    assert InboxItem.objects.filter(event=event, user=officer).exists()
