"""FilterSets of the patrol lists (shared by the pages and the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.core.filters import id_filter
from zhiyang.patrol.choices import FindingCategory, FindingStatus, TaskStatus
from zhiyang.patrol.models import Finding, Patrol, PatrolPlan, RepairTask


def _yes_no(label: Any, method: str) -> django_filters.BooleanFilter:
    choices = [("", _("Any")), ("true", _("Yes")), ("false", _("No"))]
    return django_filters.BooleanFilter(
        label=label, method=method, widget=forms.Select(choices=choices)
    )


def _route() -> django_filters.CharFilter:
    return django_filters.CharFilter(
        label=_("route code"), field_name="route__code", lookup_expr="iexact"
    )


def _date(label: Any, field: str, lookup: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(
        label=label,
        field_name=field,
        lookup_expr=lookup,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class PlanFilter(django_filters.FilterSet):
    route = _route()
    active = django_filters.BooleanFilter(label=_("active"))

    class Meta:
        model = PatrolPlan
        fields = ["route", "active"]


class PatrolFilter(django_filters.FilterSet):
    route = _route()
    plan = id_filter(_("plan"), "plan_id")
    since = _date(_("since"), "started_at", "date__gte")
    until = _date(_("until"), "started_at", "date__lte")

    class Meta:
        model = Patrol
        fields = ["route", "plan", "since", "until"]


class FindingFilter(django_filters.FilterSet):
    route = _route()
    status = django_filters.ChoiceFilter(label=_("status"), choices=FindingStatus.choices)
    category = django_filters.ChoiceFilter(label=_("category"), choices=FindingCategory.choices)
    patrol = id_filter(_("patrol"), "patrol_id")
    since = _date(_("since"), "reported_at", "date__gte")

    class Meta:
        model = Finding
        fields = ["route", "status", "category", "patrol", "since"]


class TaskFilter(django_filters.FilterSet):
    route = _route()
    status = django_filters.ChoiceFilter(label=_("status"), choices=TaskStatus.choices)
    category = django_filters.ChoiceFilter(label=_("category"), choices=FindingCategory.choices)
    overdue = _yes_no(_("overdue"), "filter_overdue")
    mine = _yes_no(_("assigned to me"), "filter_mine")
    work_item_code = django_filters.CharFilter(label=_("work item code"))
    verified_since = _date(_("verified since"), "verified_at", "date__gte")
    verified_until = _date(_("verified until"), "verified_at", "date__lte")

    class Meta:
        model = RepairTask
        fields = [
            "route",
            "status",
            "category",
            "overdue",
            "mine",
            "work_item_code",
            "verified_since",
            "verified_until",
        ]

    def filter_overdue(
        self, queryset: QuerySet[RepairTask], name: str, value: Any
    ) -> QuerySet[RepairTask]:
        if value is None:
            return queryset
        late = {"status": TaskStatus.OPEN, "deadline__lt": timezone.now()}
        return queryset.filter(**late) if value else queryset.exclude(**late)

    def filter_mine(
        self, queryset: QuerySet[RepairTask], name: str, value: Any
    ) -> QuerySet[RepairTask]:
        user = getattr(self.request, "user", None)
        if value is None or user is None:
            return queryset
        return queryset.filter(assignee=user) if value else queryset.exclude(assignee=user)
