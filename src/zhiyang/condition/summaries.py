"""Condition summaries aggregated in the database: what the map legend, the statistics page
and the dashboard show, without loading a unit (or a route's geometry) into Python.

One GROUP BY query per page gives, per (route, district) of the selection, the unit count,
the length, the rated length, the sum of index × length and the length per grade; summaries
by route, by district and for the whole scope are sums of those rows. The arithmetic is the
rating engine's (``rating.aggregate``, ``grade_shares``, ``good_rate``, ``poor_rate``: a
length-weighted mean and shares of the rated length, units without a value counting for
length only), with the grade bounds of ``rating.grade`` applied in SQL. The tests check the
two agree with ``reports.summarise`` over the same units.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import get_language

from zhiyang.analytics import rating
from zhiyang.condition.choices import SurveyStatus
from zhiyang.condition.models import SurveyUnit
from zhiyang.condition.reports import GRADES, GroupSummary, Selection
from zhiyang.core.access import restrict_for_totals


def totals_units(user: Any, selection: Selection, *, all_years: bool = False) -> QuerySet[Any]:
    """``reports.select_units`` as a queryset safe to aggregate (no DISTINCT, no joins
    added by the scope), without select_related."""
    units = SurveyUnit.objects.filter(survey__status=SurveyStatus.APPROVED, survey__lane=1)
    if selection.year and not all_years:
        units = units.filter(survey__survey_date__year=selection.year)
    if selection.route:
        units = units.filter(route__code=selection.route)
    if selection.district:
        units = units.filter(district__code=selection.district)
    if selection.direction:
        units = units.filter(survey__direction=selection.direction)
    return restrict_for_totals(units.order_by(), user, "view")


def _grade_bounds() -> tuple[float, ...]:
    # Ascending: 差 < b0 <= 次 < b1 <= 中 < b2 <= 良 < b3 <= 优 (rating.grade counts the
    # bounds at or below a value; the parameters list them from 优 down).
    return tuple(sorted(rating.load_parameters().grade_bounds))


def _grade_conditions(index: str) -> dict[str, Q]:
    b0, b1, b2, b3 = _grade_bounds()
    v = index
    return {
        "优": Q(**{f"{v}__gte": b3}),
        "良": Q(**{f"{v}__gte": b2, f"{v}__lt": b3}),
        "中": Q(**{f"{v}__gte": b1, f"{v}__lt": b2}),
        "次": Q(**{f"{v}__gte": b0, f"{v}__lt": b1}),
        "差": Q(**{f"{v}__lt": b0}),
    }


def _sums(index: str) -> dict[str, Any]:
    rated = Q(**{f"{index}__isnull": False}, length_m__gt=0)
    sums: dict[str, Any] = {
        "n": Count("id"),
        "length": Sum("length_m"),
        "rated": Sum("length_m", filter=rated),
        "weighted": Sum(F(index) * F("length_m"), filter=rated),
    }
    for position, (_grade, condition) in enumerate(_grade_conditions(index).items()):
        sums[f"g{position}"] = Sum("length_m", filter=rated & condition)
    return sums


@dataclass
class _Acc:
    """Running sums of one group."""

    n: int = 0
    length: float = 0.0
    rated: float = 0.0
    weighted: float = 0.0
    grades: list[float] = field(default_factory=lambda: [0.0] * len(GRADES))

    def add(self, row: dict[str, Any]) -> None:
        self.n += row["n"] or 0
        self.length += row["length"] or 0.0
        self.rated += row["rated"] or 0.0
        self.weighted += row["weighted"] or 0.0
        for i in range(len(GRADES)):
            self.grades[i] += row[f"g{i}"] or 0.0

    def summary(self, key: str, label: str) -> GroupSummary:
        out = GroupSummary(key=key, label=label, units=self.n, length_m=self.length)
        if self.rated <= 0:
            return out
        out.mean = self.weighted / self.rated
        out.shares = {g: self.grades[i] / self.rated for i, g in enumerate(GRADES)}
        out.good_rate = out.shares["优"] + out.shares["良"]
        out.poor_rate = out.shares["次"] + out.shares["差"]
        return out


def _district_label(name: str, name_en: str) -> str:
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


@dataclass
class Summaries:
    """The whole scope, per route and per district, from one query."""

    network: GroupSummary
    by_route: list[GroupSummary]
    by_district: list[GroupSummary]


def summaries(user: Any, selection: Selection, network_label: str = "") -> Summaries:
    """Summaries of the selection on ``selection.index``: one GROUP BY in the database."""
    rows = (
        totals_units(user, selection)
        .values(
            "route__code", "route__name", "district__code", "district__name", "district__name_en"
        )
        .annotate(**_sums(selection.index))
    )
    network = _Acc()
    routes: dict[str, _Acc] = defaultdict(_Acc)
    districts: dict[str, _Acc] = defaultdict(_Acc)
    route_labels: dict[str, str] = {}
    district_labels: dict[str, str] = {}
    for row in rows:
        network.add(row)
        route, district = row["route__code"], row["district__code"]
        routes[route].add(row)
        districts[district].add(row)
        route_labels[route] = f"{route} {row['route__name']}"
        district_labels[district] = _district_label(row["district__name"], row["district__name_en"])
    return Summaries(
        network=network.summary("", network_label),
        by_route=[routes[k].summary(k, route_labels[k]) for k in sorted(routes)],
        by_district=[districts[k].summary(k, district_labels[k]) for k in sorted(districts)],
    )


def network_summary(user: Any, selection: Selection, label: str = "") -> GroupSummary:
    """The whole selection as one summary (one aggregate query)."""
    acc = _Acc()
    row = totals_units(user, selection).aggregate(**_sums(selection.index))
    acc.add(row)
    return acc.summary("", label)


def yearly_trend(user: Any, selection: Selection) -> dict[str, dict[int, float | None]]:
    """Length-weighted ``selection.index`` per survey year, every year of the selection:
    {"": whole scope, route code: ...} (``reports.yearly_trend`` in the database)."""
    index = selection.index
    rated = Q(**{f"{index}__isnull": False}, length_m__gt=0)
    rows = (
        totals_units(user, selection, all_years=True)
        .values("survey__survey_date__year", "route__code")
        .annotate(
            rated=Sum("length_m", filter=rated),
            weighted=Sum(F(index) * F("length_m"), filter=rated),
        )
    )
    sums: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0.0, 0.0]))
    for row in rows:
        year = int(row["survey__survey_date__year"])
        for key in ("", row["route__code"]):
            acc = sums[key][year]
            acc[0] += row["rated"] or 0.0
            acc[1] += row["weighted"] or 0.0
    return {
        key: {y: (w / r if r > 0 else None) for y, (r, w) in sorted(years.items())}
        for key, years in sums.items()
    }


def route_codes(summaries: Iterable[GroupSummary]) -> list[str]:
    return [s.key for s in summaries]
