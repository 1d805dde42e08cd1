"""FilterSets of the device, dead-letter and alarm lists (pages and API alike)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zhiyang.core.access import restrict
from zhiyang.core.filters import id_filter
from zhiyang.telemetry.alarms import rule_label
from zhiyang.telemetry.choices import MachineType, Transport
from zhiyang.telemetry.models import (
    OPEN_ALARM_STATUSES,
    Alarm,
    AlarmStatus,
    DeadLetter,
    Device,
    Severity,
)
from zhiyang.telemetry.rules import RULES
from zhiyang.works.models import Project


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


def _projects(request: Any) -> QuerySet[Project]:
    if request is None:
        return Project.objects.none()
    return restrict(Project.objects.all(), request.user, "view").order_by("code")


class AlarmFilter(django_filters.FilterSet):
    """Alarms by state, severity, rule, project, device and machine.

    ``status`` also takes ``open`` (active or acknowledged) and ``all``; without it the API
    lists every alarm and the page shows the open ones (``AlarmList.filter_data``).
    """

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("open", _("Open")), ("all", _("All")), *AlarmStatus.choices],
        method="filter_status",
        empty_label=None,
    )
    severity = django_filters.ChoiceFilter(label=_("Severity"), choices=Severity.choices)
    rule = django_filters.ChoiceFilter(
        label=_("Rule"), choices=lambda: [(rule, rule_label(rule)) for rule in RULES]
    )
    project = django_filters.ModelChoiceFilter(label=_("Project"), queryset=_projects)
    device = id_filter(_("device"), "device_id")
    equipment = id_filter(_("Machine"), "equipment_id")

    class Meta:
        model = Alarm
        fields = ["status", "severity", "rule", "project", "device", "equipment"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("device", "equipment"):  # for the API and links, not drawn on the page
            self.form.fields[name].widget = forms.HiddenInput()

    def filter_status(self, queryset: QuerySet[Alarm], name: str, value: str) -> QuerySet[Alarm]:
        if value == "open":
            return queryset.filter(status__in=OPEN_ALARM_STATUSES)
        if value == "all":
            return queryset
        return queryset.filter(status=value)
