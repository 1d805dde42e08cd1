"""One FilterSet per list, shared by the pages and the API."""

from __future__ import annotations

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zhiyang.contracts.choices import (
    AssessmentStatus,
    ContractKind,
    ContractStatus,
    PeriodStatus,
    VariationStatus,
)
from zhiyang.contracts.models import (
    Assessment,
    BoqItem,
    Contract,
    MeasurementLine,
    MeasurementPeriod,
    QuantityMapping,
    Variation,
)


class ContractFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search")
    kind = filters.ChoiceFilter(label=_("Kind"), choices=ContractKind.choices)
    status = filters.ChoiceFilter(label=_("Status"), choices=ContractStatus.choices)

    class Meta:
        model = Contract
        fields = ["q", "kind", "status"]

    def search(self, queryset: QuerySet[Contract], name: str, value: str) -> QuerySet[Contract]:
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(owner_name__icontains=value)
        )


class BoqItemFilter(filters.FilterSet):
    q = filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = BoqItem
        fields = ["q", "contract", "chapter"]

    def search(self, queryset: QuerySet[BoqItem], name: str, value: str) -> QuerySet[BoqItem]:
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))


class PeriodFilter(filters.FilterSet):
    status = filters.ChoiceFilter(label=_("Status"), choices=PeriodStatus.choices)

    class Meta:
        model = MeasurementPeriod
        fields = ["contract", "status"]


class LineFilter(filters.FilterSet):
    class Meta:
        model = MeasurementLine
        fields = ["period", "item"]


class VariationFilter(filters.FilterSet):
    status = filters.ChoiceFilter(label=_("Status"), choices=VariationStatus.choices)

    class Meta:
        model = Variation
        fields = ["contract", "status"]


class AssessmentFilter(filters.FilterSet):
    status = filters.ChoiceFilter(label=_("Status"), choices=AssessmentStatus.choices)

    class Meta:
        model = Assessment
        fields = ["contract", "route", "status", "month"]


class MappingFilter(filters.FilterSet):
    class Meta:
        model = QuantityMapping
        fields = ["contract", "item", "source"]
