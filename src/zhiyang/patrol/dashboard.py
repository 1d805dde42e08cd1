"""Dashboard tile of the patrol app (see zhiyang/web/tiles.py): open defects and late
repairs, two indexed counts in the user's scope."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.core import actors
from zhiyang.core.access import restrict
from zhiyang.patrol.models import Finding
from zhiyang.patrol.services import overdue_tasks
from zhiyang.patrol.services.geo import OPEN_STATUSES
from zhiyang.web.tiles import Tile


def tiles(user: Any) -> list[Tile]:
    if not actors.may(user, "patrol.finding", "view"):
        return []
    open_defects = restrict(Finding.objects.filter(status__in=OPEN_STATUSES), user).count()
    late = (
        restrict(overdue_tasks(), user).count()
        if actors.may(user, "patrol.repairtask", "view")
        else 0
    )
    return [
        Tile(
            key="open-defects",
            label=gettext_lazy("Open defects"),
            value=str(open_defects),
            detail=_("%(count)d repairs past their deadline") % {"count": late} if late else "",
            url=reverse("patrol:finding-list") + "?status=new",
            tone="bad" if late else ("warn" if open_defects else "good"),
        )
    ]
