"""FilterSets of the device and dead-letter lists (pages and API alike)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zhiyang.telemetry.choices import MachineType, Transport
from zhiyang.telemetry.models import DeadLetter, Device


class DeviceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("search"), method="filter_q")
    machine_type = django_filters.ChoiceFilter(
        label=_("message schema"), choices=MachineType.choices
    )
    active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = Device
        fields = ["q", "machine_type", "active"]

    def filter_q(self, queryset: QuerySet[Device], name: str, value: str) -> QuerySet[Device]:
        return queryset.filter(Q(code__icontains=value) | Q(equipment__code__icontains=value))


class DeadLetterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("device code"), method="filter_q")
    code = django_filters.CharFilter(label=_("reason code"))
    transport = django_filters.ChoiceFilter(label=_("transport"), choices=Transport.choices)
    device = django_filters.NumberFilter(label=_("device"), field_name="device_id")
    received_after = django_filters.IsoDateTimeFilter(
        label=_("received after"), field_name="received_at", lookup_expr="gte"
    )

    class Meta:
        model = DeadLetter
        fields = ["q", "code", "transport", "device", "received_after"]

    def filter_q(
        self, queryset: QuerySet[DeadLetter], name: str, value: str
    ) -> QuerySet[DeadLetter]:
        return queryset.filter(device_code__icontains=value)
