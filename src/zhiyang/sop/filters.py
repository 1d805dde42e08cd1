"""FilterSets of the sop lists (shared by the pages and the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhiyang.core.filters import id_filter
from zhiyang.sop.choices import NcrStatus, RunStatus
from zhiyang.sop.models import ChecklistRun, NonConformance
from zhiyang.works.choices import Process


class RunFilter(django_filters.FilterSet):
    instruction = django_filters.ChoiceFilter(
        label=_("work instruction"),
        field_name="version__instruction__code",
        choices=Process.choices,
    )
    status = django_filters.ChoiceFilter(label=_("status"), choices=RunStatus.choices)
    work_order = id_filter(_("work order"), "work_order_id")
    project = id_filter(_("project"), "work_order__project_id")

    class Meta:
        model = ChecklistRun
        fields = ["instruction", "status", "work_order", "project"]


class NcrFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("status"), choices=NcrStatus.choices)
    open = django_filters.BooleanFilter(label=_("open"), method="filter_open")
    run = id_filter(_("run"), "run_id")
    work_order = id_filter(_("work order"), "run__work_order_id")

    class Meta:
        model = NonConformance
        fields = ["status", "open", "run", "work_order"]

    def filter_open(
        self, queryset: QuerySet[NonConformance], name: str, value: Any
    ) -> QuerySet[NonConformance]:
        if value is None:
            return queryset
        if value:
            return queryset.exclude(status=NcrStatus.APPROVED)
        return queryset.filter(status=NcrStatus.APPROVED)
