"""Dashboard tiles and "today" items of the safety app (see zhiyang/web/tiles.py)."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from zhiyang.core import actors
from zhiyang.core.access import restrict
from zhiyang.safety.choices import HazardAction, HazardStatus, InspectionStatus, WorkZoneStatus
from zhiyang.safety.models import Hazard, Inspection, WorkZone
from zhiyang.safety.services import overdue_hazards
from zhiyang.safety.services.hazards import HAZARD_STEPS
from zhiyang.web.tiles import Tile
from zhiyang.web.today import TodayItem


def tiles(user: Any) -> list[Tile]:
    result = []
    if actors.may(user, "safety.hazard", "view"):
        open_hazards = restrict(Hazard.objects.exclude(status=HazardStatus.CLOSED), user)
        overdue = restrict(overdue_hazards(), user).count()
        result.append(
            Tile(
                key="open-hazards",
                label=gettext_lazy("Open hazards"),
                value=str(open_hazards.count()),
                detail=_("%(count)d past their deadline") % {"count": overdue} if overdue else "",
                url=reverse("safety:dashboard"),
                tone="bad" if overdue else ("warn" if open_hazards.exists() else "good"),
            )
        )
    if actors.may(user, "safety.workzone", "view"):
        active = restrict(WorkZone.objects.filter(status=WorkZoneStatus.ACTIVE), user).count()
        result.append(
            Tile(
                key="active-workzones",
                label=gettext_lazy("Active work zones"),
                value=str(active),
                url=reverse("safety:workzone-list"),
            )
        )
    return result


#: Hazards and inspections listed one by one on the today page.
TODAY_LIMIT = 10


def _role_takes(user: Any, action: str) -> bool:
    """Whether the user's role takes this step of the hazard loop (on hazards in general:
    ``may_take`` answers for one hazard)."""
    return actors.may(user, "safety.hazard", "change") and (
        getattr(user, "is_superuser", False)
        or getattr(user, "role", None) in HAZARD_STEPS[action].roles
    )


def today(user: Any, day: datetime.date) -> list[TodayItem]:
    """Hazards assigned to the user, hazards to verify, overdue hazards (for those who may
    act on them: the safety officer) and today's or late inspections."""
    if not actors.may(user, "safety.hazard", "view"):
        return []
    items: list[TodayItem] = []
    mine = (
        restrict(Hazard.objects.filter(assignee=user, status=HazardStatus.ASSIGNED), user)
        .select_related("route")
        .order_by("deadline", "pk")
    )
    for hazard in mine[:TODAY_LIMIT]:
        late = hazard.is_overdue(day)
        items.append(
            TodayItem(
                key="hazard-assigned",
                section="late" if late else "work",
                title=str(hazard),
                detail=_("Rectify by %(date)s") % {"date": hazard.deadline}
                if hazard.deadline
                else _("No deadline set"),
                url=reverse("safety:hazard-detail", args=[hazard.pk]),
                action=pgettext("today action", "Rectify"),
                tone="bad" if late else "",
            )
        )
    if _role_takes(user, HazardAction.ASSIGN):
        overdue = (
            restrict(overdue_hazards(day), user)
            .exclude(assignee=user)
            .select_related("route")
            .order_by("deadline", "pk")
        )
        for hazard in overdue[:TODAY_LIMIT]:
            items.append(
                TodayItem(
                    key="hazard-overdue",
                    section="late",
                    title=str(hazard),
                    detail=_("Deadline %(date)s, escalation level %(level)d")
                    % {"date": hazard.deadline, "level": hazard.escalation_level},
                    url=reverse("safety:hazard-detail", args=[hazard.pk]),
                    tone="bad",
                )
            )
    if _role_takes(user, HazardAction.VERIFY):
        to_verify = restrict(Hazard.objects.filter(status=HazardStatus.RECTIFIED), user)
        count = to_verify.count()
        if count:
            items.append(
                TodayItem(
                    key="hazards-to-verify",
                    section="confirm",
                    title=_("%(count)d rectified hazard(s) to verify") % {"count": count},
                    url=reverse("safety:hazard-list") + f"?status={HazardStatus.RECTIFIED}",
                    action=pgettext("today action", "Verify"),
                )
            )
    if actors.may(user, "safety.inspection", "change"):
        inspections = restrict(
            Inspection.objects.filter(status=InspectionStatus.PLANNED, planned_date__lte=day),
            user,
        ).order_by("planned_date", "pk")
        for inspection in inspections[:TODAY_LIMIT]:
            late = inspection.planned_date < day
            items.append(
                TodayItem(
                    key="inspection-due",
                    section="late" if late else "work",
                    title=str(inspection),
                    detail=_("Planned for %(date)s") % {"date": inspection.planned_date},
                    url=reverse("safety:inspection-detail", args=[inspection.pk]),
                    action=pgettext("today action", "Inspect"),
                    tone="warn" if late else "",
                )
            )
    return items
