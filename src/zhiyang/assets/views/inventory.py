"""The inventory: list, create/edit, detail (with its inspections), delete; the map."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhiyang.assets import services
from zhiyang.assets.filters import AssetFilter
from zhiyang.assets.forms import AssetForm
from zhiyang.assets.models import Asset
from zhiyang.assets.tables import AssetTable
from zhiyang.assets.views.base import AssetsPage
from zhiyang.core.pages import (
    Link,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PageView,
)
from zhiyang.network.chainage import format_chainage


class AssetList(AssetsPage, ObjectListView):
    model = Asset
    select_related = ("asset_type", "route")
    table_class = AssetTable
    filterset_class = AssetFilter
    title = _("Road assets")
    intro = _("Signs, guardrails, markings, drainage, slopes, bridges, tunnels… on the network.")
    tab = "assets"
    actions = (
        Link.new(_("Add asset"), "assets:asset-create", "assets.asset"),
        Link(_("Capture inspection"), "assets:capture", "assets.inspection", "add"),
    )


class AssetEdit(AssetsPage, ObjectEditView):
    model = Asset
    form_class = AssetForm
    tab = "assets"
    create_title = _("Add asset")
    edit_title = _("Edit asset")
    success_message = _("The asset was saved.")
    success_url_name = "assets:asset-detail"
    error_aliases = {"district": "start_m"}

    def service_create(self, *, data: dict[str, Any]) -> Asset:
        return services.create_asset(actor=self.actor, data=data)

    def service_update(self, *, obj: Any, data: dict[str, Any]) -> Asset:
        return services.update_asset(actor=self.actor, asset=obj, data=data)


class AssetDetail(AssetsPage, ObjectDetailView):
    model = Asset
    select_related = ("asset_type", "route", "district")
    template_name = "assets/asset_detail.html"
    tab = "assets"
    actions = (
        Link(_("Edit"), "assets:asset-edit", "assets.asset", "change", for_object=True),
        Link(_("Delete"), "assets:asset-delete", "assets.asset", "delete", for_object=True),
    )

    def get_title(self, obj: Any = None) -> Any:
        return f"{obj.asset_type.display_name} {obj.code}" if obj is not None else self.title

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        place = format_chainage(obj.start_m)
        if obj.end_m is not None:
            place += f"–{format_chainage(obj.end_m)}"
        due = []
        if obj.asset_type.structure:
            annotated = services.structures(Asset.objects.filter(pk=obj.pk)).first()
            due = services.due_dates(annotated) if annotated is not None else []
        return {
            "asset": obj,
            "place": place,
            "inspections": obj.inspections.prefetch_related("damages").order_by(
                "-inspected_on", "-id"
            )[:20],
            "due": due,
            "capture_url": reverse("assets:capture") + f"?asset={obj.pk}",
            "may_capture": self.may("add", "assets.inspection"),
        }


class AssetDelete(AssetsPage, ObjectDeleteView):
    model = Asset
    success_url_name = "assets:asset-list"

    def service_delete(self, *, obj: Any) -> None:
        services.delete_asset(actor=self.actor, asset=obj)


class AssetMap(AssetsPage, PageView):
    """The map layer of the inventory (the API's GeoJSON of the filtered assets)."""

    model = Asset
    template_name = "assets/map.html"
    title = _("Asset map")
    tab = "map"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("view")
        query = request.GET.urlencode()
        url = reverse("asset-geojson") + (f"?{query}" if query else "")
        form = AssetFilter(request.GET or None, queryset=Asset.objects.none()).form
        return self.render({**self.page_context(), "geojson_url": url, "filter_form": form})
