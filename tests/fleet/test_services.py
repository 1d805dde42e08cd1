"""Service due (hours and days), service records, utilisation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiyang.core.actors import SYSTEM
from zhiyang.fleet.choices import ServiceState
from zhiyang.fleet.models import Equipment, EquipmentAssignment, ServiceInterval, TelematicsSnapshot
from zhiyang.fleet.services import record_service, save_interval, service_status, utilisation

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 20)


@pytest.fixture
def machine(orgs) -> Equipment:
    return Equipment.objects.create(
        organisation=orgs["a"], code="PV-01", last_operating_hours=1000.0
    )


def interval(machine, **kw) -> ServiceInterval:
    return ServiceInterval(equipment=machine, name="oil", **kw)


@pytest.mark.parametrize(
    ("last_hours", "state", "left"),
    [
        (800.0, ServiceState.OK, 50.0),  # due at 1050
        (775.0, ServiceState.DUE, 25.0),  # within the last 10 % (25 h) of 250 h
        (749.0, ServiceState.OVERDUE, -1.0),
    ],
)
def test_hours_interval(machine, last_hours, state, left) -> None:
    row = service_status(
        interval(machine, every_hours=250, last_service_hours=last_hours), today=TODAY
    )
    assert row.state == state and row.hours_left == pytest.approx(left)
    assert row.due_at_hours == last_hours + 250


def test_hours_due_boundary_is_ten_percent(machine) -> None:
    ok = service_status(interval(machine, every_hours=250, last_service_hours=776), today=TODAY)
    due = service_status(interval(machine, every_hours=250, last_service_hours=775), today=TODAY)
    assert (ok.state, due.state) == (ServiceState.OK, ServiceState.DUE)  # 26 h vs 25 h left


@pytest.mark.parametrize(
    ("days_ago", "state"),
    [
        (80, ServiceState.OK),
        (83, ServiceState.DUE),
        (90, ServiceState.DUE),
        (91, ServiceState.OVERDUE),
    ],
)
def test_days_interval(machine, days_ago, state) -> None:
    row = service_status(
        interval(machine, every_days=90, last_service_date=TODAY - timedelta(days=days_ago)),
        today=TODAY,
    )
    assert row.state == state and row.due_on == TODAY + timedelta(days=90 - days_ago)


def test_whichever_comes_first_and_overrides(machine) -> None:
    both = interval(
        machine,
        every_hours=250,
        last_service_hours=900,
        every_days=90,
        last_service_date=TODAY - timedelta(days=95),
    )
    assert service_status(both, today=TODAY).state == ServiceState.OVERDUE  # days overdue, hours OK
    own = interval(machine, every_hours=250, last_service_hours=850, due_fraction=0.5)
    assert service_status(own, today=TODAY).state == ServiceState.DUE  # 100 h left ≤ 125
    no_reading = Equipment(code="X")
    assert (
        service_status(ServiceInterval(equipment=no_reading, every_hours=250), today=TODAY).state
        == ServiceState.UNKNOWN
    )


@settings(max_examples=60, deadline=None)
@given(
    hours=st.floats(min_value=0, max_value=20_000),
    every=st.floats(min_value=1, max_value=2_000),
    done=st.floats(min_value=0, max_value=20_000),
)
def test_state_follows_hours_left(hours, every, done) -> None:
    machine = Equipment(code="X", last_operating_hours=hours)
    row = service_status(
        ServiceInterval(equipment=machine, every_hours=every, last_service_hours=done), today=TODAY
    )
    left = done + every - hours
    expected = (
        ServiceState.OVERDUE
        if left < 0
        else ServiceState.DUE
        if left <= 0.1 * every
        else ServiceState.OK
    )
    assert row.state == expected


def test_service_record_resets_its_interval(machine) -> None:
    oil = save_interval(
        actor=SYSTEM,
        data={
            "equipment": machine,
            "name": "oil",
            "every_hours": 250,
            "last_service_hours": 700,
            "last_service_date": date(2026, 1, 1),
        },
    )
    assert service_status(oil, today=TODAY).state == ServiceState.OVERDUE
    record_service(
        actor=SYSTEM,
        data={
            "equipment": machine,
            "interval": oil,
            "description": "oil + filter",
            "hours": 1000,
            "date": TODAY,
            "cost_cny": "850.00",
        },
    )
    oil.refresh_from_db()
    assert (oil.last_service_hours, oil.last_service_date) == (1000, TODAY)
    assert service_status(oil, today=TODAY).state == ServiceState.OK


def snap(machine, day: date, operating: float, idle: float) -> TelematicsSnapshot:
    return TelematicsSnapshot.objects.create(
        equipment=machine,
        source_key="file",
        operating_hours=operating,
        idle_hours=idle,
        snapshot_at=datetime(day.year, day.month, day.day, 10, tzinfo=UTC),
    )


def test_utilisation_against_assigned_days(machine) -> None:
    EquipmentAssignment.objects.create(
        equipment=machine, start_date=date(2026, 5, 1), end_date=date(2026, 5, 10), site="G109"
    )
    EquipmentAssignment.objects.create(
        equipment=machine,
        start_date=date(2026, 5, 8),
        end_date=date(2026, 5, 12),
        site="G109 overlap",
    )
    snap(machine, date(2026, 4, 30), 1000, 100)  # before the period: the base
    snap(machine, date(2026, 5, 5), 1030, 106)
    snap(machine, date(2026, 5, 15), 1072, 112.6)
    snap(machine, date(2026, 5, 25), 1200, 130)  # after the period: ignored
    (row,) = utilisation([machine], start=date(2026, 5, 1), end=date(2026, 5, 20))
    assert row.assigned_days == 12  # 1–12 May, the overlap counted once
    assert row.operating_hours == pytest.approx(72) and row.idle_hours == pytest.approx(12.6)
    assert row.utilisation == pytest.approx(72 / (12 * 8))
    assert row.idle_ratio == pytest.approx(12.6 / 72)
    (ten,) = utilisation([machine], start=date(2026, 5, 1), end=date(2026, 5, 20), shift_hours=10)
    assert ten.utilisation == pytest.approx(72 / 120)


def test_utilisation_without_data(machine) -> None:
    (row,) = utilisation([machine], start=TODAY, end=TODAY)
    assert (row.assigned_days, row.operating_hours, row.utilisation, row.idle_ratio) == (
        0,
        None,
        None,
        None,
    )
