"""Projects: create, edit, the status machine (draft → approved → in progress → completed →
closed) with what blocks each move, delete.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import actors, audit
from zhiyang.core import services as core_services
from zhiyang.core.actors import Actor, audit_user, is_system, organisation_of
from zhiyang.works.choices import DailyReportStatus, ProjectStatus, WorkOrderStatus
from zhiyang.works.models import Project
from zhiyang.works.services.common import APPROVAL_RESOURCE, _record_update

# Allowed project status changes (from → to).
PROJECT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ProjectStatus.DRAFT: (ProjectStatus.APPROVED,),
    ProjectStatus.APPROVED: (ProjectStatus.DRAFT, ProjectStatus.IN_PROGRESS),
    ProjectStatus.IN_PROGRESS: (ProjectStatus.COMPLETED,),
    ProjectStatus.COMPLETED: (ProjectStatus.IN_PROGRESS, ProjectStatus.CLOSED),
    ProjectStatus.CLOSED: (),
}
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


def next_project_code(year: int) -> str:
    """The next free code ``GC<year>-NNN``."""
    prefix = f"GC{year}-"
    taken = set(Project.objects.filter(code__startswith=prefix).values_list("code", flat=True))
    n = 1
    while f"{prefix}{n:03d}" in taken:
        n += 1
    return f"{prefix}{n:03d}"


def create_project(*, actor: Actor, **values: Any) -> Project:
    """Create a project (status draft unless given). The organisation defaults to the user's;
    the code to the next ``GC<year>-NNN``."""
    actors.require(actor, Project, "add", _("You may not create projects."))
    unknown = set(values) - set(PROJECT_FIELDS) - {"status", "created_by"}
    if unknown:
        raise ValidationError(
            _("Unknown project fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    data = dict(values)
    if data.get("organisation") is None:
        organisation = organisation_of(actor)
        if organisation is None:
            raise ValidationError({"organisation": _("Choose the project's organisation.")})
        data["organisation"] = organisation
    if not data.get("code"):
        start = data.get("planned_start") or timezone.localdate()
        data["code"] = next_project_code(start.year)
    data.setdefault("status", ProjectStatus.DRAFT)
    data.setdefault("created_by", audit_user(actor))
    if data["status"] not in (ProjectStatus.DRAFT, ProjectStatus.APPROVED) and not is_system(actor):
        raise ValidationError({"status": _("A new project starts as a draft.")})
    if data["status"] == ProjectStatus.APPROVED:
        if not actors.may(actor, APPROVAL_RESOURCE, "change"):
            raise PermissionDenied(_("You may not approve projects."))
        data["approved_by"] = audit_user(actor)
        data["approved_at"] = timezone.now()
    return core_services.create_object(actor=actor, model=Project, data=data)


def update_project(*, actor: Actor, project: Project, **values: Any) -> Project:
    """Edit a project's plain fields (status moves through ``set_project_status``)."""
    actors.require(actor, Project, "change", _("You may not change projects."))
    unknown = set(values) - set(PROJECT_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown project fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    project = Project.objects.get(pk=project.pk)
    if project.status == ProjectStatus.CLOSED:
        raise ValidationError(_("A closed project cannot be changed."))
    return core_services.update_object(actor=actor, obj=project, data=values)


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


def set_project_status(*, actor: Actor, project: Project, status: str) -> Project:
    """Move a project to ``status`` if the transition is allowed and nothing blocks it."""
    if status in (ProjectStatus.APPROVED, ProjectStatus.CLOSED):
        if not actors.may(actor, APPROVAL_RESOURCE, "change"):
            raise PermissionDenied(_("Only a supervisor may approve or close a project."))
    else:
        actors.require(actor, Project, "change", _("You may not change projects."))
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
            project.approved_by = audit_user(actor)
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
        _record_update(actor, project, before)
    return project


def _latest_finish(project: Project) -> dt.date | None:
    dates = [o.actual_finish for o in project.work_orders.all() if o.actual_finish]
    return max(dates) if dates else None


def delete_project(*, actor: Actor, project: Project) -> None:
    """Delete a draft project (anything later is kept for the record)."""
    actors.require(actor, Project, "delete", _("You may not delete projects."))
    if project.status != ProjectStatus.DRAFT:
        raise ValidationError(_("Only a draft project can be deleted."))
    core_services.delete_object(actor=actor, obj=project)
