"""The apps' hooks: a live alarm and its resolution, a hazard reported and escalated each
reach the right people once (keys make reruns harmless)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.safety.conftest import safety_world  # noqa: F401 - fixture
from tests.telemetry.test_live import paving
from zhiyang.core.actors import SYSTEM
from zhiyang.core.choices import Role
from zhiyang.core.models import Organisation
from zhiyang.notify.delivery import deliver_due
from zhiyang.notify.models import Delivery, Event, InboxItem
from zhiyang.notify.services import save_channel
from zhiyang.safety import services as safety
from zhiyang.telemetry import live

pytestmark = pytest.mark.django_db


def test_live_alarm_and_its_resolution(site_alarm, make_user, receiver) -> None:
    org = site_alarm["org"]
    engineer = make_user(role=Role.ENGINEER, organisation=org)
    outsider = make_user(
        role=Role.ENGINEER, organisation=Organisation.objects.create(code="z", name="Z")
    )
    save_channel(
        actor=SYSTEM,
        organisation=org,
        kind="dingtalk",
        values={"name": "site", "url": receiver.url("/dingtalk", "access_token=t")},
    )
    alarm = site_alarm["alarm"]
    live.process_accepted([paving(site_alarm, 1, 30, 165.0)])  # warm again: resolves itself
    alarm.refresh_from_db()
    assert alarm.status == "resolved"
    live.process_accepted([paving(site_alarm, 2, 60, 150.0)])  # cold again: a new alarm
    events = Event.objects.filter(kind="telemetry.alarm").order_by("pk")
    assert events.count() == 2
    latest = events.last()
    assert "°C" in latest.title_in("en") and "°C" in latest.title_in("zh-hans")
    assert InboxItem.objects.filter(event=latest, user=engineer).exists()
    assert not InboxItem.objects.filter(user=outsider).exists()
    assert Event.objects.filter(kind="telemetry.alarm_resolved", object_id=str(alarm.pk)).exists()
    assert deliver_due()["sent"] == 2  # resolved and raised again (the first came before the robot)
    texts = [r.json["markdown"]["text"] for r in receiver.at("/dingtalk")]
    assert any("Paving temperature" in t or "摊铺温度" in t for t in texts)


def test_hazard_reported_and_escalated(safety_world, make_user) -> None:  # noqa: F811
    w = safety_world
    from zhiyang.network import linref

    lon, lat = linref.point_at(w["g1"], 5100)
    hazard, _created = safety.report_hazard(
        actor=w["worker"],
        data={
            "lon": lon,
            "lat": lat,
            "description": "锥桶倒伏",
            "level": "major",
            "reported_at": timezone.now() - dt.timedelta(days=9),
        },
    )
    new = Event.objects.get(kind="safety.hazard_new")
    assert new.severity == "critical"
    assert InboxItem.objects.filter(event=new, user=w["officer"]).exists()
    assert not InboxItem.objects.filter(event=new, user=w["worker"]).exists()  # the reporter
    safety.assign_hazard(
        actor=w["officer"],
        hazard=hazard,
        assignee=w["worker"],
        deadline=timezone.localdate() - dt.timedelta(days=1),
    )
    today = timezone.localdate()
    assert safety.escalate_overdue(actor=SYSTEM, today=today) == 1
    assert safety.escalate_overdue(actor=SYSTEM, today=today) == 0
    safety.escalate_overdue(actor=SYSTEM, today=today + dt.timedelta(days=1))
    overdue = Event.objects.get(kind="safety.hazard_overdue")
    escalated = Event.objects.get(kind="safety.hazard_escalated")
    assert overdue.severity == "warning" and escalated.severity == "critical"
    assert "level 2" in escalated.title_in("en")
    assert not Delivery.objects.filter(status="failed").exists()
