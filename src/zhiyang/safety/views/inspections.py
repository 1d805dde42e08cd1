"""Checklist inspections: the list, planning one, recording it item by item on the phone,
and raising a hazard from a failed item."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zhiyang.core import actors
from zhiyang.core.access import access_object, require
from zhiyang.core.actors import user_of
from zhiyang.core.pages import Link, ObjectEditView, ObjectListView
from zhiyang.safety import services
from zhiyang.safety.choices import ItemResult
from zhiyang.safety.filters import InspectionFilter
from zhiyang.safety.forms import InspectionPlanForm
from zhiyang.safety.models import Inspection
from zhiyang.safety.tables import InspectionTable
from zhiyang.safety.views.base import SafetyPage


class InspectionList(SafetyPage, ObjectListView):
    model = Inspection
    select_related = ("template", "route", "work_zone", "inspector")
    table_class = InspectionTable
    filterset_class = InspectionFilter
    title = gettext_lazy("Inspections")
    tab = "inspections"
    actions = (
        Link.new(gettext_lazy("Plan inspection"), "safety:inspection-create", "safety.inspection"),
    )


class InspectionPlan(SafetyPage, ObjectEditView):
    model = Inspection
    form_class = InspectionPlanForm
    tab = "inspections"
    create_title = gettext_lazy("Plan inspection")
    submit_label = gettext_lazy("Plan")
    success_message = ""
    success_url_name = "safety:inspection-detail"

    def get_initial(self) -> dict[str, Any]:
        return {"planned_date": timezone.localdate()}

    def service_create(self, *, data: dict[str, Any]) -> Inspection:
        return services.plan_inspection(actor=self.actor, data=data)


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
    can_record = actors.may(request.user, "safety.inspection", "change")
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
                actor=user_of(request),
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
            "can_raise": actors.may(request.user, "safety.hazard", "add"),
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
        hazard = services.raise_hazard_from_result(actor=user_of(request), result=result)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("safety:inspection-detail", pk=pk)
    messages.success(request, _("A hazard was raised from the failed item."))
    return redirect("safety:hazard-detail", pk=hazard.pk)
