"""FilterSets of the core app (one per list, used by the UI and the API)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from zhiyang.core.choices import AuditAction
from zhiyang.core.models import AuditLog


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
