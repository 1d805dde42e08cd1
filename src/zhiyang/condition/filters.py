"""FilterSets of the condition lists (shared by the pages and the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhiyang.condition.choices import (
    DistressSource,
    Grade,
    SurveyDirection,
    SurveyMethod,
    SurveyStatus,
)
from zhiyang.condition.models import Distress, Survey, SurveyInterval, SurveyUnit
from zhiyang.core.filters import id_filter
from zhiyang.network.filters import ChainageFilter, districts_in_scope
from zhiyang.network.mapview import bbox_filter


class YearFilter(django_filters.NumberFilter):
    """A calendar year (1900–2200: a lookup on year 0 would fail in the database layer)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1900)
        kwargs.setdefault("max_value", 2200)
        kwargs.setdefault("decimal_places", 0)
        super().__init__(*args, **kwargs)


class SurveyFilter(django_filters.FilterSet):
    route = django_filters.CharFilter(
        label=_("route code"), field_name="route__code", lookup_expr="iexact"
    )
    year = YearFilter(label=_("year"), field_name="survey_date__year")
    status = django_filters.ChoiceFilter(label=_("status"), choices=SurveyStatus.choices)
    direction = django_filters.ChoiceFilter(label=_("direction"), choices=SurveyDirection.choices)
    method = django_filters.ChoiceFilter(
        label=pgettext_lazy("survey", "method"), choices=SurveyMethod.choices
    )
    lane = django_filters.NumberFilter(label=_("lane"), min_value=1, max_value=99, decimal_places=0)
    district = django_filters.ModelChoiceFilter(
        label=_("district"),
        field_name="route__sections__district",
        to_field_name="code",
        queryset=districts_in_scope,
        distinct=True,
    )

    class Meta:
        model = Survey
        fields = ["route", "year", "status", "direction", "method", "lane", "district"]


class SurveyIntervalFilter(django_filters.FilterSet):
    survey = id_filter(_("survey"), "survey_id")
    route = django_filters.CharFilter(
        label=_("route code"), field_name="survey__route__code", lookup_expr="iexact"
    )
    year = YearFilter(label=_("year"), field_name="survey__survey_date__year")
    from_m = ChainageFilter(label=_("from chainage"), field_name="end_m", lookup_expr="gt")
    to_m = ChainageFilter(label=_("to chainage"), field_name="start_m", lookup_expr="lt")

    class Meta:
        model = SurveyInterval
        fields = ["survey", "route", "year", "from_m", "to_m"]


class SurveyUnitFilter(django_filters.FilterSet):
    survey = id_filter(_("survey"), "survey_id")
    route = django_filters.CharFilter(
        label=_("route code"), field_name="route__code", lookup_expr="iexact"
    )
    district = django_filters.ModelChoiceFilter(
        label=_("district"), to_field_name="code", queryset=districts_in_scope
    )
    year = YearFilter(label=_("year"), field_name="survey__survey_date__year")
    status = django_filters.ChoiceFilter(
        label=_("survey status"), field_name="survey__status", choices=SurveyStatus.choices
    )
    direction = django_filters.ChoiceFilter(
        label=_("direction"), field_name="survey__direction", choices=SurveyDirection.choices
    )
    grade = django_filters.ChoiceFilter(
        label=_("PQI grade"), field_name="grade_pqi", choices=Grade.choices
    )
    grade_mqi = django_filters.ChoiceFilter(label=_("MQI grade"), choices=Grade.choices)
    from_m = ChainageFilter(label=_("from chainage"), field_name="end_m", lookup_expr="gt")
    to_m = ChainageFilter(label=_("to chainage"), field_name="start_m", lookup_expr="lt")
    bbox = bbox_filter(route="route__")

    class Meta:
        model = SurveyUnit
        fields = [
            "survey",
            "route",
            "district",
            "year",
            "status",
            "direction",
            "grade",
            "grade_mqi",
            "from_m",
            "to_m",
            "bbox",
        ]


class DistressFilter(django_filters.FilterSet):
    survey = id_filter(_("survey"), "survey_id")
    route = django_filters.CharFilter(
        label=_("route code"), field_name="route__code", lookup_expr="iexact"
    )
    district = django_filters.ModelChoiceFilter(
        label=_("district"), to_field_name="code", queryset=districts_in_scope
    )
    year = YearFilter(label=_("year"), field_name="reported_at__year")
    distress = django_filters.CharFilter(label=_("distress"))
    severity = django_filters.CharFilter(label=_("severity"))
    source = django_filters.ChoiceFilter(label=_("source"), choices=DistressSource.choices)
    from_m = ChainageFilter(label=_("from chainage"), field_name="start_m", lookup_expr="gte")
    to_m = ChainageFilter(label=_("to chainage"), field_name="start_m", lookup_expr="lte")
    bbox = bbox_filter(lon="lon", lat="lat")

    class Meta:
        model = Distress
        fields = [
            "survey",
            "route",
            "district",
            "year",
            "distress",
            "severity",
            "source",
            "from_m",
            "to_m",
            "bbox",
        ]
