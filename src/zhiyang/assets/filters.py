"""FilterSets of the assets lists (shared by the pages and the API)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from zhiyang.assets.choices import AssetKind, AssetStatus, InspectionKind, TechnicalClass
from zhiyang.assets.models import Asset, AssetType, Inspection


def _route(field: str = "route__code") -> django_filters.CharFilter:
    return django_filters.CharFilter(label=_("route code"), field_name=field, lookup_expr="iexact")


class AssetFilter(django_filters.FilterSet):
    route = _route()
    district = django_filters.CharFilter(label=_("district code"), field_name="district__code")
    asset_type = django_filters.ModelChoiceFilter(
        label=_("asset type"),
        field_name="asset_type",
        queryset=AssetType.objects.filter(is_active=True),
    )
    kind = django_filters.ChoiceFilter(
        label=_("kind"), field_name="asset_type__kind", choices=AssetKind.choices
    )
    status = django_filters.ChoiceFilter(label=_("status"), choices=AssetStatus.choices)
    condition_class = django_filters.ChoiceFilter(
        label=_("technical condition class"), choices=TechnicalClass.choices
    )
    q = django_filters.CharFilter(label=_("code or name"), method="search")

    class Meta:
        model = Asset
        fields = ["route", "district", "asset_type", "kind", "status", "condition_class", "q"]

    def search(self, queryset, name, value):  # type: ignore[no-untyped-def]
        from django.db.models import Q

        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class StructureFilter(django_filters.FilterSet):
    route = _route()
    structure = django_filters.ChoiceFilter(
        label=_("structure kind"),
        field_name="asset_type__structure",
        choices=[("bridge", _("Bridge")), ("tunnel", _("Tunnel")), ("culvert", _("Culvert"))],
    )
    condition_class = django_filters.ChoiceFilter(
        label=_("technical condition class"), choices=TechnicalClass.choices
    )

    class Meta:
        model = Asset
        fields = ["route", "structure", "condition_class"]


class InspectionFilter(django_filters.FilterSet):
    route = _route()
    kind = django_filters.ChoiceFilter(label=_("inspection kind"), choices=InspectionKind.choices)
    asset = django_filters.CharFilter(label=_("asset code"), field_name="asset__code")
    since = django_filters.DateFilter(
        label=_("inspected from"), field_name="inspected_on", lookup_expr="gte"
    )
    until = django_filters.DateFilter(
        label=_("inspected until"), field_name="inspected_on", lookup_expr="lte"
    )

    class Meta:
        model = Inspection
        fields = ["route", "kind", "asset", "since", "until"]
