"""Dashboard tile of the sop app (see zhiyang/web/tiles.py): open NCRs and the failed hold
points still blocking work orders."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.core.access import may, restrict
from zhiyang.sop.choices import NcrStatus
from zhiyang.sop.models import NonConformance, StepResult
from zhiyang.web.tiles import Tile


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
