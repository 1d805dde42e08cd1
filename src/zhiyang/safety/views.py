"""Safety pages: dashboard, hazards (phone report + closed loop), work zones (map, PDF),
inspections from checklists, incidents.

Every row comes through ``restrict``/``access_object`` (404 outside the scope); every write
through ``safety.services``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhiyang.analytics import workzone as kernel
from zhiyang.core import offline
from zhiyang.core.access import access_object, require, restrict
from zhiyang.core.forms import add_service_errors
from zhiyang.core.models import User
from zhiyang.core.pagination import page_of
from zhiyang.core.pdf import PdfFontMissing
from zhiyang.network.chainage import format_chainage
from zhiyang.safety import services
from zhiyang.safety.choices import (
    HazardAction,
    HazardLevel,
    HazardStatus,
    InspectionStatus,
    ItemResult,
    WorkZoneStatus,
)
from zhiyang.safety.filters import HazardFilter, IncidentFilter, InspectionFilter, WorkZoneFilter
from zhiyang.safety.forms import (
    DesignForm,
    HazardReportForm,
    HazardStepForm,
    IncidentForm,
    InspectionPlanForm,
    WorkZoneForm,
)
from zhiyang.safety.models import Hazard, Incident, Inspection, WorkZone

# Age buckets of open hazards on the dashboard (days since the report).
AGE_BUCKETS = ((0, 7), (8, 30), (31, None))


def _may(request: HttpRequest, resource: str, action: str) -> bool:
    return bool(request.user.may(resource, action))  # type: ignore[union-attr]


# =========================================================================== dashboard


def certificate_panel(user: Any) -> dict[str, Any] | None:
    """SLOT for the people app: expired and soon-expiring certificates on the dashboard.

    Shown only when the people app is installed, offers ``services.certificate_alerts``
    (rows with ``certificate``, ``level``, ``days_left``, ``label``) and the user may view
    certificates. People models are imported here, never at module level: people depends on
    safety, not the other way round.
    """
    if not apps.is_installed("zhiyang.people"):
        return None
    try:
        from zhiyang.people import services as people_services
        from zhiyang.people.models import Certificate
    except ImportError:
        return None
    provider = getattr(people_services, "certificate_alerts", None)
    if provider is None or not user.may("people.certificate", "view"):
        return None
    try:
        alerts = provider(restrict(Certificate.objects.all(), user, "view"))[:10]
        rows = [
            {
                "worker": str(getattr(a.certificate, "worker", "")),
                "kind": a.certificate.get_cert_type_display(),
                "valid_until": a.certificate.valid_until,
                "label": a.label,
                "expired": a.days_left < 0,
            }
            for a in alerts
        ]
    except Exception:
        return None
    return {"rows": rows}


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request, "safety.hazard")
    today = timezone.localdate()
    hazards = restrict(Hazard.objects.all(), request.user, "view")
    open_hazards = hazards.exclude(status=HazardStatus.CLOSED)
    now = timezone.now()
    buckets = []
    for low, high in AGE_BUCKETS:
        q = Q(reported_at__lte=now - dt.timedelta(days=low))
        if high is not None:
            q &= Q(reported_at__gt=now - dt.timedelta(days=high + 1))
        counts = dict(
            open_hazards.filter(q)
            .order_by()  # default ordering would split the GROUP BY
            .values_list("level")
            .annotate(n=Count("pk", distinct=True))
        )
        label = (
            _("%(low)d–%(high)d days") % {"low": low, "high": high}
            if high is not None
            else _("over %(low)d days") % {"low": low - 1}
        )
        buckets.append(
            {
                "label": label,
                "counts": [counts.get(level, 0) for level in HazardLevel.values],
                "total": sum(counts.values()),
            }
        )
    month_start = today.replace(day=1)
    inspections = restrict(
        Inspection.objects.filter(planned_date__gte=month_start, planned_date__lte=today),
        request.user,
        "view",
    )
    planned = inspections.count()
    done = inspections.filter(status=InspectionStatus.DONE).count()
    context = {
        "levels": HazardLevel.choices,
        "buckets": buckets,
        "open_count": open_hazards.count(),
        "overdue": list(
            services.overdue_hazards(today)
            .filter(pk__in=hazards.values("pk"))
            .select_related("route", "assignee")
            .order_by("deadline")[:20]
        ),
        "inspections_planned": planned,
        "inspections_done": done,
        "inspections_pct": round(100 * done / planned) if planned else None,
        "active_zones": list(
            restrict(WorkZone.objects.select_related("route"), request.user, "view").filter(
                status=WorkZoneStatus.ACTIVE
            )
        ),
        "certificates": certificate_panel(request.user),
        "can_report": _may(request, "safety.hazard", "add"),
    }
    return render(request, "safety/dashboard.html", context)


# =========================================================================== hazards


@require_http_methods(["GET", "POST"])
def hazard_report(request: HttpRequest) -> HttpResponse:
    """The phone form; an offline retry with the same client id does not duplicate."""
    require(request, "safety.hazard", "add")
    if request.method == "POST":
        form = HazardReportForm(request.POST, request.FILES, user=request.user)

        def reported(hazard: Hazard, _created: bool) -> HttpResponse:
            messages.success(
                request,
                _("Hazard reported on %(route)s at %(chainage)s.")
                % {"route": hazard.route.code, "chainage": format_chainage(hazard.chainage_m)},
            )
            return redirect("safety:hazard-detail", pk=hazard.pk)

        # A phone re-posting from its offline outbox gets JSON (core.offline).
        answer = offline.handle_post(
            request,
            form,
            save=lambda form: services.report_hazard(user=request.user, data=form.service_data()),
            success=reported,
            aliases={"chainage_m": "chainage"},
        )
        if answer is not None:
            return answer
    else:
        form = HazardReportForm(user=request.user, initial={"client_uuid": uuid.uuid4()})
    return render(
        request,
        "safety/hazard_report.html",
        {"form": form, "locate_url": reverse("network:locate")},
    )


@require_GET
def hazard_list(request: HttpRequest) -> HttpResponse:
    require(request, "safety.hazard")
    base = restrict(
        Hazard.objects.select_related("route", "assignee", "reported_by"), request.user, "view"
    )
    flt = HazardFilter(request.GET or None, queryset=base, request=request)
    page = page_of(request, flt.qs.order_by("-reported_at", "-id"))
    today = timezone.localdate()
    rows = [
        {"hazard": h, "chainage": format_chainage(h.chainage_m), "overdue": h.is_overdue(today)}
        for h in page.object_list
    ]
    return render(
        request,
        "safety/hazard_list.html",
        {
            "filter": flt,
            "page_obj": page,
            "rows": rows,
            "can_report": _may(request, "safety.hazard", "add"),
        },
    )


# What the step buttons say (the HazardAction labels are past tense, for the history).
STEP_LABELS: dict[str, Any] = {
    HazardAction.ASSIGN: gettext_lazy("Assign for rectification"),
    HazardAction.RECTIFY: gettext_lazy("Report as rectified"),
    HazardAction.VERIFY: gettext_lazy("Accept the rectification"),
    HazardAction.REJECT: gettext_lazy("Reject the rectification"),
    HazardAction.CLOSE: gettext_lazy("Close the hazard"),
}

STEP_FIELDS: dict[str, tuple[str, ...]] = {
    HazardAction.ASSIGN: ("assignee", "deadline", "note"),
    HazardAction.RECTIFY: ("note", "photo"),
    HazardAction.VERIFY: ("note",),
    HazardAction.REJECT: ("note",),
    HazardAction.CLOSE: ("note",),
}


def _assignee_candidates(hazard: Hazard) -> Any:
    """Active users who may change hazards at the hazard's place (small lists in practice)."""
    users = User.objects.filter(is_active=True).select_related("organisation").order_by("username")
    return User.objects.filter(
        pk__in=[
            u.pk
            for u in users
            if restrict(Hazard.objects.filter(pk=hazard.pk), u, "change").exists()
        ]
    ).order_by("username")


@require_http_methods(["GET", "POST"])
def hazard_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One hazard, its timeline and the step forms the user may use."""
    hazard = access_object(
        Hazard.objects.select_related("route", "district", "assignee", "reported_by"),
        request.user,
        "view",
        pk=pk,
    )
    steps = services.allowed_steps(request.user, hazard)
    candidates = _assignee_candidates(hazard) if HazardAction.ASSIGN in steps else None
    form = HazardStepForm(candidates=candidates)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in HazardAction.values or action not in services.HAZARD_STEPS:
            raise PermissionDenied
        hazard = access_object(Hazard.objects.all(), request.user, "change", pk=pk)
        form = HazardStepForm(request.POST, request.FILES, candidates=candidates)
        if form.is_valid():
            try:
                services.take_step(
                    user=request.user, hazard=hazard, action=action, data=form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request, _("Saved: %(step)s.") % {"step": HazardAction(action).label}
                )
                return redirect("safety:hazard-detail", pk=pk)
    step_forms = [
        {"action": a, "label": STEP_LABELS[a], "fields": [form[f] for f in STEP_FIELDS[a]]}
        for a in steps
    ]
    context = {
        "hazard": hazard,
        "chainage": format_chainage(hazard.chainage_m),
        "overdue": hazard.is_overdue(),
        "events": hazard.events.select_related("user"),
        "step_forms": step_forms,
        "form": form,
    }
    return render(request, "safety/hazard_detail.html", context)


# =========================================================================== work zones


@require_GET
def workzone_list(request: HttpRequest) -> HttpResponse:
    require(request, "safety.workzone")
    base = restrict(WorkZone.objects.select_related("route", "district"), request.user, "view")
    flt = WorkZoneFilter(request.GET or None, queryset=base)
    page = page_of(request, flt.qs.order_by("-planned_start", "-id"))
    design_form = DesignForm(request.GET if "speed_limit_kmh" in request.GET else None)
    design = None
    if design_form.is_bound and design_form.is_valid():
        d = design_form.cleaned_data
        try:
            design = kernel.design_work_zone(
                speed_limit_kmh=d["speed_limit_kmh"],
                downgrade_pct=d["downgrade_pct"] or 0.0,
                work_length_m=d["work_length_m"],
                design_speed_kmh=d.get("normal_speed_kmh"),
                parameters=services.standard_overrides(request.user) or None,
            )
        except (kernel.WorkZoneInputError, kernel.ParameterError) as exc:
            design_form.add_error(None, str(exc))
    return render(
        request,
        "safety/workzone_list.html",
        {
            "filter": flt,
            "page_obj": page,
            "zones": list(page.object_list),
            "design_form": design_form,
            "design": design,
            "can_add": _may(request, "safety.workzone", "add"),
        },
    )


def _workzone_form(request: HttpRequest, work_zone: WorkZone | None) -> HttpResponse:
    if request.method == "POST":
        form = WorkZoneForm(request.POST, instance=work_zone, user=request.user)
        if form.is_valid():
            try:
                if work_zone is None:
                    work_zone = services.create_work_zone(
                        user=request.user, data=form.service_data()
                    )
                else:
                    work_zone = services.update_work_zone(
                        user=request.user, work_zone=work_zone, data=form.service_data()
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The work zone was saved and its layout computed."))
                return redirect("safety:workzone-detail", pk=work_zone.pk)
    else:
        form = WorkZoneForm(instance=work_zone, user=request.user)
    return render(request, "safety/workzone_form.html", {"form": form, "work_zone": work_zone})


@require_http_methods(["GET", "POST"])
def workzone_create(request: HttpRequest) -> HttpResponse:
    require(request, "safety.workzone", "add")
    return _workzone_form(request, None)


@require_http_methods(["GET", "POST"])
def workzone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    work_zone = access_object(WorkZone.objects.all(), request.user, "change", pk=pk)
    return _workzone_form(request, work_zone)


@require_GET
def workzone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    work_zone = access_object(
        WorkZone.objects.select_related("route", "district"), request.user, "view", pk=pk
    )
    layout = work_zone.layout or {}
    zones = [
        {
            **z,
            "from": format_chainage(z["from_m"]),
            "to": format_chainage(z["to_m"]),
            "color": services.ZONE_COLORS.get(z["zone"], "#333"),
        }
        for z in layout.get("zones", [])
    ]
    signs = [{**s, "chainage": format_chainage(s["chainage_m"])} for s in layout.get("signs", [])]
    steps = [
        {**s, "chainage": format_chainage(s["chainage_m"])} for s in layout.get("speed_steps", [])
    ]
    context = {
        "work_zone": work_zone,
        "zones": zones,
        "signs": signs,
        "steps": steps,
        "unconfirmed": layout.get("unconfirmed", []),
        "standard": layout.get("standard", ""),
        "can_edit": _may(request, "safety.workzone", "change"),
        "geojson_url": reverse("safety:workzone-geojson", args=[work_zone.pk]),
        "sign_color": services.SIGN_COLOR,
    }
    return render(request, "safety/workzone_detail.html", context)


@require_GET
def workzone_geojson(request: HttpRequest, pk: int) -> JsonResponse:
    work_zone = access_object(WorkZone.objects.select_related("route"), request.user, "view", pk=pk)
    return JsonResponse(services.work_zone_geojson(work_zone))


@require_GET
def workzone_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from zhiyang.safety.reports import layout_pdf

    work_zone = access_object(
        WorkZone.objects.select_related("route", "district"), request.user, "view", pk=pk
    )
    try:
        content = layout_pdf(work_zone)
    except PdfFontMissing as exc:
        messages.error(request, str(exc))
        return redirect("safety:workzone-detail", pk=pk)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="workzone-{work_zone.pk}.pdf"'
    return response


# =========================================================================== inspections


@require_GET
def inspection_list(request: HttpRequest) -> HttpResponse:
    require(request, "safety.inspection")
    base = restrict(
        Inspection.objects.select_related("template", "route", "work_zone", "inspector"),
        request.user,
        "view",
    )
    flt = InspectionFilter(request.GET or None, queryset=base)
    page = page_of(request, flt.qs.order_by("-planned_date", "-id"))
    return render(
        request,
        "safety/inspection_list.html",
        {
            "filter": flt,
            "page_obj": page,
            "inspections": list(page.object_list),
            "today": timezone.localdate(),
            "can_add": _may(request, "safety.inspection", "add"),
        },
    )


@require_http_methods(["GET", "POST"])
def inspection_create(request: HttpRequest) -> HttpResponse:
    require(request, "safety.inspection", "add")
    if request.method == "POST":
        form = InspectionPlanForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                inspection = services.plan_inspection(user=request.user, data=form.service_data())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("safety:inspection-detail", pk=inspection.pk)
    else:
        form = InspectionPlanForm(user=request.user, initial={"planned_date": timezone.localdate()})
    return render(request, "safety/inspection_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The checklist: record pass/fail/na + note + photo per item; failed items raise a
    hazard in one click once recorded."""
    inspection = access_object(
        Inspection.objects.select_related("template", "route", "work_zone", "inspector"),
        request.user,
        "view",
        pk=pk,
    )
    results = list(inspection.results.select_related("item").prefetch_related("hazards"))
    errors: dict[str, Any] = {}
    can_record = _may(request, "safety.inspection", "change")
    if request.method == "POST":
        inspection = access_object(Inspection.objects.all(), request.user, "change", pk=pk)
        entries = {
            r.item_id: services.ItemEntry(
                request.POST.get(f"result_{r.item_id}", ""),
                request.POST.get(f"note_{r.item_id}", ""),
                request.FILES.get(f"photo_{r.item_id}"),
            )
            for r in results
        }
        try:
            services.record_inspection(
                user=request.user,
                inspection=inspection,
                entries=entries,
                note=request.POST.get("note", ""),
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            messages.error(request, _("Some items need attention."))
        else:
            messages.success(request, _("The inspection was recorded."))
            return redirect("safety:inspection-detail", pk=pk)
    rows = [
        {
            "result": r,
            "hazard": next(iter(r.hazards.all()), None),
            "error": " ".join(errors.get(f"item_{r.item_id}", [])),
            "posted": request.POST.get(f"result_{r.item_id}", r.result),
            "posted_note": request.POST.get(f"note_{r.item_id}", r.note),
        }
        for r in results
    ]
    return render(
        request,
        "safety/inspection_detail.html",
        {
            "inspection": inspection,
            "rows": rows,
            "choices": ItemResult.choices,
            "can_record": can_record,
            "can_raise": _may(request, "safety.hazard", "add"),
        },
    )


@require_POST
def inspection_raise(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    inspection = access_object(Inspection.objects.all(), request.user, "view", pk=pk)
    require(request, "safety.hazard", "add")
    result = inspection.results.filter(item_id=item).first()
    if result is None:
        raise PermissionDenied
    try:
        hazard = services.raise_hazard_from_result(user=request.user, result=result)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("safety:inspection-detail", pk=pk)
    messages.success(request, _("A hazard was raised from the failed item."))
    return redirect("safety:hazard-detail", pk=hazard.pk)


# =========================================================================== incidents


@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    require(request, "safety.incident")
    base = restrict(Incident.objects.select_related("route"), request.user, "view")
    flt = IncidentFilter(request.GET or None, queryset=base)
    page = page_of(request, flt.qs.order_by("-occurred_at", "-id"))
    return render(
        request,
        "safety/incident_list.html",
        {
            "filter": flt,
            "page_obj": page,
            "incidents": list(page.object_list),
            "can_add": _may(request, "safety.incident", "add"),
        },
    )


def _incident_form(request: HttpRequest, incident: Incident | None) -> HttpResponse:
    if request.method == "POST":
        form = IncidentForm(request.POST, instance=incident, user=request.user)
        if form.is_valid():
            try:
                if incident is None:
                    incident = services.create_incident(user=request.user, data=form.service_data())
                else:
                    incident = services.update_incident(
                        user=request.user, incident=incident, data=form.service_data()
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The incident was saved."))
                return redirect("safety:incident-detail", pk=incident.pk)
    else:
        form = IncidentForm(instance=incident, user=request.user)
    return render(request, "safety/incident_form.html", {"form": form, "incident": incident})


@require_http_methods(["GET", "POST"])
def incident_create(request: HttpRequest) -> HttpResponse:
    require(request, "safety.incident", "add")
    return _incident_form(request, None)


@require_http_methods(["GET", "POST"])
def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access_object(Incident.objects.all(), request.user, "change", pk=pk)
    return _incident_form(request, incident)


@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access_object(
        Incident.objects.select_related("route", "district", "work_zone", "reported_by"),
        request.user,
        "view",
        pk=pk,
    )
    from zhiyang.safety.choices import CauseCategory

    labels = dict(CauseCategory.choices)
    return render(
        request,
        "safety/incident_detail.html",
        {
            "incident": incident,
            "chainage": format_chainage(incident.chainage_m)
            if incident.chainage_m is not None
            else "",
            "categories": [labels.get(c, c) for c in incident.cause_categories or []],
            "can_edit": _may(request, "safety.incident", "change"),
        },
    )
