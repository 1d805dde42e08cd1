"""The safety dashboard: open hazards by age and level, overdue ones, this month's
inspections, active work zones and, from the people app (``safety.panels``), certificates
about to expire."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhiyang.core import actors
from zhiyang.core.access import require, restrict
from zhiyang.safety import panels, services
from zhiyang.safety.choices import HazardLevel, HazardStatus, InspectionStatus, WorkZoneStatus
from zhiyang.safety.models import Hazard, Inspection, WorkZone

# Age buckets of open hazards on the dashboard (days since the report).
AGE_BUCKETS = ((0, 7), (8, 30), (31, None))


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request, "safety.hazard")
    today = timezone.localdate()
    hazards = restrict(Hazard.objects.all(), request.user, "view")
    open_hazards = hazards.exclude(status=HazardStatus.CLOSED)
    now = timezone.now()
    buckets = []
    for low, high in AGE_BUCKETS:
        q = Q(reported_at__lte=now - dt.timedelta(days=low))
        if high is not None:
            q &= Q(reported_at__gt=now - dt.timedelta(days=high + 1))
        counts = dict(
            open_hazards.filter(q)
            .order_by()  # default ordering would split the GROUP BY
            .values_list("level")
            .annotate(n=Count("pk", distinct=True))
        )
        label = (
            _("%(low)d–%(high)d days") % {"low": low, "high": high}
            if high is not None
            else _("over %(low)d days") % {"low": low - 1}
        )
        buckets.append(
            {
                "label": label,
                "counts": [counts.get(level, 0) for level in HazardLevel.values],
                "total": sum(counts.values()),
            }
        )
    month_start = today.replace(day=1)
    inspections = restrict(
        Inspection.objects.filter(planned_date__gte=month_start, planned_date__lte=today),
        request.user,
        "view",
    )
    planned = inspections.count()
    done = inspections.filter(status=InspectionStatus.DONE).count()
    context = {
        "levels": HazardLevel.choices,
        "buckets": buckets,
        "open_count": open_hazards.count(),
        "overdue": list(
            services.overdue_hazards(today)
            .filter(pk__in=hazards.values("pk"))
            .select_related("route", "assignee")
            .order_by("deadline")[:20]
        ),
        "inspections_planned": planned,
        "inspections_done": done,
        "inspections_pct": round(100 * done / planned) if planned else None,
        "active_zones": list(
            restrict(WorkZone.objects.select_related("route"), request.user, "view").filter(
                status=WorkZoneStatus.ACTIVE
            )
        ),
        "certificates": panels.panel("certificates", request.user),
        "can_report": actors.may(request.user, "safety.hazard", "add"),
    }
    return render(request, "safety/dashboard.html", context)
