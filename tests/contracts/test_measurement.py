"""The monthly measurement workflow and its certificates, against figures worked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.contracts.conftest import measure
from zhiyang.contracts import services
from zhiyang.contracts.models import MeasurementPeriod
from zhiyang.contracts.services.certificates import compute_certificate
from zhiyang.core.models import AuditLog
from zhiyang.notify.models import Event

D = Decimal
MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)


def assess_march(w: dict[str, Any]) -> Any:
    template = services.create_template(
        actor=w["owner"],
        name="日常养护月度考核",
        max_score=100,
        yuan_per_point=100,
        items=[
            {
                "code": "K1",
                "name": "坑槽",
                "rule": "per_count",
                "max_points": D("20"),
                "points_per_unit": D("2"),
                "yuan_per_unit": D("50"),
            },
            {
                "code": "K2",
                "name": "逾期",
                "rule": "per_day_late",
                "max_points": D("10"),
                "points_per_unit": D("1"),
                "yuan_per_unit": D("0"),
            },
        ],
    )
    return services.record_assessment(
        actor=w["owner"],
        contract=w["contract"],
        template=template,
        month=dt.date(2026, 3, 20),
        route=w["g1"],
        entries={"K1": {"count": 3}, "K2": {"count": 2}},
        final=True,
    )


@pytest.mark.django_db
def test_two_periods_certified_by_hand(world: dict[str, Any]) -> None:
    assessment = assess_march(world)
    # 3 potholes × 2 points + 2 days × 1 point = 8 points lost; 3 × 50 + 8 × 100 yuan.
    assert assessment.score == D("92.00")
    assert assessment.deduction_yuan == D("950.00")

    march = measure(
        world, MARCH, {"301-1": "300", "302-1": "100.4"}, adjust={"301-1": ("290", "复核面积")}
    )
    assert march.status == "certified"
    cert = march.certificate
    # 290 × 80 = 23 200.00; 100.4 × 12.50 = 1 255.00
    assert cert["work_value"] == {"previous": "0", "this": "24455.00", "cumulative": "24455.00"}
    assert cert["retention"]["this"] == "1222.75"  # 5 %
    assert cert["advance_recovery"]["this"] == "4891.00"  # 20 %
    assert cert["assessment_deduction"]["this"] == "950.00"
    assert cert["payable"]["this"] == "17391.25"

    april = measure(world, APRIL, {"301-1": "800", "101-1": "1"})
    cert = april.certificate
    # 800 × 80 + 1 × 20 000 = 84 000
    assert cert["work_value"] == {
        "previous": "24455.00",
        "this": "84000.00",
        "cumulative": "108455.00",
    }
    assert cert["retention"] == {"previous": "1222.75", "this": "4200.00", "cumulative": "5422.75"}
    assert cert["advance_recovery"]["cumulative"] == "21691.00"
    assert cert["assessment_deduction"] == {
        "previous": "950.00",
        "this": "0",
        "cumulative": "950.00",
    }
    assert cert["payable"] == {"previous": "17391.25", "this": "63000.00", "cumulative": "80391.25"}
    by_code = {i["code"]: i for i in cert["items"]}
    assert Event.objects.filter(kind="contracts.overrun").count() == 1  # raised on proposal
    assert by_code["301-1"]["cumulative_quantity"] == "1090.000"
    assert by_code["301-1"]["over_run"] is True  # 1 090 > 1 000: needs a variation
    assert by_code["302-1"]["over_run"] is False


@pytest.mark.django_db
def test_advance_recovery_stops_at_the_advance(world: dict[str, Any]) -> None:
    world["contract"].advance_yuan = D("5000.00")
    world["contract"].save()
    measure(world, MARCH, {"301-1": "300"})  # 24 000 × 20 % = 4 800
    april = measure(world, APRIL, {"301-1": "300"})  # 4 800, but only 200 left
    assert april.certificate["advance_recovery"] == {
        "previous": "4800.00",
        "this": "200.00",
        "cumulative": "5000.00",
    }


@pytest.mark.django_db
def test_retention_cap(world: dict[str, Any]) -> None:
    world["contract"].retention_cap_pct = D("2")  # 2 % of 106 250 = 2 125.00
    world["contract"].save()
    measure(world, MARCH, {"301-1": "300"})  # 1 200
    april = measure(world, APRIL, {"301-1": "300"})  # 1 200, capped at 925
    assert april.certificate["retention"]["this"] == "925.00"


@pytest.mark.django_db
def test_each_step_is_its_own_right(world: dict[str, Any]) -> None:
    period = services.open_period(actor=world["engineer"], contract=world["contract"], month=MARCH)
    with pytest.raises(PermissionDenied):
        services.propose(actor=world["supervisor"], period=period)
    services.propose(actor=world["engineer"], period=period)
    period.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.supervisor_approve(actor=world["engineer"], period=period)
    with pytest.raises(PermissionDenied):
        services.supervisor_approve(actor=world["owner"], period=period)
    line = period.lines.get(item__code="301-1")
    with pytest.raises(ValidationError):  # a changed quantity needs a reason
        services.set_line(actor=world["supervisor"], line=line, quantity="5")
    services.supervisor_approve(actor=world["supervisor"], period=period)
    period.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.certify(actor=world["supervisor"], period=period)
    with pytest.raises(PermissionDenied):  # outside the scope: not a party to the contract
        services.certify(actor=world["outsider"], period=period)
    services.certify(actor=world["owner"], period=period)
    period.refresh_from_db()
    assert period.status == "certified"
    steps = AuditLog.objects.filter(resource="contracts.measurementperiod", object_id=period.pk)
    assert steps.count() == 4  # opened, proposed, supervisor-approved, certified
    assert Event.objects.filter(kind="contracts.measurement").count() == 2
    with pytest.raises(ValidationError):
        services.set_line(actor=world["owner"], line=line, quantity="1", reason="x")


@pytest.mark.django_db
def test_returned_period_clears_adjustments(world: dict[str, Any]) -> None:
    period = services.open_period(actor=world["engineer"], contract=world["contract"], month=MARCH)
    services.propose(actor=world["engineer"], period=period)
    line = period.lines.get(item__code="301-1")
    services.set_line(actor=world["supervisor"], line=line, quantity="2", reason="少")
    services.return_period(actor=world["supervisor"], period=period, reason="补资料")
    line.refresh_from_db()
    period.refresh_from_db()
    assert period.status == "draft" and line.supervisor_quantity is None


@pytest.mark.django_db
def test_one_open_period_at_a_time(world: dict[str, Any]) -> None:
    services.open_period(actor=world["engineer"], contract=world["contract"], month=MARCH)
    with pytest.raises(ValidationError):
        services.open_period(actor=world["engineer"], contract=world["contract"], month=APRIL)
    assert MeasurementPeriod.objects.count() == 1


@pytest.mark.django_db
def test_draft_certificate_shows_what_it_would_certify(world: dict[str, Any]) -> None:
    measure(world, MARCH, {"302-1": "10"})
    april = services.open_period(actor=world["engineer"], contract=world["contract"], month=APRIL)
    line = april.lines.get(item__code="302-1")
    services.set_line(actor=world["engineer"], line=line, quantity="4")
    cert = compute_certificate(april)
    assert cert.work_value.previous == D("125.00") and cert.work_value.this == D("50.00")
