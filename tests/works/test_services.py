"""Works services: projects, status rules, assignments, close guards, daily reports."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from zhiyang.core.models import AuditLog
from zhiyang.works import guards, services
from zhiyang.works.models import DailyQuantity, DailyReport, Project, WorkOrder

from .conftest import report_data

pytestmark = pytest.mark.django_db


def test_create_project_defaults_and_audit(works_world):
    w = works_world
    project = w["project"]
    assert project.organisation == w["org_west"]
    assert project.code.startswith(f"GC{project.planned_start.year}-")
    assert project.status == "approved"
    assert project.approved_by == w["manager"]
    assert AuditLog.objects.filter(resource="works.project", object_id=str(project.pk)).count() >= 2


def test_project_outside_route_or_reversed_is_refused(works_world):
    w = works_world
    with pytest.raises(ValidationError) as exc:
        services.create_project(
            actor=w["engineer"],
            name="bad",
            route=w["g1"],
            start_m=9000.0,
            end_m=12000.0,
            treatment="fog_seal",
            planned_start=w["today"],
            planned_end=w["today"],
        )
    assert "start_m" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.create_project(
            actor=w["engineer"],
            name="bad",
            route=w["g1"],
            start_m=3000.0,
            end_m=2000.0,
            treatment="fog_seal",
            planned_start=w["today"],
            planned_end=w["today"] - dt.timedelta(days=1),
        )
    assert {"end_m", "planned_end"} <= set(exc.value.message_dict)


def test_project_outside_the_writers_scope_is_refused(works_world):
    w = works_world
    with pytest.raises(ValidationError):
        services.create_project(
            actor=w["outsider"],
            organisation=w["org_west"],
            name="not mine",
            route=w["g1"],
            start_m=100.0,
            end_m=200.0,
            treatment="fog_seal",
            planned_start=w["today"],
            planned_end=w["today"],
        )
    assert not Project.objects.filter(name="not mine").exists()


def test_only_supervisors_approve(works_world):
    w = works_world
    draft = services.create_project(
        actor=w["engineer"],
        name="draft",
        route=w["g1"],
        start_m=100.0,
        end_m=200.0,
        treatment="fog_seal",
        planned_start=w["today"],
        planned_end=w["today"],
    )
    with pytest.raises(PermissionDenied):
        services.set_project_status(actor=w["engineer"], project=draft, status="approved")
    with pytest.raises(PermissionDenied):
        services.set_project_status(actor=w["worker"], project=draft, status="approved")
    # A draft cannot jump to completed.
    with pytest.raises(ValidationError):
        services.set_project_status(actor=w["engineer"], project=draft, status="completed")
    # Starting needs work orders.
    approved = services.set_project_status(actor=w["manager"], project=draft, status="approved")
    with pytest.raises(ValidationError) as exc:
        services.set_project_status(actor=w["engineer"], project=approved, status="in_progress")
    assert exc.value.message_dict["status"] == ["请先添加工单再开工。"]


def test_completing_a_project_needs_completed_orders(works_world):
    w = works_world
    project = services.set_project_status(
        actor=w["engineer"], project=w["project"], status="in_progress"
    )
    with pytest.raises(ValidationError):
        services.set_project_status(actor=w["engineer"], project=project, status="completed")
    for order in (w["paving"], w["rolling"]):
        services.complete_work_order(actor=w["engineer"], work_order=order)
    project = services.set_project_status(actor=w["engineer"], project=project, status="completed")
    assert project.actual_finish == w["today"]
    with pytest.raises(ValidationError):  # work orders still not closed
        services.set_project_status(actor=w["manager"], project=project, status="closed")
    for order in (w["paving"], w["rolling"]):
        services.close_work_order(actor=w["engineer"], work_order=order)
    project = services.set_project_status(actor=w["manager"], project=project, status="closed")
    assert project.closed_at is not None
    with pytest.raises(ValidationError):
        services.update_project(actor=w["engineer"], project=project, name="renamed")


def test_assigning_a_crew_with_an_expired_certificate_is_refused(works_world):
    w = works_world
    w["cert"].valid_until = w["today"] - dt.timedelta(days=1)
    w["cert"].save()
    with pytest.raises(ValidationError) as exc:
        services.assign_work_order(
            actor=w["engineer"], work_order=w["rolling"], crew=w["crew"], equipment=[]
        )
    assert "李志强" in " ".join(exc.value.message_dict["crew"])
    assert WorkOrder.objects.get(pk=w["rolling"].pk).crew is None


def test_certificate_checked_on_the_planned_start(works_world):
    """A certificate valid today but expired by the work order's start is refused too."""
    w = works_world
    w["cert"].valid_until = w["today"] + dt.timedelta(days=3)
    w["cert"].save()
    later = services.create_work_order(
        actor=w["engineer"],
        project=w["project"],
        process="road_marking",
        planned_quantity=Decimal("3000"),
        unit="m",
        planned_start=w["today"] + dt.timedelta(days=6),
        planned_end=w["today"] + dt.timedelta(days=8),
    )
    with pytest.raises(ValidationError):
        services.assign_work_order(actor=w["engineer"], work_order=later, crew=w["crew"])


def test_assigning_another_organisations_crew_or_machine_is_refused(works_world):
    w = works_world
    with pytest.raises(ValidationError) as exc:
        services.assign_work_order(
            actor=w["engineer"],
            work_order=w["rolling"],
            crew=w["east_crew"],
            equipment=[w["east_truck"]],
        )
    assert {"crew", "equipment"} <= set(exc.value.message_dict)


def test_machine_under_repair_is_refused(works_world):
    w = works_world
    w["roller"].status = "repair"
    w["roller"].save()
    with pytest.raises(ValidationError):
        services.assign_work_order(
            actor=w["engineer"], work_order=w["rolling"], equipment=[w["roller"]]
        )


def test_close_consults_the_guards(works_world):
    w = works_world
    order = w["paving"]
    with pytest.raises(ValidationError):  # not completed yet
        services.close_work_order(actor=w["engineer"], work_order=order)

    def guard(work_order):
        return ["hold point failed"] if work_order.pk == order.pk else []

    guards.register_close_guard(guard)
    try:
        order = services.complete_work_order(actor=w["engineer"], work_order=order)
        assert services.close_blockers(order) == ["hold point failed"]
        with pytest.raises(ValidationError) as exc:
            services.close_work_order(actor=w["engineer"], work_order=order)
        assert "hold point failed" in exc.value.messages
        assert WorkOrder.objects.get(pk=order.pk).status == "completed"
    finally:
        guards.unregister_close_guard(guard)
    closed = services.close_work_order(actor=w["engineer"], work_order=order)
    assert closed.status == "closed" and closed.closed_by == w["engineer"]


def test_daily_report_is_idempotent_by_client_uuid(works_world):
    w = works_world
    key = uuid.uuid4()
    quantities = [{"work_order": w["paving"], "quantity": Decimal("120.5"), "cost_yuan": "61000"}]
    first, created = services.submit_daily_report(
        actor=w["worker"], data=report_data(w, client_uuid=key), quantities=quantities
    )
    again, created_again = services.submit_daily_report(
        actor=w["worker"], data=report_data(w, client_uuid=str(key)), quantities=quantities
    )
    assert created and not created_again
    assert first.pk == again.pk
    assert DailyReport.objects.count() == 1
    assert DailyQuantity.objects.get().quantity == Decimal("120.50")
    assert first.status == "submitted" and first.submitted_by == w["worker"]
    # The first quantity starts the work order and the project.
    assert WorkOrder.objects.get(pk=w["paving"].pk).status == "in_progress"
    assert Project.objects.get(pk=w["project"].pk).status == "in_progress"


def test_client_uuid_of_another_scope_is_refused(works_world):
    w = works_world
    key = uuid.uuid4()
    services.submit_daily_report(actor=w["worker"], data=report_data(w, client_uuid=key))
    with pytest.raises(ValidationError):
        services.submit_daily_report(actor=w["outsider"], data=report_data(w, client_uuid=key))


def test_daily_report_validation(works_world):
    w = works_world
    with pytest.raises(ValidationError):  # future date
        services.submit_daily_report(
            actor=w["worker"], data=report_data(w, date=w["today"] + dt.timedelta(days=5))
        )
    with pytest.raises(ValidationError):  # negative quantity
        services.submit_daily_report(
            actor=w["worker"],
            data=report_data(w),
            quantities=[{"work_order": w["paving"], "quantity": "-1"}],
        )
    with pytest.raises(ValidationError):  # the same work order twice
        services.submit_daily_report(
            actor=w["worker"],
            data=report_data(w),
            quantities=[
                {"work_order": w["paving"], "quantity": "1"},
                {"work_order": w["paving"], "quantity": "2"},
            ],
        )
    with pytest.raises(ValidationError):  # control characters
        services.submit_daily_report(actor=w["worker"], data=report_data(w, problems="a\x00b"))
    with pytest.raises(PermissionDenied):
        services.submit_daily_report(actor=w["viewer"], data=report_data(w))
    assert DailyReport.objects.count() == 0


def test_approve_and_reject(works_world):
    w = works_world
    report, _ = services.submit_daily_report(actor=w["worker"], data=report_data(w))
    with pytest.raises(PermissionDenied):
        services.approve_daily_report(actor=w["engineer"], report=report)
    with pytest.raises(ValidationError):
        services.reject_daily_report(actor=w["manager"], report=report, reason=" ")
    rejected = services.reject_daily_report(actor=w["manager"], report=report, reason="数量不符")
    assert rejected.status == "rejected" and rejected.rejection_reason == "数量不符"
    with pytest.raises(ValidationError):
        services.approve_daily_report(actor=w["manager"], report=rejected)
    again = services.resubmit_daily_report(
        actor=w["worker"], report=rejected, data={"problems": "已更正"}
    )
    assert again.status == "submitted" and again.rejection_reason == ""
    approved = services.approve_daily_report(actor=w["manager"], report=again)
    assert approved.status == "approved" and approved.approved_by == w["manager"]
    assert (
        AuditLog.objects.filter(resource="works.dailyreport", object_id=str(report.pk)).count() >= 4
    )


def test_pending_report_blocks_closing(works_world):
    w = works_world
    services.submit_daily_report(
        actor=w["worker"],
        data=report_data(w),
        quantities=[{"work_order": w["rolling"], "quantity": "900"}],
    )
    services.complete_work_order(actor=w["engineer"], work_order=w["rolling"])
    with translation.override("en"):
        blockers = services.close_blockers(WorkOrder.objects.get(pk=w["rolling"].pk))
    assert any("await approval" in r for r in blockers)
