"""FilterSets of the works lists (shared by the pages and the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zhiyang.core.filters import id_filter
from zhiyang.works.choices import (
    DailyReportStatus,
    Process,
    ProjectStatus,
    Treatment,
    WorkOrderStatus,
)
from zhiyang.works.models import DailyReport, Project, WorkOrder


class ProjectFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("search"), method="filter_q")
    route = django_filters.CharFilter(
        label=_("route code"), field_name="route__code", lookup_expr="iexact"
    )
    status = django_filters.ChoiceFilter(label=_("status"), choices=ProjectStatus.choices)
    treatment = django_filters.ChoiceFilter(label=_("treatment"), choices=Treatment.choices)
    year = django_filters.NumberFilter(
        label=_("year"), method="filter_year", min_value=1900, max_value=2200, decimal_places=0
    )

    class Meta:
        model = Project
        fields = ["q", "route", "status", "treatment", "year"]

    def filter_year(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        """Projects running at some time in ``value`` (planned start to planned end)."""
        if value is None:
            return queryset
        year = int(value)
        return queryset.filter(planned_start__year__lte=year, planned_end__year__gte=year)

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class WorkOrderFilter(django_filters.FilterSet):
    project = id_filter(_("project"), "project_id")
    process = django_filters.ChoiceFilter(label=_("process"), choices=Process.choices)
    status = django_filters.ChoiceFilter(label=_("status"), choices=WorkOrderStatus.choices)
    crew = id_filter(_("crew"), "crew_id")

    class Meta:
        model = WorkOrder
        fields = ["project", "process", "status", "crew"]


class DailyReportFilter(django_filters.FilterSet):
    project = id_filter(_("project"), "project_id")
    status = django_filters.ChoiceFilter(label=_("status"), choices=DailyReportStatus.choices)
    date_from = django_filters.DateFilter(label=_("from"), field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("to"), field_name="date", lookup_expr="lte")

    class Meta:
        model = DailyReport
        fields = ["project", "status", "date_from", "date_to"]
