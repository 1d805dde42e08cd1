"""Works services: every write of the works app, audited, in one transaction each.

Projects move draft → approved → in_progress → completed → closed (``PROJECT_TRANSITIONS``);
approving needs the ``works.approval`` grant. Work orders get a crew (people.Crew, every
member qualified on the start day) and machines (fleet.Equipment in service), start,
complete, and close once no close guard (``works.guards``) objects. Daily reports are
idempotent by ``client_uuid`` (an offline phone retrying gets the first report) and approved
or rejected by a supervisor (``works.approval``).
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

from zhiyang.core import audit, offline, roles
from zhiyang.core import services as core_services
from zhiyang.core.access import may, restrict
from zhiyang.core.choices import AuditAction
from zhiyang.notify import hooks as notify_hooks
from zhiyang.works import guards
from zhiyang.works.choices import (
    DailyReportStatus,
    ProjectStatus,
    WorkOrderStatus,
)
from zhiyang.works.models import (
    DailyPhoto,
    DailyQuantity,
    DailyReport,
    Project,
    WorkOrder,
)

APPROVAL_RESOURCE = "works.approval"

# Allowed project status changes (from → to).
PROJECT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProjectStatus.DRAFT: (ProjectStatus.APPROVED,),
    ProjectStatus.APPROVED: (ProjectStatus.DRAFT, ProjectStatus.IN_PROGRESS),
    ProjectStatus.IN_PROGRESS: (ProjectStatus.COMPLETED,),
    ProjectStatus.COMPLETED: (ProjectStatus.IN_PROGRESS, ProjectStatus.CLOSED),
    ProjectStatus.CLOSED: (),
}

# Work-order fields a plain edit may change (status moves through the step services).
WORK_ORDER_FIELDS = (
    "process",
    "title",
    "sequence",
    "start_m",
    "end_m",
    "planned_quantity",
    "unit",
    "unit_cost_yuan",
    "planned_start",
    "planned_end",
    "note",
)
PROJECT_FIELDS = (
    "organisation",
    "code",
    "name",
    "route",
    "start_m",
    "end_m",
    "treatment",
    "contract_value_yuan",
    "planned_start",
    "planned_end",
    "source",
    "contractor",
    "description",
)


def _user_or_none(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def may_approve(user: Any) -> bool:
    """True if ``user`` may approve projects and daily reports.

    ``works.approval`` is a pseudo-resource granted only by its own explicit entry in the
    permission matrix (like ``people.identity``): ``works.*`` lets engineers edit works, not
    approve their own reports.
    """
    if user is None:
        return True  # the system itself (demo, commands)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    grants = roles.matrix().get(user.role, {})
    return "change" in grants.get(APPROVAL_RESOURCE, frozenset())


def _require(user: Any, model: Any, action: str, message: str) -> None:
    if user is not None and not may(user, model, action):
        raise PermissionDenied(message)


def _record_update(user: Any, obj: Any, before: dict[str, Any]) -> None:
    after = audit.snapshot(obj)
    if after != before:
        audit.record(user=user, action=AuditAction.UPDATE, obj=obj, before=before, after=after)


# =========================================================================== projects


def next_project_code(year: int) -> str:
    """The next free code ``GC<year>-NNN``."""
    prefix = f"GC{year}-"
    taken = set(Project.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    n = 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"


def create_project(*, user: Any, **values: Any) -> Project:
    """Create a project (status draft unless given). The organisation defaults to the user's;
    the code to the next ``GC<year>-NNN``."""
    _require(user, Project, "add", _("You may not create projects."))
    unknown = set(values) - set(PROJECT_FIELDS) - {"status", "created_by"}
    if unknown:
        raise ValidationError(
            _("Unknown project fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    data = dict(values)
    if data.get("organisation") is None:
        organisation = getattr(user, "organisation", None)
        if organisation is None:
            raise ValidationError({"organisation": _("Choose the project's organisation.")})
        data["organisation"] = organisation
    if not data.get("code"):
        start = data.get("planned_start") or timezone.localdate()
        data["code"] = next_project_code(start.year)
    data.setdefault("status", ProjectStatus.DRAFT)
    data.setdefault("created_by", _user_or_none(user))
    if data["status"] not in (ProjectStatus.DRAFT, ProjectStatus.APPROVED) and user is not None:
        raise ValidationError({"status": _("A new project starts as a draft.")})
    if data["status"] == ProjectStatus.APPROVED:
        if not may_approve(user):
            raise PermissionDenied(_("You may not approve projects."))
        data["approved_by"] = _user_or_none(user)
        data["approved_at"] = timezone.now()
    return core_services.create_object(user=user, model=Project, data=data)


def update_project(*, user: Any, project: Project, **values: Any) -> Project:
    """Edit a project's plain fields (status moves through ``set_project_status``)."""
    _require(user, Project, "change", _("You may not change projects."))
    unknown = set(values) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown project fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    project = Project.objects.get(pk=project.pk)
    if project.status == ProjectStatus.CLOSED:
        raise ValidationError(_("A closed project cannot be changed."))
    return core_services.update_object(user=user, obj=project, data=values)


def project_status_blockers(project: Project, status: str) -> list[str]:
    """Why ``project`` may not move to ``status`` now (empty: it may)."""
    reasons: list[str] = []
    allowed = PROJECT_TRANSITIONS.get(project.status, ())
    if status not in allowed:
        reasons.append(
            _("A project cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": ProjectStatus(project.status).label,
                "new": ProjectStatus(status).label if status in ProjectStatus.values else status,
            }
        )
        return reasons
    orders = list(project.work_orders.all())
    if (
        status == ProjectStatus.IN_PROGRESS
        and project.status == ProjectStatus.APPROVED
        and not orders
    ):
        reasons.append(_("Add the work orders before starting the project."))
    if status == ProjectStatus.COMPLETED:
        open_orders = [
            o.title
            for o in orders
            if o.status not in (WorkOrderStatus.COMPLETED, WorkOrderStatus.CLOSED)
        ]
        if open_orders:
            reasons.append(
                _("These work orders are not completed: %(names)s")
                % {"names": "、".join(open_orders)}
            )
    if status == ProjectStatus.CLOSED:
        open_orders = [o.title for o in orders if o.status != WorkOrderStatus.CLOSED]
        if open_orders:
            reasons.append(
                _("These work orders are not closed: %(names)s") % {"names": "、".join(open_orders)}
            )
        pending = project.daily_reports.filter(status=DailyReportStatus.SUBMITTED).count()
        if pending:
            reasons.append(
                _("%(count)d daily reports are waiting for approval.") % {"count": pending}
            )
    return reasons


def set_project_status(*, user: Any, project: Project, status: str) -> Project:
    """Move a project to ``status`` if the transition is allowed and nothing blocks it."""
    if status in (ProjectStatus.APPROVED, ProjectStatus.CLOSED):
        if not may_approve(user):
            raise PermissionDenied(_("Only a supervisor may approve or close a project."))
    else:
        _require(user, Project, "change", _("You may not change projects."))
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if status not in ProjectStatus.values:
            raise ValidationError({"status": _("Unknown status.")})
        reasons = project_status_blockers(project, status)
        if reasons:
            raise ValidationError({"status": reasons})
        before = audit.snapshot(project)
        now = timezone.now()
        if status == ProjectStatus.APPROVED:
            project.approved_by = _user_or_none(user)
            project.approved_at = now
        elif status == ProjectStatus.DRAFT:
            project.approved_by = None
            project.approved_at = None
        elif status == ProjectStatus.IN_PROGRESS and project.actual_start is None:
            project.actual_start = timezone.localdate()
        elif status == ProjectStatus.COMPLETED:
            project.actual_finish = _latest_finish(project) or timezone.localdate()
        elif status == ProjectStatus.CLOSED:
            project.closed_at = now
        project.status = status
        project.full_clean()
        project.save()
        _record_update(user, project, before)
    return project


def _latest_finish(project: Project) -> dt.date | None:
    dates = [o.actual_finish for o in project.work_orders.all() if o.actual_finish]
    return max(dates) if dates else None


def delete_project(*, user: Any, project: Project) -> None:
    """Delete a draft project (anything later is kept for the record)."""
    _require(user, Project, "delete", _("You may not delete projects."))
    if project.status != ProjectStatus.DRAFT:
        raise ValidationError(_("Only a draft project can be deleted."))
    core_services.delete_object(user=user, obj=project)


# =========================================================================== work orders


def _check_assignment(
    *, user: Any, project: Project, crew: Any, equipment: Iterable[Any] | None, day: dt.date
) -> None:
    """The crew and machines must be visible to the user, in service, and the crew's members
    qualified (their trade's certificates valid) on ``day``."""
    from zhiyang.fleet.choices import EquipmentStatus
    from zhiyang.fleet.models import Equipment
    from zhiyang.people.models import Crew
    from zhiyang.people.services import ensure_qualified

    errors: dict[str, list[str]] = {}
    if crew is not None:
        if user is not None and not restrict(Crew.objects.filter(pk=crew.pk), user).exists():
            errors.setdefault("crew", []).append(_("This crew is not in your organisation."))
        else:
            members = list(crew.members.prefetch_related("certificates"))
            if crew.leader is not None and crew.leader_id not in {m.pk for m in members}:
                members.append(crew.leader)
            for member in members:
                if not member.active:
                    continue
                try:
                    ensure_qualified(member, day)
                except ValidationError as exc:
                    errors.setdefault("crew", []).extend(exc.messages)
    for machine in equipment or []:
        if (
            user is not None
            and not restrict(Equipment.objects.filter(pk=machine.pk), user).exists()
        ):
            errors.setdefault("equipment", []).append(
                _("%(machine)s is not in your organisation.") % {"machine": machine}
            )
        elif machine.status in (EquipmentStatus.RETIRED, EquipmentStatus.REPAIR):
            errors.setdefault("equipment", []).append(
                _("%(machine)s is %(status)s.")
                % {"machine": machine, "status": machine.get_status_display()}
            )
    if errors:
        raise ValidationError(errors)


def _assignment_day(values: Mapping[str, Any], work_order: WorkOrder | None = None) -> dt.date:
    start = values.get("planned_start") or (work_order.planned_start if work_order else None)
    today = timezone.localdate()
    return max(start, today) if start else today


def create_work_order(*, user: Any, project: Project, **values: Any) -> WorkOrder:
    """Add a work order to ``project``; ``crew`` and ``equipment`` are checked like an
    assignment."""
    _require(user, WorkOrder, "add", _("You may not create work orders."))
    if project.status in (ProjectStatus.COMPLETED, ProjectStatus.CLOSED):
        raise ValidationError(_("The project is completed; it takes no new work orders."))
    allowed = set(WORK_ORDER_FIELDS) | {"crew", "equipment", "status"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(
            _("Unknown work-order fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    data = dict(values)
    data["project"] = project
    data.setdefault("title", "")
    if not data["title"] and data.get("process"):
        from zhiyang.works.choices import Process

        if data["process"] in Process.values:
            data["title"] = str(Process(data["process"]).label)
    if data.get("crew") is not None or data.get("equipment"):
        _check_assignment(
            user=user,
            project=project,
            crew=data.get("crew"),
            equipment=data.get("equipment"),
            day=_assignment_day(data),
        )
    return core_services.create_object(user=user, model=WorkOrder, data=data)


def update_work_order(*, user: Any, work_order: WorkOrder, **values: Any) -> WorkOrder:
    """Edit a work order's plain fields (not a closed one)."""
    _require(user, WorkOrder, "change", _("You may not change work orders."))
    unknown = set(values) - set(WORK_ORDER_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown work-order fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    work_order = WorkOrder.objects.get(pk=work_order.pk)
    if work_order.status == WorkOrderStatus.CLOSED:
        raise ValidationError(_("A closed work order cannot be changed."))
    return core_services.update_object(user=user, obj=work_order, data=values)


def assign_work_order(
    *, user: Any, work_order: WorkOrder, crew: Any = None, equipment: Iterable[Any] | None = None
) -> WorkOrder:
    """Give the work order a crew and machines (replacing the previous ones)."""
    _require(user, WorkOrder, "change", _("You may not change work orders."))
    work_order = WorkOrder.objects.select_related("project").get(pk=work_order.pk)
    if work_order.status == WorkOrderStatus.CLOSED:
        raise ValidationError(_("A closed work order cannot be changed."))
    machines = list(equipment or [])
    _check_assignment(
        user=user,
        project=work_order.project,
        crew=crew,
        equipment=machines,
        day=_assignment_day({}, work_order),
    )
    return core_services.update_object(
        user=user, obj=work_order, data={"crew": crew, "equipment": machines}
    )


def _set_work_order_status(
    *, user: Any, work_order: WorkOrder, status: str, allowed_from: tuple[str, ...], **extra: Any
) -> WorkOrder:
    _require(user, WorkOrder, "change", _("You may not change work orders."))
    with transaction.atomic():
        work_order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
        if work_order.status not in allowed_from:
            raise ValidationError(
                {
                    "status": _("A work order cannot go from “%(old)s” to “%(new)s”.")
                    % {
                        "old": WorkOrderStatus(work_order.status).label,
                        "new": WorkOrderStatus(status).label,
                    }
                }
            )
        before = audit.snapshot(work_order)
        work_order.status = status
        for name, value in extra.items():
            setattr(work_order, name, value)
        work_order.full_clean()
        work_order.save()
        _record_update(user, work_order, before)
    return work_order


def start_work_order(*, user: Any, work_order: WorkOrder, day: dt.date | None = None) -> WorkOrder:
    day = day or timezone.localdate()
    wo = _set_work_order_status(
        user=user,
        work_order=work_order,
        status=WorkOrderStatus.IN_PROGRESS,
        allowed_from=(WorkOrderStatus.PLANNED,),
        actual_start=work_order.actual_start or day,
    )
    _project_started(user, wo.project, day)
    return wo


def complete_work_order(
    *, user: Any, work_order: WorkOrder, day: dt.date | None = None
) -> WorkOrder:
    day = day or timezone.localdate()
    return _set_work_order_status(
        user=user,
        work_order=work_order,
        status=WorkOrderStatus.COMPLETED,
        allowed_from=(WorkOrderStatus.PLANNED, WorkOrderStatus.IN_PROGRESS),
        actual_start=work_order.actual_start or day,
        actual_finish=day,
    )


def reopen_work_order(*, user: Any, work_order: WorkOrder) -> WorkOrder:
    """A completed (not closed) work order back to in progress."""
    return _set_work_order_status(
        user=user,
        work_order=work_order,
        status=WorkOrderStatus.IN_PROGRESS,
        allowed_from=(WorkOrderStatus.COMPLETED,),
        actual_finish=None,
    )


def close_blockers(work_order: WorkOrder) -> list[str]:
    """Why ``work_order`` may not be closed now: its own state, then every close guard."""
    reasons: list[str] = []
    if work_order.status == WorkOrderStatus.CLOSED:
        reasons.append(_("The work order is already closed."))
        return reasons
    if work_order.status != WorkOrderStatus.COMPLETED:
        reasons.append(_("Complete the work order before closing it."))
    pending = work_order.daily_quantities.filter(report__status=DailyReportStatus.SUBMITTED).count()
    if pending:
        reasons.append(
            _("%(count)d daily reports with quantities of this work order await approval.")
            % {"count": pending}
        )
    reasons.extend(guards.close_blockers(work_order))
    return reasons


def close_work_order(*, user: Any, work_order: WorkOrder) -> WorkOrder:
    """Close a completed work order unless something blocks it (``close_blockers``)."""
    _require(user, WorkOrder, "change", _("You may not change work orders."))
    with transaction.atomic():
        work_order = WorkOrder.objects.select_for_update().get(pk=work_order.pk)
        reasons = close_blockers(work_order)
        if reasons:
            raise ValidationError({"status": reasons}, code="close_blocked")
        before = audit.snapshot(work_order)
        work_order.status = WorkOrderStatus.CLOSED
        work_order.closed_by = _user_or_none(user)
        work_order.closed_at = timezone.now()
        work_order.save()
        _record_update(user, work_order, before)
    return work_order


def delete_work_order(*, user: Any, work_order: WorkOrder) -> None:
    _require(user, WorkOrder, "delete", _("You may not delete work orders."))
    if work_order.status != WorkOrderStatus.PLANNED or work_order.daily_quantities.exists():
        raise ValidationError(_("Only a planned work order without reported quantities can go."))
    core_services.delete_object(user=user, obj=work_order)


def _project_started(user: Any, project: Project, day: dt.date) -> None:
    project = Project.objects.get(pk=project.pk)
    if project.status == ProjectStatus.APPROVED:
        before = audit.snapshot(project)
        project.status = ProjectStatus.IN_PROGRESS
        project.actual_start = project.actual_start or day
        project.save()
        _record_update(user, project, before)


# =========================================================================== daily reports

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


def existing_report(user: Any, client_uuid: Any) -> DailyReport | None:
    return offline.previous_submission(DailyReport, user, client_uuid)


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
    user: Any,
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

    _require(user, DailyReport, "add", _("You may not submit daily reports."))
    values = {k: v for k, v in dict(data).items() if k in (*REPORT_FIELDS, "client_uuid")}
    client_uuid = values.pop("client_uuid", None) or None
    if client_uuid:
        existing = offline.previous_submission(DailyReport, user, client_uuid)
        if existing is not None:
            return existing, False
    project = values.get("project")
    if project is None:
        raise ValidationError({"project": _("Choose the project.")})
    if user is not None and not restrict(Project.objects.filter(pk=project.pk), user).exists():
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
    values["submitted_by"] = _user_or_none(user)
    values["submitted_at"] = timezone.now()
    try:
        with transaction.atomic():
            report = core_services.create_object(user=user, model=DailyReport, data=values)
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
                    _record_update(user, work_order, before)
                    _project_started(user, project, day)
            for upload in photos:
                photo = Photo(report=report, photo=upload)
                photo.full_clean()
                photo.save()
            audit.record(
                user=user,
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
            existing = offline.previous_submission(DailyReport, user, client_uuid)
            if existing is not None:
                return existing, False
        raise
    notify_hooks.daily_report_submitted(report, actor=user)
    return report, True


def _decide(*, user: Any, report: DailyReport, status: str, reason: str = "") -> DailyReport:
    if not may_approve(user):
        raise PermissionDenied(_("Only a supervisor may approve or reject daily reports."))
    with transaction.atomic():
        report = DailyReport.objects.select_for_update().get(pk=report.pk)
        if report.status != DailyReportStatus.SUBMITTED:
            raise ValidationError(
                {"status": _("Only a submitted report can be approved or rejected.")}
            )
        if (
            user is not None
            and report.submitted_by_id == getattr(user, "pk", None)
            and not getattr(user, "is_superuser", False)
        ):
            raise ValidationError({"status": _("You cannot decide on your own report.")})
        before = audit.snapshot(report)
        report.status = status
        report.approved_by = _user_or_none(user)
        report.approved_at = timezone.now()
        report.rejection_reason = reason
        report.save()
        _record_update(user, report, before)
    return report


def approve_daily_report(*, user: Any, report: DailyReport) -> DailyReport:
    return _decide(user=user, report=report, status=DailyReportStatus.APPROVED)


def reject_daily_report(*, user: Any, report: DailyReport, reason: str) -> DailyReport:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is rejected.")})
    return _decide(user=user, report=report, status=DailyReportStatus.REJECTED, reason=reason)


def resubmit_daily_report(
    *,
    user: Any,
    report: DailyReport,
    data: Mapping[str, Any],
    quantities: Iterable[Mapping[str, Any]] | None = None,
) -> DailyReport:
    """Correct a rejected (or still submitted) report and submit it again."""
    _require(user, DailyReport, "add", _("You may not submit daily reports."))
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
        if (
            user is not None
            and not restrict(DailyReport.objects.filter(pk=report.pk), user, "add").exists()
        ):
            raise ValidationError(_("This report is not in your scope."))
        report = core_services.update_object(user=user, obj=report, data=values, check_scope=False)
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


def add_daily_photo(*, user: Any, report: DailyReport, photo: Any, caption: str = "") -> DailyPhoto:
    """Attach a photo to a report the user may submit reports for (not a decided one)."""
    _require(user, DailyReport, "add", _("You may not submit daily reports."))
    if (
        user is not None
        and not restrict(DailyReport.objects.filter(pk=report.pk), user, "add").exists()
    ):
        raise ValidationError(_("This report is not in your scope."))
    if report.status == DailyReportStatus.APPROVED:
        raise ValidationError(_("An approved report cannot be changed."))
    return core_services.create_object(
        user=user,
        model=DailyPhoto,
        data={"report": report, "photo": photo, "caption": caption},
        check_scope=False,
    )
