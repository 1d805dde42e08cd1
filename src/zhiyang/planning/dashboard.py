"""Dashboard tile of the planning app (see zhiyang/web/tiles.py): the 优良率 the latest
solved scenario in the user's scope reaches at the end of its horizon with the base budget."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.core import actors
from zhiyang.core.access import restrict
from zhiyang.planning.choices import ScenarioStatus
from zhiyang.planning.models import Scenario
from zhiyang.web.tiles import Tile


def tiles(user: Any) -> list[Tile]:
    if not actors.may(user, "planning.scenario", "view"):
        return []
    scenario = (
        restrict(Scenario.objects.filter(status=ScenarioStatus.SOLVED), user)
        .order_by("-solved_at", "-id")
        .first()
    )
    if scenario is None:
        return []
    runs = list(scenario.runs.filter(budget_pct__lte=100).order_by("-budget_pct")[:1])
    if not runs or not runs[0].trajectory.get("good_rate_pct"):
        return []
    run = runs[0]
    good = run.trajectory["good_rate_pct"][-1]
    return [
        Tile(
            key="plan-good-rate",
            label=gettext_lazy("Planned 优良率 at the end of the horizon"),
            value=f"{good:.1f}",
            unit="%",
            detail=_("%(name)s, %(pct)s %% budget, %(year)s")
            % {
                "name": scenario.name,
                "pct": f"{run.budget_pct:g}",
                "year": run.trajectory["years"][-1],
            },
            url=reverse("planning:scenario-detail", args=[scenario.pk]),
        )
    ]
