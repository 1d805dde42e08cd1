"""Daily field reports: submitted from the phone (idempotent by ``client_uuid``), approved,
rejected or resubmitted by a supervisor, with their quantities and photos.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import actors, audit, offline
from zhiyang.core import services as core_services
from zhiyang.core.access import restrict
from zhiyang.core.actors import Actor, audit_user
from zhiyang.core.choices import AuditAction
from zhiyang.notify import hooks as notify_hooks
from zhiyang.works.choices import DailyReportStatus, ProjectStatus, WorkOrderStatus
from zhiyang.works.models import DailyPhoto, DailyQuantity, DailyReport, Project, WorkOrder
from zhiyang.works.services.common import APPROVAL_RESOURCE, _record_update


def _project_started(actor: Actor, project: Project, day: dt.date) -> None:
    project = Project.objects.get(pk=project.pk)
    if project.status == ProjectStatus.APPROVED:
        before = audit.snapshot(project)
        project.status = ProjectStatus.IN_PROGRESS
        project.actual_start = project.actual_start or day
        project.save()
        _record_update(actor, project, before)


REPORT_FIELDS = (
    "project",
    "date",
    "weather",
    "temp_min_c",
    "temp_max_c",
    "crew",
    "workers_count",
    "machines",
    "materials",
    "work_done",
    "problems",
)


def existing_report(actor: Actor, client_uuid: Any) -> DailyReport | None:
    return offline.previous_submission(DailyReport, actor, client_uuid)


def _decimal(value: Any, field: str, *, required: bool) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError({field: _("Give a number.")})
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Give a number.")}) from exc
    if not number.is_finite() or number < 0:
        raise ValidationError({field: _("Give a number of zero or more.")})
    return number


def _clean_quantities(
    project: Project, rows: Iterable[Mapping[str, Any]]
) -> list[tuple[WorkOrder, Decimal, Decimal | None, str]]:
    """Validate the quantity rows: work orders of this project, not closed, each once."""
    result: list[tuple[WorkOrder, Decimal, Decimal | None, str]] = []
    seen: set[int] = set()
    for row in rows:
        work_order = row.get("work_order")
        key = work_order.pk if isinstance(work_order, WorkOrder) else work_order
        try:
            # Always the stored row: the caller's copy may be stale.
            work_order = WorkOrder.objects.filter(pk=int(key)).first() if key else None
        except (TypeError, ValueError):
            work_order = None
        if work_order is None or work_order.project_id != project.pk:
            raise ValidationError({"quantities": _("A work order belongs to another project.")})
        if work_order.status == WorkOrderStatus.CLOSED:
            raise ValidationError(
                {"quantities": _("%(title)s is closed.") % {"title": work_order.title}}
            )
        if work_order.pk in seen:
            raise ValidationError(
                {"quantities": _("%(title)s is reported twice.") % {"title": work_order.title}}
            )
        seen.add(work_order.pk)
        quantity = _decimal(row.get("quantity"), "quantities", required=True)
        cost = _decimal(row.get("cost_yuan"), "quantities", required=False)
        assert quantity is not None
        result.append((work_order, quantity, cost, str(row.get("note") or "")[:300]))
    return result


def submit_daily_report(
    *,
    actor: Actor,
    data: Mapping[str, Any],
    quantities: Iterable[Mapping[str, Any]] = (),
    photos: Iterable[Any] = (),
) -> tuple[DailyReport, bool]:
    """Submit a daily report with its quantities (``[{work_order, quantity, cost_yuan}]``)
    and photos. Returns (report, created): a ``client_uuid`` seen before returns the first
    report (an offline phone retrying) if the user may see it, otherwise it is refused.

    A planned work order that gets a quantity starts (in progress from the report's date),
    and so does its approved project.
    """
    from zhiyang.works.models import DailyPhoto as Photo

    actors.require(actor, DailyReport, "add", _("You may not submit daily reports."))
    values = {k: v for k, v in dict(data).items() if k in (*REPORT_FIELDS, "client_uuid")}
    client_uuid = values.pop("client_uuid", None) or None
    if client_uuid:
        existing = offline.previous_submission(DailyReport, actor, client_uuid)
        if existing is not None:
            return existing, False
    project = values.get("project")
    if project is None:
        raise ValidationError({"project": _("Choose the project.")})
    if not restrict(Project.objects.filter(pk=project.pk), actor).exists():
        raise ValidationError({"project": _("This project is not in your scope.")})
    project = Project.objects.get(pk=project.pk)  # the caller's copy may be stale
    values["project"] = project
    if project.status in (ProjectStatus.DRAFT, ProjectStatus.CLOSED):
        raise ValidationError(
            {"project": _("Daily reports are for approved projects that are not closed.")}
        )
    day = values.get("date")
    if day is None:
        raise ValidationError({"date": _("Give the date.")})
    if day > timezone.localdate() + dt.timedelta(days=1):
        raise ValidationError({"date": _("The date is in the future.")})
    rows = _clean_quantities(project, quantities)
    values["client_uuid"] = client_uuid
    values["status"] = DailyReportStatus.SUBMITTED
    values["submitted_by"] = audit_user(actor)
    values["submitted_at"] = timezone.now()
    try:
        with transaction.atomic():
            report = core_services.create_object(actor=actor, model=DailyReport, data=values)
            for work_order, quantity, cost, note in rows:
                DailyQuantity.objects.create(
                    report=report,
                    work_order=work_order,
                    quantity=quantity,
                    cost_yuan=cost,
                    note=note,
                )
                if quantity > 0 and work_order.status == WorkOrderStatus.PLANNED:
                    before = audit.snapshot(work_order)
                    work_order.status = WorkOrderStatus.IN_PROGRESS
                    work_order.actual_start = work_order.actual_start or day
                    work_order.save()
                    _record_update(actor, work_order, before)
                    _project_started(actor, project, day)
            for upload in photos:
                photo = Photo(report=report, photo=upload)
                photo.full_clean()
                photo.save()
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=report,
                before=None,
                after={
                    **audit.snapshot(report),
                    "quantities": [
                        {"work_order": w.pk, "quantity": str(q), "cost_yuan": str(c or "")}
                        for w, q, c, _n in rows
                    ],
                    "photos": report.photos.count(),
                },
            )
    except (IntegrityError, ValidationError):
        # Two retries racing: the first one won.
        if client_uuid:
            existing = offline.previous_submission(DailyReport, actor, client_uuid)
            if existing is not None:
                return existing, False
        raise
    notify_hooks.daily_report_submitted(report, actor=actor)
    return report, True


def _decide(*, actor: Actor, report: DailyReport, status: str, reason: str = "") -> DailyReport:
    if not actors.may(actor, APPROVAL_RESOURCE, "change"):
        raise PermissionDenied(_("Only a supervisor may approve or reject daily reports."))
    with transaction.atomic():
        report = DailyReport.objects.select_for_update().get(pk=report.pk)
        if report.status != DailyReportStatus.SUBMITTED:
            raise ValidationError(
                {"status": _("Only a submitted report can be approved or rejected.")}
            )
        if report.submitted_by_id == getattr(actor, "pk", None) and not getattr(
            actor, "is_superuser", False
        ):
            raise ValidationError({"status": _("You cannot decide on your own report.")})
        before = audit.snapshot(report)
        report.status = status
        report.approved_by = audit_user(actor)
        report.approved_at = timezone.now()
        report.rejection_reason = reason
        report.save()
        _record_update(actor, report, before)
    return report


def approve_daily_report(*, actor: Actor, report: DailyReport) -> DailyReport:
    return _decide(actor=actor, report=report, status=DailyReportStatus.APPROVED)


def reject_daily_report(*, actor: Actor, report: DailyReport, reason: str) -> DailyReport:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is rejected.")})
    return _decide(actor=actor, report=report, status=DailyReportStatus.REJECTED, reason=reason)


def resubmit_daily_report(
    *,
    actor: Actor,
    report: DailyReport,
    data: Mapping[str, Any],
    quantities: Iterable[Mapping[str, Any]] | None = None,
) -> DailyReport:
    """Correct a rejected (or still submitted) report and submit it again."""
    actors.require(actor, DailyReport, "add", _("You may not submit daily reports."))
    with transaction.atomic():
        report = DailyReport.objects.select_for_update().get(pk=report.pk)
        if report.status not in (DailyReportStatus.SUBMITTED, DailyReportStatus.REJECTED):
            raise ValidationError({"status": _("An approved report cannot be changed.")})
        values = {k: v for k, v in data.items() if k in REPORT_FIELDS and k != "project"}
        values.update(
            status=DailyReportStatus.SUBMITTED,
            submitted_at=timezone.now(),
            approved_by=None,
            approved_at=None,
            rejection_reason="",
        )
        # Whoever may submit reports here may correct one (field workers have no "change").
        if not restrict(DailyReport.objects.filter(pk=report.pk), actor, "add").exists():
            raise ValidationError(_("This report is not in your scope."))
        report = core_services.update_object(
            actor=actor, obj=report, data=values, check_scope=False
        )
        if quantities is not None:
            rows = _clean_quantities(report.project, quantities)
            report.quantities.all().delete()
            for work_order, quantity, cost, note in rows:
                DailyQuantity.objects.create(
                    report=report,
                    work_order=work_order,
                    quantity=quantity,
                    cost_yuan=cost,
                    note=note,
                )
    return report


def add_daily_photo(
    *, actor: Actor, report: DailyReport, photo: Any, caption: str = ""
) -> DailyPhoto:
    """Attach a photo to a report the user may submit reports for (not a decided one)."""
    actors.require(actor, DailyReport, "add", _("You may not submit daily reports."))
    if not restrict(DailyReport.objects.filter(pk=report.pk), actor, "add").exists():
        raise ValidationError(_("This report is not in your scope."))
    if report.status == DailyReportStatus.APPROVED:
        raise ValidationError(_("An approved report cannot be changed."))
    return core_services.create_object(
        actor=actor,
        model=DailyPhoto,
        data={"report": report, "photo": photo, "caption": caption},
        check_scope=False,
    )
