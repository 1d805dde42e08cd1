"""Dashboard tiles of the condition app (see zhiyang/web/tiles.py): the network's PQI and
优良率 of the latest approved survey year in the user's scope."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.condition.services import condition_summary
from zhiyang.core import actors
from zhiyang.web.tiles import Tile

GOOD_RATE_TARGET = 80.0  # % 优良; a common provincial target for ordinary highways (tone only)


def tiles(user: Any) -> list[Tile]:
    if not actors.may(user, "condition.surveyunit", "view"):
        return []
    summary = condition_summary(actor=user)
    network = summary.get("network")
    pqi = (network or {}).get("indices", {}).get("pqi") or {}
    if not pqi or pqi.get("mean") is None:
        return []
    year = summary["year"]
    url = reverse("condition:statistics")
    good = pqi.get("good_rate")
    return [
        Tile(
            key="pqi",
            label=gettext_lazy("PQI (length-weighted)"),
            value=f"{pqi['mean']:.1f}",
            detail=_("%(year)s survey, grade %(grade)s") % {"year": year, "grade": pqi["grade"]},
            url=url,
        ),
        Tile(
            key="good-rate",
            label=gettext_lazy("Share of units graded 优 or 良 (PQI)"),
            value=f"{good:.1f}" if good is not None else "–",
            unit="%",
            detail=_("次/差: %(poor).1f %%") % {"poor": pqi.get("poor_rate") or 0.0},
            url=url,
            tone="good" if good is not None and good >= GOOD_RATE_TARGET else "warn",
        ),
    ]
