"""Work zones after JTG H30-2015: the list with the layout calculator, the form (the layout
is computed on save), the detail with its zones, signs and map, the layout sheet PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from zhiyang.analytics import workzone as kernel
from zhiyang.core.access import access_object
from zhiyang.core.pages import Link, ObjectDetailView, ObjectEditView, ObjectListView
from zhiyang.core.pdf import PdfFontMissing
from zhiyang.network.chainage import format_chainage
from zhiyang.safety import services
from zhiyang.safety.filters import WorkZoneFilter
from zhiyang.safety.forms import DesignForm, WorkZoneForm
from zhiyang.safety.models import WorkZone
from zhiyang.safety.reports import layout_pdf
from zhiyang.safety.tables import WorkZoneTable
from zhiyang.safety.views.base import SafetyPage


class WorkZoneList(SafetyPage, ObjectListView):
    model = WorkZone
    select_related = ("route", "district")
    table_class = WorkZoneTable
    filterset_class = WorkZoneFilter
    title = _("Work zones")
    tab = "workzones"
    template_name = "safety/workzone_list.html"
    actions = (Link.new(_("New work zone"), "safety:workzone-create", "safety.workzone"),)

    def extra_context(self) -> dict[str, Any]:
        """The layout calculator under the list (a GET form: a design is a question, not
        a change)."""
        request = self.request
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
                    parameters=services.standard_overrides(self.actor) or None,
                )
            except (kernel.WorkZoneInputError, kernel.ParameterError) as exc:
                design_form.add_error(None, str(exc))
        return {"design_form": design_form, "design": design}


class WorkZoneEdit(SafetyPage, ObjectEditView):
    model = WorkZone
    form_class = WorkZoneForm
    tab = "workzones"
    create_title = _("New work zone")
    edit_title = _("Edit work zone")
    intro = _("The zones, signs and speed steps are computed per JTG H30-2015 when you save.")
    submit_label = _("Save and compute layout")
    success_message = _("The work zone was saved and its layout computed.")
    success_url_name = "safety:workzone-detail"

    def service_create(self, *, data: dict[str, Any]) -> WorkZone:
        return services.create_work_zone(actor=self.actor, data=data)

    def service_update(self, *, obj: Any, data: dict[str, Any]) -> WorkZone:
        return services.update_work_zone(actor=self.actor, work_zone=obj, data=data)


class WorkZoneDetail(SafetyPage, ObjectDetailView):
    model = WorkZone
    select_related = ("route", "district")
    template_name = "safety/workzone_detail.html"
    tab = "workzones"
    actions = (
        Link(
            _("Layout sheet (PDF)"),
            "safety:workzone-pdf",
            "safety.workzone",
            for_object=True,
            id="layout-pdf",
        ),
        Link(_("Edit"), "safety:workzone-edit", "safety.workzone", "change", for_object=True),
    )

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        layout = obj.layout or {}
        zones = [
            {
                **z,
                "from": format_chainage(z["from_m"]),
                "to": format_chainage(z["to_m"]),
                "color": services.ZONE_COLORS.get(z["zone"], "#333"),
            }
            for z in layout.get("zones", [])
        ]
        signs = [
            {**s, "chainage": format_chainage(s["chainage_m"])} for s in layout.get("signs", [])
        ]
        steps = [
            {**s, "chainage": format_chainage(s["chainage_m"])}
            for s in layout.get("speed_steps", [])
        ]
        return {
            "work_zone": obj,
            "zones": zones,
            "signs": signs,
            "steps": steps,
            "unconfirmed": layout.get("unconfirmed", []),
            "standard": layout.get("standard", ""),
            "geojson_url": reverse("safety:workzone-geojson", args=[obj.pk]),
            "sign_color": services.SIGN_COLOR,
        }


@require_GET
def workzone_geojson(request: HttpRequest, pk: int) -> JsonResponse:
    work_zone = access_object(WorkZone.objects.select_related("route"), request.user, "view", pk=pk)
    return JsonResponse(services.work_zone_geojson(work_zone))


@require_GET
def workzone_pdf(request: HttpRequest, pk: int) -> HttpResponse:
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
