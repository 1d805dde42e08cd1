"""Dashboard tiles of the safety app (see zhiyang/web/tiles.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.core import actors
from zhiyang.core.access import restrict
from zhiyang.safety.choices import HazardStatus, WorkZoneStatus
from zhiyang.safety.models import Hazard, WorkZone
from zhiyang.safety.services import overdue_hazards
from zhiyang.web.tiles import Tile


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
