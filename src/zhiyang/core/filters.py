"""FilterSets of the core app (one per list, used by the UI and the API)."""

from typing import Any

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from zhiyang.core.choices import AuditAction
from zhiyang.core.models import AuditLog

# The largest id the databases store (BigAutoField): a larger one in a filter is a 400 with a
# message, never an overflow inside the database driver (a 500).
MAX_ID = 2**63 - 1


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.Filter):
    """An integer id (django-filter's NumberFilter is a decimal without a usable bound)."""

    field_class = forms.IntegerField


def id_filter(label: Any, field_name: str) -> IdFilter:
    """A filter by a related row's id, bounded to 1..MAX_ID; every app's lists use it."""
    return IdFilter(label=label, field_name=field_name, min_value=1, max_value=MAX_ID)


class AuditLogFilter(django_filters.FilterSet):
    username = django_filters.CharFilter(label=_("user"), lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("action"), choices=AuditAction.choices)
    resource = django_filters.CharFilter(label=_("resource"), lookup_expr="icontains")
    since = django_filters.DateFilter(
        label=_("since"),
        field_name="time",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = AuditLog
        fields = ["username", "action", "resource", "object_id", "since"]
