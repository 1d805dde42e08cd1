"""Hazards: the phone report (offline-capable), the list, and the closed loop on the detail
page (assign → rectify → verify/reject → close, each step a service call)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from zhiyang.core import offline
from zhiyang.core.access import access_object, require, restrict
from zhiyang.core.actors import user_of
from zhiyang.core.forms import add_service_errors
from zhiyang.core.models import User
from zhiyang.core.pages import Link, ObjectListView
from zhiyang.network.chainage import format_chainage
from zhiyang.safety import services
from zhiyang.safety.choices import HazardAction
from zhiyang.safety.filters import HazardFilter
from zhiyang.safety.forms import HazardReportForm, HazardStepForm
from zhiyang.safety.models import Hazard
from zhiyang.safety.tables import HazardTable
from zhiyang.safety.views.base import SafetyPage


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
            save=lambda form: services.report_hazard(
                actor=user_of(request), data=form.service_data()
            ),
            success=reported,
            aliases={"chainage_m": "chainage"},
        )
        if answer is not None:
            return answer
    else:
        form = HazardReportForm(
            user=request.user, initial={"client_uuid": offline.new_client_uuid()}
        )
    return render(
        request,
        "safety/hazard_report.html",
        {"form": form, "locate_url": reverse("network:locate")},
    )


class HazardList(SafetyPage, ObjectListView):
    model = Hazard
    select_related = ("route", "assignee", "reported_by")
    table_class = HazardTable
    filterset_class = HazardFilter
    title = gettext_lazy("Hazards")
    tab = "hazards"
    actions = (Link.new(gettext_lazy("Report hazard"), "safety:hazard-report", "safety.hazard"),)


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
    steps = services.allowed_steps(user_of(request), hazard)
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
                    actor=user_of(request), hazard=hazard, action=action, data=form.cleaned_data
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
