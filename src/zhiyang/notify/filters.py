"""FilterSets of the inbox and the delivery log (the pages and the API alike)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhiyang.notify.choices import ChannelKind, DeliveryStatus, Severity
from zhiyang.notify.kinds import kind_choices
from zhiyang.notify.models import Delivery, InboxItem


class InboxFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        label=_("read or unread"),
        method="filter_unread",
        widget=forms.Select(choices=[("", _("All")), ("true", _("Unread")), ("false", _("Read"))]),
    )
    kind = django_filters.ChoiceFilter(
        label=_("kind"), field_name="event__kind", choices=kind_choices
    )
    severity = django_filters.ChoiceFilter(
        label=_("severity"), field_name="event__severity", choices=Severity.choices
    )

    class Meta:
        model = InboxItem
        fields = ["unread", "kind", "severity"]

    def filter_unread(
        self, queryset: QuerySet[InboxItem], name: str, value: bool | None
    ) -> QuerySet[InboxItem]:
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)


class DeliveryFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=DeliveryStatus.choices)
    kind = django_filters.ChoiceFilter(label=_("channel type"), choices=ChannelKind.choices)
    channel = django_filters.NumberFilter(label=_("channel"), field_name="channel_id")

    class Meta:
        model = Delivery
        fields = ["status", "kind", "channel"]
