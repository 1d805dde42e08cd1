"""FilterSets of the people lists (used by the pages and the API alike)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zhiyang.core import crypto
from zhiyang.core.access import restrict
from zhiyang.people.choices import CertificateType, Trade, TrainingLevel
from zhiyang.people.models import Briefing, Certificate, CheckIn, Crew, TrainingRecord, Worker
from zhiyang.people.validators import normalise_id_number
from zhiyang.safety.models import WorkZone


def workers_in_scope(request: Any) -> QuerySet[Worker]:
    """Worker choices of a filter: those the requesting user may see."""
    if request is None:
        return Worker.objects.none()
    return restrict(Worker.objects.all(), request.user, "view")


def crews_in_scope(request: Any) -> QuerySet[Crew]:
    if request is None:
        return Crew.objects.none()
    return restrict(Crew.objects.all(), request.user, "view")


def zones_in_scope(request: Any) -> QuerySet[Any]:
    """Work zones of the user's network scope (any status), for filtering check-ins."""
    from zhiyang.people.services import zones_in_scope  # services import these filters

    if request is None:
        return WorkZone.objects.none()
    return zones_in_scope(request.user)


class WorkerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Name, phone, employer, or a full ID number."),
    )
    trade = django_filters.ChoiceFilter(label=_("trade"), choices=Trade.choices)
    active = django_filters.BooleanFilter(label=_("in service"))

    class Meta:
        model = Worker
        fields = ["q", "trade", "active"]

    def search(self, queryset: QuerySet[Worker], name: str, value: Any) -> QuerySet[Worker]:
        text = str(value).strip()
        if not text:
            return queryset
        condition = Q(name__icontains=text) | Q(phone__icontains=text) | Q(employer__icontains=text)
        # The ID number is encrypted: only an exact number can be found, by its keyed hash.
        number = normalise_id_number(text)
        if len(number) == 18:
            condition |= Q(id_number_hash=crypto.keyed_hash(number))
        return queryset.filter(condition)


class CertificateFilter(django_filters.FilterSet):
    cert_type = django_filters.ChoiceFilter(
        label=_("certificate type"), choices=CertificateType.choices
    )
    worker = django_filters.ModelChoiceFilter(label=_("worker"), queryset=workers_in_scope)
    valid_until_before = django_filters.DateFilter(
        field_name="valid_until", lookup_expr="lte", label=_("valid until (at the latest)")
    )

    class Meta:
        model = Certificate
        fields = ["worker", "cert_type", "valid_until_before"]


class TrainingFilter(django_filters.FilterSet):
    worker = django_filters.ModelChoiceFilter(label=_("worker"), queryset=workers_in_scope)
    level = django_filters.ChoiceFilter(label=_("level"), choices=TrainingLevel.choices)

    class Meta:
        model = TrainingRecord
        fields = ["worker", "level"]


class CrewFilter(django_filters.FilterSet):
    leader = django_filters.ModelChoiceFilter(label=_("leader"), queryset=workers_in_scope)

    class Meta:
        model = Crew
        fields = ["leader"]


class CheckInFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(label=_("date"))
    worker = django_filters.ModelChoiceFilter(label=_("worker"), queryset=workers_in_scope)
    work_zone = django_filters.ModelChoiceFilter(label=_("work zone"), queryset=zones_in_scope)
    inside_geofence = django_filters.BooleanFilter(label=_("inside the geofence"))

    class Meta:
        model = CheckIn
        fields = ["date", "worker", "work_zone", "inside_geofence"]


class BriefingFilter(django_filters.FilterSet):
    date = django_filters.DateFilter(label=_("date"))
    crew = django_filters.ModelChoiceFilter(label=_("crew"), queryset=crews_in_scope)

    class Meta:
        model = Briefing
        fields = ["date", "crew"]
