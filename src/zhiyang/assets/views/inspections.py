"""Inspections: list, detail, and the phone capture (offline-capable)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.assets import catalogue, services
from zhiyang.assets.filters import InspectionFilter
from zhiyang.assets.forms import CaptureForm
from zhiyang.assets.models import Inspection
from zhiyang.assets.tables import InspectionTable
from zhiyang.assets.views.base import AssetsPage
from zhiyang.core.pages import Link, ObjectDetailView, ObjectEditView, ObjectListView


class InspectionList(AssetsPage, ObjectListView):
    model = Inspection
    select_related = ("route", "asset")
    prefetch_related = ("damages",)
    table_class = InspectionTable
    filterset_class = InspectionFilter
    title = _("Asset inspections")
    tab = "inspections"
    actions = (Link.new(_("Capture inspection"), "assets:capture", "assets.inspection"),)


class InspectionCapture(AssetsPage, ObjectEditView):
    """One inspection on the phone: asset or route + chainage, a damage and its quantity,
    or a structure's class. Works offline (the outbox sends it later, once)."""

    model = Inspection
    form_class = CaptureForm
    offline = True
    tab = "inspections"
    create_title = _("Capture inspection")
    intro = _("Choose the asset (or the route and chainage), then what you found.")
    submit_label = _("Save inspection")
    success_message = _("The inspection was saved.")
    success_url_name = "assets:inspection-detail"
    body_class = "page-assets page-capture"

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {"inspected_on": timezone.localdate()}
        if self.request.GET.get("asset", "").isdigit():
            initial["asset"] = int(self.request.GET["asset"])
        return initial

    def service_create(self, *, data: dict[str, Any]) -> Any:
        return services.record_inspection(
            actor=self.actor, data=data["data"], damages=data["damages"]
        )


class InspectionDetail(AssetsPage, ObjectDetailView):
    model = Inspection
    select_related = ("route", "district", "asset", "asset__asset_type", "inspector")
    template_name = "assets/inspection_detail.html"
    tab = "inspections"

    def get_title(self, obj: Any = None) -> Any:
        return _("Inspection of %(day)s") % {"day": obj.inspected_on.isoformat()} if obj else ""

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        from zhiyang.network.chainage import format_chainage

        items = catalogue.damage_items()
        damages = []
        for d in obj.damages.all():
            item = items.get((d.index, d.item))
            damages.append(
                {
                    "damage": d,
                    "name": (item.name_zh if item else d.item),
                    "name_en": (item.name_en if item else ""),
                    "unit": item.unit if item else "",
                    "deduction": item.deduction * d.quantity if item else None,
                    "place": format_chainage(d.chainage_m),
                }
            )
        return {
            "inspection": obj,
            "place": format_chainage(obj.chainage_m),
            "damages": damages,
        }
