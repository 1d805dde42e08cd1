"""FilterSet of the override list (used by the API)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from zhiyang.core.filters import MAX_ID, IdFilter
from zhiyang.standards.models import ParameterOverride


class ParameterOverrideFilter(django_filters.FilterSet):
    standard = django_filters.CharFilter(label=_("Standard"))
    # An integer field bounded to the database's range: a huge id is a 400, not an overflow.
    organisation = IdFilter(
        field_name="organisation_id",
        label=_("Organisation"),
        min_value=1,
        max_value=MAX_ID,
    )
    every_organisation = django_filters.BooleanFilter(
        field_name="organisation", lookup_expr="isnull", label=_("For every organisation")
    )
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = ParameterOverride
        fields = ["standard", "organisation", "every_organisation", "active"]
