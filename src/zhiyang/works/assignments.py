"""The work orders a person works on today (the today page of works and sop)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Q, QuerySet

from zhiyang.core.access import restrict
from zhiyang.people.membership import crews_of
from zhiyang.works.choices import WorkOrderStatus
from zhiyang.works.models import WorkOrder


def todays_work_orders(user: Any, day: datetime.date) -> QuerySet[WorkOrder]:
    """Open work orders of the user's crews that run on ``day``: planned to, or already
    started and not finished (a late order stays on the list until it is completed)."""
    crews = crews_of(user)
    running = Q(status=WorkOrderStatus.IN_PROGRESS) | Q(
        status=WorkOrderStatus.PLANNED, planned_start__lte=day, planned_end__gte=day
    )
    return (
        restrict(WorkOrder.objects.filter(running, crew__in=crews), user)
        .select_related("project", "project__route", "crew")
        .order_by("planned_end", "project__code", "sequence", "pk")
    )
