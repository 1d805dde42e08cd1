"""FilterSets of the network lists (used by the UI pages and the API alike)."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from zhiyang.core.access import restrict
from zhiyang.network.chainage import ChainageError, parse_chainage
from zhiyang.network.choices import AdminLevel, Direction, Pavement, TechClass
from zhiyang.network.mapview import bbox_filter
from zhiyang.network.models import District, Route, Section

# In a URL query "K12+345" arrives as "K12 345" when the "+" was not encoded.
_UNENCODED_PLUS = re.compile(r"^(\s*[Kk]?\s*\d+)\s+(\d)")


def parse_chainage_param(text: str) -> float:
    """Metres from a request parameter: ``12345.6``, ``K12+345.6`` or ``K12 345.6`` (an
    unencoded ``+``). Raises ``ChainageError`` with a clear message otherwise."""
    text = str(text).strip()
    try:
        return float(text)
    except ValueError:
        pass
    if "+" not in text:
        text = _UNENCODED_PLUS.sub(r"\1+\2", text)
    return parse_chainage(text)


class ChainageFormField(forms.CharField):
    """A chainage typed as metres (``12345.6``) or as ``K12+345.6``; cleans to metres."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_chainage_param(text)
        except ChainageError as exc:
            # The message quotes the user's text, which may hold "%": pass it as a parameter.
            raise forms.ValidationError(
                "%(reason)s", params={"reason": str(exc)}, code="chainage"
            ) from exc


@extend_schema_field(OpenApiTypes.STR)
class ChainageFilter(django_filters.Filter):
    field_class = ChainageFormField


def districts_in_scope(request: Any) -> QuerySet[District]:
    """The district choices of a filter: those the requesting user may see (by code)."""
    if request is None:
        return District.objects.none()
    return restrict(District.objects.all(), request.user, "view")


class RouteFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("search"), method="filter_q")
    code = django_filters.CharFilter(label=_("route code"), lookup_expr="iexact")
    admin_level = django_filters.ChoiceFilter(
        label=_("administrative level"), choices=AdminLevel.choices
    )
    tech_class = django_filters.ChoiceFilter(label=_("technical class"), choices=TechClass.choices)
    pavement = django_filters.ChoiceFilter(label=_("pavement"), choices=Pavement.choices)
    district = django_filters.ModelChoiceFilter(
        label=_("district"),
        field_name="sections__district",
        to_field_name="code",
        queryset=districts_in_scope,
        distinct=True,
    )

    class Meta:
        model = Route
        fields = ["q", "code", "admin_level", "tech_class", "pavement", "district"]

    def filter_q(self, queryset: QuerySet[Route], name: str, value: str) -> QuerySet[Route]:
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(name_en__icontains=value)
        )


class SectionFilter(django_filters.FilterSet):
    route = django_filters.CharFilter(
        label=_("route code"), field_name="route__code", lookup_expr="iexact"
    )
    district = django_filters.ModelChoiceFilter(
        label=_("district"), to_field_name="code", queryset=districts_in_scope
    )
    direction = django_filters.ChoiceFilter(label=_("direction"), choices=Direction.choices)
    pavement = django_filters.ChoiceFilter(label=_("pavement"), choices=Pavement.choices)
    from_m = ChainageFilter(
        label=_("from chainage"),
        field_name="end_m",
        lookup_expr="gt",
        help_text=_("Sections that end after this chainage (metres or K12+345)."),
    )
    to_m = ChainageFilter(
        label=_("to chainage"),
        field_name="start_m",
        lookup_expr="lt",
        help_text=_("Sections that start before this chainage (metres or K12+345)."),
    )
    bbox = bbox_filter(route="route__")

    class Meta:
        model = Section
        fields = ["route", "district", "direction", "pavement", "from_m", "to_m", "bbox"]
