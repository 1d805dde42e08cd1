"""The "today" page on the demo: each field role lands on it after signing in and sees its
own work (work orders of its crews, checklists still to run, hazards assigned to it, the
check-in, the crew's briefing), the QC inspector the open alarms, the safety officer the
overdue hazards; every link on it opens for that role (no 403) and the page is in the
reader's language."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from zhiyang.core.models import User
from zhiyang.safety.models import Hazard
from zhiyang.telemetry.models import Alarm, AlarmStatus, Device, Severity
from zhiyang.web.today import SECTIONS, today_for

pytestmark = pytest.mark.django_db


def keys(username: str) -> dict[str, list[str]]:
    sections = today_for(User.objects.get(username=username))
    return {s["key"]: [i.key for i in s["items"]] for s in sections}


HOMES = {
    "worker": "web:today",
    "qc_inspector": "web:today",
    "safety_officer": "web:today",
    "manager": "web:dashboard",
    "engineer": "web:dashboard",
}


def test_signing_in_lands_on_the_roles_home(demo, client):
    for username, home in HOMES.items():
        client.logout()
        response = client.post(
            reverse("login"), {"username": username, "password": demo.password}, follow=True
        )
        assert response.redirect_chain[-1][0] == reverse(home), username
        assert response.status_code == 200


def test_the_worker_sees_their_own_day(demo):
    worker = User.objects.get(username="worker")
    found = keys("worker")
    work = found["work"]
    assert "checkin" in work
    assert "work-order" in work  # the demo crew's paving orders on G109
    assert "checklist-due" in work  # …each with its work instruction not yet run today
    assert "briefing" in found["confirm"]
    assigned = Hazard.objects.filter(assignee=worker, status="assigned").count()
    assert assigned
    hazards = sum(k == "hazard-assigned" for items in found.values() for k in items)
    assert hazards == assigned
    # Verifying and chasing overdue hazards is the safety officer's, not the worker's.
    flat = {k for items in found.values() for k in items}
    assert not {"hazards-to-verify", "hazard-overdue", "reports-to-approve"} & flat


def test_the_safety_officer_sees_overdue_hazards_first(demo):
    found = keys("safety_officer")
    assert next(iter(found)) == "late"
    assert "hazard-overdue" in found["late"]
    assert "work-order" not in {k for items in found.values() for k in items}


def test_open_alarms_reach_the_qc_inspector_and_the_managers_tile(demo, client):
    device = Device.objects.select_related("equipment").order_by("pk").first()
    assert device is not None
    Alarm.objects.filter(device=device).delete()  # one active alarm per device and rule
    now = timezone.now()
    Alarm.objects.create(
        device=device,
        equipment=device.equipment,
        rule="arrival_temp",
        severity=Severity.CRITICAL,
        status=AlarmStatus.ACTIVE,
        value=118.0,
        limit=135.0,
        unit="°C",
        started_at=now,
        last_seen_at=now,
    )
    assert "alarm" in keys("qc_inspector")["alerts"]
    assert "alerts" not in keys("worker")  # the worker may not act on alarms
    client.force_login(User.objects.get(username="manager"))
    html = client.get(reverse("web:dashboard")).content.decode()
    match = re.search(r'href="([^"]+)" data-tile="open-alarms"', html)
    assert match
    assert client.get(match.group(1)).status_code == 200


def test_sections_come_in_order_and_are_never_empty(demo):
    for username in ("worker", "qc_inspector", "safety_officer", "manager", "viewer"):
        sections = today_for(User.objects.get(username=username))
        order = [s["key"] for s in sections]
        assert order == [k for k in SECTIONS if k in order]
        assert all(s["items"] for s in sections)


def test_every_link_on_the_page_opens_for_its_role(demo, client):
    for username in ("worker", "qc_inspector", "safety_officer", "manager"):
        client.force_login(User.objects.get(username=username))
        response = client.get(reverse("web:today"), HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert response.status_code == 200
        html = response.content.decode()
        links = set(re.findall(r'<a class="today-link" href="([^"]+)"', html))
        assert links, username
        for url in links:
            assert client.get(url.replace("&amp;", "&")).status_code == 200, (username, url)


def test_the_page_speaks_the_readers_language(demo, client):
    client.force_login(User.objects.get(username="worker"))
    zh = client.get(reverse("web:today"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "我今天的工作" in zh and "在作业区打卡" in zh and "去整改" in zh
    assert "My work today" not in zh
    en = client.get(reverse("web:today"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My work today" in en and "我今天的工作" not in en


def test_a_filed_daily_report_leaves_the_list(demo):
    from zhiyang.works.assignments import todays_work_orders
    from zhiyang.works.models import DailyReport

    worker = User.objects.get(username="worker")
    day = timezone.localdate()
    order = todays_work_orders(worker, day).first()
    assert order is not None
    DailyReport.objects.filter(project=order.project, date=day).delete()
    before = keys("worker")["work"].count("daily-report")
    assert before >= 1
    DailyReport.objects.create(project=order.project, crew=order.crew, date=day)
    assert keys("worker")["work"].count("daily-report") == before - 1


def test_nobody_signed_in_is_sent_to_the_login(client):
    response = client.get(reverse("web:today"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
