"""Dashboard tile of the sop app (see zhiyang/web/tiles.py): open NCRs and the failed hold
points still blocking work orders."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from zhiyang.core.access import may, restrict
from zhiyang.sop.choices import NcrStatus, RunStatus, VersionStatus
from zhiyang.sop.models import (
    ChecklistRun,
    InstructionVersion,
    NonConformance,
    SignOff,
    StepResult,
)
from zhiyang.web.tiles import Tile
from zhiyang.web.today import TodayItem
from zhiyang.works.assignments import todays_work_orders


def tiles(user: Any) -> list[Tile]:
    if not may(user, NonConformance, "view"):
        return []
    open_ncrs = restrict(NonConformance.objects.exclude(status=NcrStatus.APPROVED), user)
    approved = NonConformance.objects.filter(
        run=OuterRef("run"), step_code=OuterRef("step_code"), status=NcrStatus.APPROVED
    )
    blocking = (
        restrict(StepResult.objects.filter(hold_point=True, passed=False), user)
        .exclude(Exists(approved))
        .count()
    )
    count = open_ncrs.count()
    return [
        Tile(
            key="open-ncrs",
            label=gettext_lazy("Open non-conformance reports"),
            value=str(count),
            detail=_("%(count)d failed hold point(s) blocking work orders") % {"count": blocking}
            if blocking
            else "",
            url=reverse("sop:ncr-list") + "?open=true",
            tone="bad" if blocking else ("warn" if count else "good"),
        )
    ]


def today(user: Any, day: datetime.date) -> list[TodayItem]:
    """Checklists still to run on the user's work orders today, and runs waiting for a
    sign-off for whoever signs."""
    items: list[TodayItem] = []
    if may(user, ChecklistRun, "add"):
        orders = list(todays_work_orders(user, day))
        published = set(
            InstructionVersion.objects.filter(
                status=VersionStatus.PUBLISHED, instruction__code__in={o.process for o in orders}
            ).values_list("instruction__code", flat=True)
        )
        ran_today = set(
            ChecklistRun.objects.filter(work_order__in=orders, submitted_at__date=day).values_list(
                "work_order_id", flat=True
            )
        )
        for order in orders:
            if order.process in published and order.pk not in ran_today:
                items.append(
                    TodayItem(
                        key="checklist-due",
                        section="work",
                        title=_("Checklist: %(order)s") % {"order": order.title},
                        detail=f"{order.project.code} · {order.get_process_display()}",
                        url=reverse("sop:run-create", args=[order.pk]),
                        action=pgettext("today action", "Run"),
                    )
                )
    if may(user, SignOff, "add"):
        waiting = restrict(ChecklistRun.objects.filter(status=RunStatus.IN_PROGRESS), user).count()
        if waiting:
            items.append(
                TodayItem(
                    key="runs-to-sign",
                    section="confirm",
                    title=_("%(count)d checklist run(s) awaiting sign-off") % {"count": waiting},
                    url=reverse("sop:run-list") + f"?status={RunStatus.IN_PROGRESS}",
                    action=pgettext("today action", "Sign"),
                )
            )
    return items
