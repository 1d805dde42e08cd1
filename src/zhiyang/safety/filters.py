"""FilterSets of the safety lists (shared by the pages and the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.core.filters import id_filter
from zhiyang.safety.choices import (
    HazardLevel,
    HazardStatus,
    IncidentSeverity,
    IncidentStatus,
    IncidentType,
    InspectionStatus,
    WorkZoneDirection,
    WorkZoneStatus,
)
from zhiyang.safety.models import Hazard, Incident, Inspection, WorkZone


def _yes_no(label: Any, method: str) -> django_filters.BooleanFilter:
    """A yes/no filter whose empty choice reads "any" (not Django's "Unknown")."""
    choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]
    return django_filters.BooleanFilter(
        label=label, method=method, widget=forms.Select(choices=choices)
    )


def _route() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=_("route code"), field_name="route__code", lookup_expr="iexact"
    )


class WorkZoneFilter(django_filters.FilterSet):
    route = _route()
    status = django_filters.ChoiceFilter(label=_("status"), choices=WorkZoneStatus.choices)
    direction = django_filters.ChoiceFilter(label=_("direction"), choices=WorkZoneDirection.choices)

    class Meta:
        model = WorkZone
        fields = ["route", "status", "direction"]


class HazardFilter(django_filters.FilterSet):
    route = _route()
    status = django_filters.ChoiceFilter(label=_("status"), choices=HazardStatus.choices)
    level = django_filters.ChoiceFilter(label=_("level"), choices=HazardLevel.choices)
    open = _yes_no(_("open"), "filter_open")
    overdue = _yes_no(_("overdue"), "filter_overdue")
    mine = _yes_no(_("assigned to me"), "filter_mine")

    class Meta:
        model = Hazard
        fields = ["route", "status", "level", "open", "overdue", "mine"]

    def filter_open(self, queryset: QuerySet[Hazard], name: str, value: Any) -> QuerySet[Hazard]:
        if value is None:
            return queryset
        if value:
            return queryset.exclude(status=HazardStatus.CLOSED)
        return queryset.filter(status=HazardStatus.CLOSED)

    def filter_overdue(self, queryset: QuerySet[Hazard], name: str, value: Any) -> QuerySet[Hazard]:
        if value is None:
            return queryset
        overdue = {
            "deadline__lt": timezone.localdate(),
            "status__in": [HazardStatus.REPORTED, HazardStatus.ASSIGNED],
        }
        return queryset.filter(**overdue) if value else queryset.exclude(**overdue)

    def filter_mine(self, queryset: QuerySet[Hazard], name: str, value: Any) -> QuerySet[Hazard]:
        user = getattr(self.request, "user", None)
        if not value or user is None or not user.is_authenticated:
            return queryset
        return queryset.filter(assignee=user)


class InspectionFilter(django_filters.FilterSet):
    route = _route()
    status = django_filters.ChoiceFilter(label=_("status"), choices=InspectionStatus.choices)
    template = id_filter(_("template"), "template_id")
    work_zone = id_filter(_("work zone"), "work_zone_id")
    planned_from = django_filters.DateFilter(
        label=_("planned from"), field_name="planned_date", lookup_expr="gte"
    )
    planned_to = django_filters.DateFilter(
        label=_("planned to"), field_name="planned_date", lookup_expr="lte"
    )

    class Meta:
        model = Inspection
        fields = ["route", "status", "template", "work_zone", "planned_from", "planned_to"]


class IncidentFilter(django_filters.FilterSet):
    route = _route()
    incident_type = django_filters.ChoiceFilter(label=_("type"), choices=IncidentType.choices)
    severity = django_filters.ChoiceFilter(label=_("severity"), choices=IncidentSeverity.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=IncidentStatus.choices)

    class Meta:
        model = Incident
        fields = ["route", "incident_type", "severity", "status"]
