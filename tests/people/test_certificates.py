"""Certificate expiry alerts (30 and 7 days), the daily task, the command, and the block on
assigning a worker whose trade's certificate is missing or expired."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from zhiyang.core.actors import SYSTEM
from zhiyang.people import services, tasks
from zhiyang.people.models import Certificate, CertificateAlert, TrainingRecord
from zhiyang.people.rules import required_certificates, rules

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _cert(worker, days: int, cert_type: str = "electrician") -> Certificate:
    return Certificate.objects.create(
        worker=worker,
        cert_type=cert_type,
        number=f"C{days}",
        valid_until=TODAY + dt.timedelta(days=days),
    )


@pytest.mark.parametrize(
    ("days", "level"),
    [
        (31, None),
        (30, "days_30"),
        (8, "days_30"),
        (7, "days_7"),
        (0, "days_7"),
        (-1, "expired"),
    ],
)
def test_alert_levels_at_30_and_7_days(days, level, worker_factory):
    cert = _cert(worker_factory(), days)
    assert services.alert_level(cert, TODAY) == level


def test_alerts_per_organisation_and_recorded_once_a_day(worker_factory, two_districts):
    west = worker_factory(trade="electrician")
    east = worker_factory(trade="electrician", organisation=two_districts["org_east"])
    _cert(west, 5)
    _cert(west, 400)
    _cert(east, -3)
    inactive = worker_factory(active=False)
    _cert(inactive, 1)
    grouped = services.alerts_by_organisation(today=TODAY)
    assert {org.code: [a.level for a in alerts] for org, alerts in grouped.items()} == {
        "west": ["days_7"],
        "east": ["expired"],
    }
    assert services.record_certificate_alerts(today=TODAY) == 2
    assert services.record_certificate_alerts(today=TODAY) == 0  # idempotent per day
    assert tasks.record_certificate_alerts.call(TODAY.isoformat()) == 0
    assert services.record_certificate_alerts(today=TODAY + dt.timedelta(days=1)) == 2
    assert CertificateAlert.objects.count() == 4


def test_task_can_be_enqueued():
    result = tasks.record_certificate_alerts.enqueue(TODAY.isoformat())
    assert result.status == "READY"


def test_command_lists_alerts_as_json_and_records(worker_factory):
    _cert(worker_factory(name="李电工", trade="electrician"), 20)
    out = StringIO()
    call_command(
        "people",
        "cert-alerts",
        "--date",
        TODAY.isoformat(),
        "--format",
        "json",
        "--record",
        stdout=out,
    )
    data = json.loads(out.getvalue())
    assert data["recorded"] == 1
    (org,) = data["organisations"]
    assert org["organisation"] == "west"
    assert org["alerts"][0] | {} == {
        "worker": "李电工",
        "certificate_type": "electrician",
        "number": "C20",
        "valid_until": (TODAY + dt.timedelta(days=20)).isoformat(),
        "days_left": 20,
        "level": "days_30",
    }
    text = StringIO()
    call_command("people", "cert-alerts", "--date", TODAY.isoformat(), stdout=text)
    assert "李电工" in text.getvalue()


def test_command_errors_are_clear():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("people", "cert-alerts", "--date", "10/05/2026")
    with pytest.raises(CommandError, match="nope"):
        call_command("people", "cert-alerts", "--organisation", "nope")


def test_trade_requirements_are_data_with_sources():
    assert required_certificates("electrician") == {"electrician"}
    assert required_certificates("crane_operator") == {"crane"}
    assert required_certificates("labourer") == frozenset()
    assert rules().alert_days == (30, 7)
    assert "30号" in rules().sources["trade_requirements"]


def test_crew_assignment_blocked_without_valid_certificate(worker_factory):
    leader = worker_factory(trade="foreman")
    expired = worker_factory(
        name="王焊工", trade="welder", certs=(("welding", TODAY - dt.timedelta(days=1)),)
    )
    missing = worker_factory(name="赵吊车", trade="crane_operator")
    valid = worker_factory(
        trade="electrician", certs=(("electrician", TODAY + dt.timedelta(days=3)),)
    )
    crew = services.create_crew(
        actor=SYSTEM,
        data={
            "organisation": leader.organisation,
            "name": "一班",
            "leader": leader,
            "members": [valid],
        },
        today=TODAY,
    )
    assert set(crew.members.all()) == {leader, valid}  # the leader is a member
    with pytest.raises(ValidationError) as caught:
        services.add_crew_member(actor=SYSTEM, crew=crew, worker=expired, today=TODAY)
    assert "王焊工" in str(caught.value) and "members" in caught.value.message_dict
    with pytest.raises(ValidationError, match="赵吊车"):
        services.add_crew_member(actor=SYSTEM, crew=crew, worker=missing, today=TODAY)
    assert set(crew.members.all()) == {leader, valid}
    # Renewed: now accepted.
    Certificate.objects.create(
        worker=expired, cert_type="welding", number="R1", valid_until=TODAY + dt.timedelta(days=700)
    )
    services.add_crew_member(actor=SYSTEM, crew=crew, worker=expired, today=TODAY)
    assert expired in crew.members.all()


def test_induction_hours_and_flag(worker_factory):
    worker = worker_factory()
    for level, hours in (("company", 15), ("project", 16)):
        TrainingRecord.objects.create(
            worker=worker, level=level, date=TODAY, hours=hours, topic="x"
        )
    status = services.induction_status(worker.training.all())
    assert not status.complete and status.missing_levels == ["team"]
    assert float(status.total_hours) == 31.0
    TrainingRecord.objects.create(worker=worker, level="team", date=TODAY, hours=12, topic="x")
    assert services.induction_status(worker.training.all()).missing_levels == ["team"]  # < 20 h
    TrainingRecord.objects.create(worker=worker, level="team", date=TODAY, hours=8, topic="y")
    assert services.induction_status(worker.training.all()).complete
