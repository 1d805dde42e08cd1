"""FilterSets of the fleet lists (used by the pages and the API alike)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zhiyang.core.access import restrict
from zhiyang.fleet.choices import EquipmentStatus, EquipmentType, Ownership
from zhiyang.fleet.models import (
    Equipment,
    EquipmentAssignment,
    FaultCode,
    ServiceInterval,
    ServiceRecord,
    TelematicsSnapshot,
)
from zhiyang.network.mapview import bbox_filter


def equipment_in_scope(request: Any) -> QuerySet[Equipment]:
    if request is None:
        return Equipment.objects.none()
    return restrict(Equipment.objects.all(), request.user, "view")


class EquipmentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("search"), method="filter_q")
    equipment_type = django_filters.ChoiceFilter(label=_("type"), choices=EquipmentType.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=EquipmentStatus.choices)
    ownership = django_filters.ChoiceFilter(label=_("ownership"), choices=Ownership.choices)
    bbox = bbox_filter(lon="last_longitude", lat="last_latitude")

    class Meta:
        model = Equipment
        fields = ["q", "equipment_type", "status", "ownership", "bbox"]

    def filter_q(self, queryset: QuerySet[Equipment], name: str, value: str) -> QuerySet[Equipment]:
        return queryset.filter(
            Q(code__icontains=value)
            | Q(make__icontains=value)
            | Q(model__icontains=value)
            | Q(serial_number__icontains=value)
            | Q(pin__icontains=value)
            | Q(plate__icontains=value)
        )


class _ByEquipment(django_filters.FilterSet):
    equipment = django_filters.ModelChoiceFilter(label=_("machine"), queryset=equipment_in_scope)


class SnapshotFilter(_ByEquipment):
    since = django_filters.IsoDateTimeFilter(
        label=_("since"), field_name="snapshot_at", lookup_expr="gte"
    )
    until = django_filters.IsoDateTimeFilter(
        label=_("until"), field_name="snapshot_at", lookup_expr="lte"
    )

    class Meta:
        model = TelematicsSnapshot
        fields = ["equipment", "since", "until", "source_key"]


class FaultCodeFilter(_ByEquipment):
    severity = django_filters.CharFilter(label=_("severity"), lookup_expr="iexact")

    class Meta:
        model = FaultCode
        fields = ["equipment", "severity", "identifier"]


class ServiceIntervalFilter(_ByEquipment):
    class Meta:
        model = ServiceInterval
        fields = ["equipment", "active"]


class ServiceRecordFilter(_ByEquipment):
    class Meta:
        model = ServiceRecord
        fields = ["equipment", "interval"]


class AssignmentFilter(_ByEquipment):
    active_on = django_filters.DateFilter(label=_("active on"), method="filter_active_on")

    class Meta:
        model = EquipmentAssignment
        fields = ["equipment", "route", "active_on"]

    def filter_active_on(
        self, queryset: QuerySet[EquipmentAssignment], name: str, value: Any
    ) -> QuerySet[EquipmentAssignment]:
        return queryset.filter(start_date__lte=value, end_date__gte=value)
