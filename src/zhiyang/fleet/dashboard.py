"""Dashboard tiles of the fleet app (see zhiyang/web/tiles.py)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.core import actors
from zhiyang.core.access import restrict
from zhiyang.fleet.choices import ServiceState
from zhiyang.fleet.models import Equipment, ServiceInterval
from zhiyang.fleet.services import due_services
from zhiyang.web.tiles import Tile


def tiles(user: Any) -> list[Tile]:
    result = []
    if actors.may(user, "fleet.equipment", "view"):
        machines = restrict(Equipment.objects.all(), user)
        result.append(
            Tile(
                key="machines",
                label=gettext_lazy("Machines"),
                value=str(machines.count()),
                url=reverse("fleet:equipment-list"),
            )
        )
    if actors.may(user, "fleet.serviceinterval", "view"):
        due = due_services(restrict(ServiceInterval.objects.all(), user), only_due=True)
        overdue = sum(1 for row in due if row.state == ServiceState.OVERDUE)
        result.append(
            Tile(
                key="service-due",
                label=gettext_lazy("Services due or overdue"),
                value=str(len(due)),
                detail=_("%(count)d overdue") % {"count": overdue} if overdue else "",
                url=reverse("fleet:service-list"),
                tone="bad" if overdue else ("warn" if due else "good"),
            )
        )
    return result
