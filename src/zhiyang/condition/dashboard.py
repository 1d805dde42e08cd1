"""Dashboard tiles of the condition app (see zhiyang/web/tiles.py): the network's PQI and
优良率 of the latest approved survey year in the user's scope."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.condition import reports, summaries
from zhiyang.core import actors
from zhiyang.web.tiles import Tile

GOOD_RATE_TARGET = 80.0  # % 优良; a common provincial target for ordinary highways (tone only)


def tiles(user: Any) -> list[Tile]:
    if not actors.may(user, "condition.surveyunit", "view"):
        return []
    # The network's PQI of the latest approved year: one aggregate query in the database
    # (not the per-route and per-district summaries the API's condition_summary computes).
    years = reports.available_years(user)
    if not years:
        return []
    year = years[0]
    pqi = summaries.network_summary(user, reports.Selection(year=year, index="pqi"))
    if pqi.mean is None:
        return []
    url = reverse("condition:statistics")
    good = pqi.good_percent
    return [
        Tile(
            key="pqi",
            label=gettext_lazy("PQI (length-weighted)"),
            value=f"{pqi.mean:.1f}",
            detail=_("%(year)s survey, grade %(grade)s") % {"year": year, "grade": pqi.grade},
            url=url,
        ),
        Tile(
            key="good-rate",
            label=gettext_lazy("Share of units graded 优 or 良 (PQI)"),
            value=f"{good:.1f}" if good is not None else "–",
            unit="%",
            detail=_("次/差: %(poor).1f %%") % {"poor": pqi.poor_percent or 0.0},
            url=url,
            tone="good" if good is not None and good >= GOOD_RATE_TARGET else "warn",
        ),
    ]
