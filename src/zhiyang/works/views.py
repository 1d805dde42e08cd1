"""Works pages: projects (list, form, detail with work orders and status buttons), work
orders (form, detail with crew/machines and the close button with its blockers), the phone
daily-report form (offline-capable), the approval list, and the daily/weekly exports.

Every row comes through ``restrict``/``access_object`` (404 outside the scope); every write
through ``works.services``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhiyang.core import actors, offline
from zhiyang.core.access import access_object, require, restrict
from zhiyang.core.actors import user_of
from zhiyang.core.forms import add_service_errors
from zhiyang.core.pagination import page_of
from zhiyang.core.pdf import PdfFontMissing
from zhiyang.works import reports, services
from zhiyang.works.choices import DailyReportStatus, ProjectStatus, WorkOrderStatus
from zhiyang.works.filters import DailyReportFilter, ProjectFilter
from zhiyang.works.forms import (
    AssignForm,
    DailyReportForm,
    ProjectForm,
    RejectForm,
    WorkOrderForm,
)
from zhiyang.works.models import DailyReport, Project, WorkOrder


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """``render`` with what the works tabs need."""
    context.setdefault("tab_can_report", actors.may(request.user, "works.dailyreport", "add"))
    context.setdefault("tab_can_approve", actors.may(request.user, "works.approval", "change"))
    return render(request, template, context)


def _projects(request: HttpRequest, action: str = "view") -> Any:
    return restrict(Project.objects.select_related("route", "organisation"), request.user, action)


# =========================================================================== projects


@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    require(request, "works.project")
    flt = ProjectFilter(request.GET or None, queryset=_projects(request))
    page = page_of(request, flt.qs.order_by("-planned_start", "code", "pk"))
    ids = [p.pk for p in page]
    counts = {
        row["project"]: row
        for row in WorkOrder.objects.filter(project_id__in=ids)
        .order_by()
        .values("project")
        .annotate(
            total=Count("pk"),
            done=Count(
                "pk", filter=Q(status__in=[WorkOrderStatus.COMPLETED, WorkOrderStatus.CLOSED])
            ),
        )
    }
    rows = [{"project": p, "orders": counts.get(p.pk)} for p in page]
    return _render(
        request,
        "works/project_list.html",
        {
            "filter": flt,
            "page_obj": page,
            "rows": rows,
            "can_add": actors.may(request.user, "works.project", "add"),
        },
    )


def _project_form(request: HttpRequest, project: Project | None) -> HttpResponse:
    if request.method == "POST":
        form = ProjectForm(request.POST, instance=project, user=request.user)
        if form.is_valid():
            try:
                if project is None:
                    saved = services.create_project(actor=user_of(request), **form.service_data())
                else:
                    saved = services.update_project(
                        actor=user_of(request), project=project, **form.service_data()
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Project saved."))
                return redirect("works:project-detail", pk=saved.pk)
    else:
        form = ProjectForm(instance=project, user=request.user)
    return _render(request, "works/project_form.html", {"form": form, "project": project})


@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    require(request, "works.project", "add")
    return _project_form(request, None)


@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_object(Project.objects.all(), request.user, "change", pk=pk)
    return _project_form(request, project)


STATUS_ACTIONS = {
    ProjectStatus.APPROVED: gettext_lazy("Approve"),
    ProjectStatus.DRAFT: gettext_lazy("Back to draft"),
    ProjectStatus.IN_PROGRESS: gettext_lazy("Start"),
    ProjectStatus.COMPLETED: gettext_lazy("Mark completed"),
    ProjectStatus.CLOSED: gettext_lazy("Close project"),
}


def _status_buttons(request: HttpRequest, project: Project) -> list[dict[str, Any]]:
    may_change = actors.may(request.user, "works.project", "change")
    may_approve = actors.may(request.user, "works.approval", "change")
    buttons = []
    for status in services.PROJECT_TRANSITIONS.get(project.status, ()):
        supervisor_step = status in (ProjectStatus.APPROVED, ProjectStatus.CLOSED)
        if not (may_approve if supervisor_step else may_change):
            continue
        buttons.append(
            {
                "status": status,
                "label": str(STATUS_ACTIONS[ProjectStatus(status)]),
                "blockers": services.project_status_blockers(project, status),
            }
        )
    return buttons


def _quantities_done(orders: Any) -> dict[int, Any]:
    return {
        row["work_order"]: row["total"]
        for row in restrict_done(orders).values("work_order").annotate(total=Sum("quantity"))
    }


def restrict_done(orders: Any) -> Any:
    from zhiyang.works.models import DailyQuantity

    return (
        DailyQuantity.objects.filter(work_order__in=orders)
        .exclude(report__status=DailyReportStatus.REJECTED)
        .order_by()
    )


@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_object(_projects(request), request.user, "view", pk=pk)
    orders = list(
        restrict(
            WorkOrder.objects.filter(project=project).select_related("crew"),
            request.user,
            "view",
        ).order_by("sequence", "planned_start", "pk")
    )
    done = _quantities_done([o.pk for o in orders])
    order_rows = []
    for o in orders:
        qty = done.get(o.pk) or 0
        pct = round(float(qty) / float(o.planned_quantity) * 100) if o.planned_quantity else None
        order_rows.append({"order": o, "done": qty, "percent": pct})
    recent = restrict(
        DailyReport.objects.filter(project=project).select_related("crew", "submitted_by"),
        request.user,
        "view",
    ).order_by("-date", "-created_at", "-pk")[:10]
    latest = project.daily_reports.order_by("-date").values_list("date", flat=True).first()
    context = {
        "project": project,
        "order_rows": order_rows,
        "recent": recent,
        "buttons": _status_buttons(request, project),
        "can_edit": actors.may(request.user, "works.project", "change")
        and project.status != ProjectStatus.CLOSED,
        "can_add_order": actors.may(request.user, "works.workorder", "add")
        and project.status not in (ProjectStatus.COMPLETED, ProjectStatus.CLOSED),
        "can_report": actors.may(request.user, "works.dailyreport", "add")
        and project.status not in (ProjectStatus.DRAFT, ProjectStatus.CLOSED),
        "week": reports.week_start(latest or timezone.localdate()),
    }
    return _render(request, "works/project_detail.html", context)


@require_POST
def project_status(request: HttpRequest, pk: int) -> HttpResponse:
    project = access_object(Project.objects.all(), request.user, "view", pk=pk)
    status = request.POST.get("status", "")
    if status not in ProjectStatus.values:
        raise PermissionDenied
    try:
        services.set_project_status(actor=user_of(request), project=project, status=status)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("Project status: %(status)s.") % {"status": ProjectStatus(status).label}
        )
    return redirect("works:project-detail", pk=pk)


# =========================================================================== work orders


def _work_order_form(
    request: HttpRequest, project: Project, work_order: WorkOrder | None
) -> HttpResponse:
    if request.method == "POST":
        form = WorkOrderForm(request.POST, instance=work_order)
        if form.is_valid():
            try:
                if work_order is None:
                    saved = services.create_work_order(
                        actor=user_of(request), project=project, **form.service_data()
                    )
                else:
                    saved = services.update_work_order(
                        actor=user_of(request), work_order=work_order, **form.service_data()
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Work order saved."))
                return redirect("works:workorder-detail", pk=saved.pk)
    else:
        initial = {}
        if work_order is None:
            initial = {
                "planned_start": project.planned_start,
                "planned_end": project.planned_end,
                "sequence": project.work_orders.count() + 1,
            }
        form = WorkOrderForm(instance=work_order, initial=initial)
    return _render(
        request,
        "works/workorder_form.html",
        {"form": form, "project": project, "work_order": work_order},
    )


@require_http_methods(["GET", "POST"])
def workorder_create(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "works.workorder", "add")
    project = access_object(Project.objects.all(), request.user, "view", pk=pk)
    return _work_order_form(request, project, None)


@require_http_methods(["GET", "POST"])
def workorder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    work_order = access_object(
        WorkOrder.objects.select_related("project"), request.user, "change", pk=pk
    )
    return _work_order_form(request, work_order.project, work_order)


@require_http_methods(["GET", "POST"])
def workorder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    work_order = access_object(
        WorkOrder.objects.select_related("project__route", "crew__leader", "closed_by"),
        request.user,
        "view",
        pk=pk,
    )
    project = work_order.project
    can_change = actors.may(request.user, "works.workorder", "change")
    assign_form = AssignForm(
        user=request.user,
        project=project,
        initial={"crew": work_order.crew, "equipment": list(work_order.equipment.all())},
    )
    if request.method == "POST":
        work_order = access_object(WorkOrder.objects.all(), request.user, "change", pk=pk)
        assign_form = AssignForm(request.POST, user=request.user, project=project)
        if assign_form.is_valid():
            try:
                services.assign_work_order(
                    actor=user_of(request),
                    work_order=work_order,
                    crew=assign_form.cleaned_data.get("crew"),
                    equipment=list(assign_form.cleaned_data.get("equipment") or []),
                )
            except ValidationError as exc:
                add_service_errors(assign_form, exc)
            else:
                messages.success(request, _("Crew and machines assigned."))
                return redirect("works:workorder-detail", pk=pk)
    quantities = (
        restrict_done([work_order.pk]).select_related("report").order_by("-report__date", "-pk")
    )
    done = sum((q.quantity for q in quantities), 0)
    percent = (
        round(float(done) / float(work_order.planned_quantity) * 100)
        if work_order.planned_quantity
        else None
    )
    members = list(work_order.crew.members.all()) if work_order.crew else []
    context = {
        "work_order": work_order,
        "project": project,
        "machines": list(work_order.equipment.all()),
        "members": members,
        "quantities": quantities[:50],
        "done": done,
        "percent": percent,
        "blockers": services.close_blockers(work_order),
        "can_change": can_change and work_order.status != WorkOrderStatus.CLOSED,
        "assign_form": assign_form,
    }
    return _render(request, "works/workorder_detail.html", context)


WORK_ORDER_STEPS = {
    "start": services.start_work_order,
    "complete": services.complete_work_order,
    "reopen": services.reopen_work_order,
    "close": services.close_work_order,
}


@require_POST
def workorder_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    work_order = access_object(WorkOrder.objects.all(), request.user, "change", pk=pk)
    func = WORK_ORDER_STEPS.get(step)
    if func is None:
        raise PermissionDenied
    try:
        func(actor=request.user, work_order=work_order)  # type: ignore[operator]
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Work order saved."))
    return redirect("works:workorder-detail", pk=pk)


# =========================================================================== daily reports


@require_GET
def daily_report_start(request: HttpRequest) -> HttpResponse:
    """Pick the project to report on (the phone's entry point)."""
    require(request, "works.dailyreport", "add")
    projects = list(
        _projects(request)
        .filter(status__in=[ProjectStatus.APPROVED, ProjectStatus.IN_PROGRESS])
        .order_by("-planned_start", "code")
    )
    if len(projects) == 1:
        return redirect("works:daily-report-form", pk=projects[0].pk)
    return _render(request, "works/daily_report_start.html", {"projects": projects})


@require_http_methods(["GET", "POST"])
def daily_report_form(request: HttpRequest, pk: int) -> HttpResponse:
    """The phone form. An offline re-post (``Accept: application/json``) gets JSON: 201 new,
    200 the first report of this ``client_uuid``, 400 with the errors."""
    require(request, "works.dailyreport", "add")
    project = access_object(_projects(request), request.user, "view", pk=pk)
    if request.method == "POST":
        form = DailyReportForm(request.POST, request.FILES, user=request.user, project=project)

        def save(form: DailyReportForm) -> tuple[DailyReport, bool]:
            return services.submit_daily_report(
                actor=user_of(request),
                data=form.service_data(),
                quantities=form.service_quantities(),
                photos=form.service_photos(),
            )

        def success(report: DailyReport, created: bool) -> HttpResponse:
            if created:
                messages.success(
                    request,
                    _("Daily report of %(date)s sent.") % {"date": f"{report.date:%Y-%m-%d}"},
                )
            else:
                messages.info(request, _("This report was already sent."))
            return redirect("works:daily-report-detail", pk=report.pk)

        answer = offline.handle_post(
            request,
            form,
            save=save,
            success=success,
            existing=lambda client_uuid: services.existing_report(user_of(request), client_uuid),
        )
        if answer is not None:
            return answer
    else:
        initial: dict[str, Any] = {"client_uuid": uuid.uuid4()}
        source = _correcting(request, project)
        if source is not None:
            initial.update(_initial_from(source))
        form = DailyReportForm(user=request.user, project=project, initial=initial)
    return _render(request, "works/daily_report_form.html", {"form": form, "project": project})


def _correcting(request: HttpRequest, project: Project) -> DailyReport | None:
    """The rejected report named by ``?from=<id>`` (a corrected copy is being written)."""
    text = request.GET.get("from", "")
    if not text.isdigit() or len(text) > 10:
        return None
    return (
        restrict(DailyReport.objects.filter(project=project), request.user, "view")
        .filter(pk=int(text), status=DailyReportStatus.REJECTED)
        .first()
    )


def _initial_from(report: DailyReport) -> dict[str, Any]:
    values: dict[str, Any] = {
        "date": report.date,
        "weather": report.weather,
        "temp_min_c": report.temp_min_c,
        "temp_max_c": report.temp_max_c,
        "crew": report.crew_id,
        "workers_count": report.workers_count,
        "machines": [m.pk for m in report.machines.all()],
        "work_done": report.work_done,
        "materials": report.materials,
        "problems": report.problems,
    }
    for q in report.quantities.all():
        values[f"qty_{q.work_order_id}"] = q.quantity
        values[f"cost_{q.work_order_id}"] = q.cost_yuan
    return values


@require_GET
def daily_report_list(request: HttpRequest) -> HttpResponse:
    require(request, "works.dailyreport")
    base = restrict(
        DailyReport.objects.select_related("project", "crew", "submitted_by"),
        request.user,
        "view",
    )
    data = request.GET.copy()
    flt = DailyReportFilter(data or None, queryset=base)
    page = page_of(request, flt.qs.order_by("-date", "-created_at", "-pk"))
    return _render(
        request,
        "works/daily_report_list.html",
        {
            "filter": flt,
            "page_obj": page,
            "rows": list(page),
            "can_approve": actors.may(request.user, "works.approval", "change"),
            "pending": base.filter(status=DailyReportStatus.SUBMITTED).count(),
        },
    )


@require_GET
def approval_list(request: HttpRequest) -> HttpResponse:
    """The supervisor's queue: submitted reports, oldest first."""
    require(request, "works.dailyreport")
    if not actors.may(request.user, "works.approval", "change"):
        raise PermissionDenied
    rows = list(
        restrict(
            DailyReport.objects.select_related("project", "crew", "submitted_by"),
            request.user,
            "view",
        )
        .filter(status=DailyReportStatus.SUBMITTED)
        .prefetch_related("quantities__work_order")
        .order_by("date", "created_at", "pk")[:200]
    )
    return _render(request, "works/approval_list.html", {"rows": rows, "form": RejectForm()})


@require_http_methods(["GET", "POST"])
def daily_report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_object(
        DailyReport.objects.select_related(
            "project__route", "crew", "submitted_by", "approved_by"
        ).prefetch_related("machines", "photos"),
        request.user,
        "view",
        pk=pk,
    )
    form = RejectForm()
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        form = RejectForm(request.POST)
        try:
            if decision == "approve":
                services.approve_daily_report(actor=user_of(request), report=report)
            elif decision == "reject":
                if not form.is_valid():
                    raise ValidationError({"reason": _("Say why the report is rejected.")})
                services.reject_daily_report(
                    actor=user_of(request), report=report, reason=form.cleaned_data["reason"]
                )
            else:
                raise PermissionDenied
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Decision saved."))
            back = request.POST.get("next", "")
            if back == "approvals":
                return redirect("works:approval-list")
            return redirect("works:daily-report-detail", pk=pk)
    context = {
        "report": report,
        "quantities": report.quantities.select_related("work_order"),
        "can_decide": actors.may(request.user, "works.approval", "change")
        and report.status == DailyReportStatus.SUBMITTED,
        "can_correct": report.status == DailyReportStatus.REJECTED
        and actors.may(request.user, "works.dailyreport", "add"),
        "form": form,
    }
    return _render(request, "works/daily_report_detail.html", context)


# =========================================================================== exports


EXPORT_FORMATS = ("pdf", "xlsx")


def _pdf_or_back(request: HttpRequest, build: Any, filename: str, back: Any) -> HttpResponse:
    try:
        content = build()
    except PdfFontMissing as exc:
        messages.error(request, str(exc))
        return back
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=reports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def daily_report_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    report = access_object(
        DailyReport.objects.select_related("project__route", "crew", "submitted_by"),
        request.user,
        "view",
        pk=pk,
    )
    name = reports.filename("daily", report.project, report.date, fmt)
    if fmt == "xlsx":
        return _xlsx(reports.daily_workbook(report), name)
    return _pdf_or_back(
        request,
        lambda: reports.daily_pdf(report),
        name,
        redirect("works:daily-report-detail", pk=pk),
    )


def _week_param(request: HttpRequest) -> dt.date:
    text = (request.GET.get("week") or "").strip()
    try:
        return dt.date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@require_GET
def weekly_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """``?week=YYYY-MM-DD`` (any day of the week; default this week)."""
    if fmt not in EXPORT_FORMATS:
        raise Http404
    project = access_object(_projects(request), request.user, "view", pk=pk)
    if not actors.may(request.user, "works.dailyreport", "view"):
        raise PermissionDenied
    week = reports.weekly_report(project, _week_param(request))
    name = reports.filename("weekly", project, week.start, fmt)
    if fmt == "xlsx":
        return _xlsx(reports.weekly_workbook(week), name)
    return _pdf_or_back(
        request,
        lambda: reports.weekly_pdf(week),
        name,
        redirect("works:project-detail", pk=pk),
    )
