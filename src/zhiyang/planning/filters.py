"""FilterSets of the planning lists (used by the API)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from zhiyang.core.filters import id_filter
from zhiyang.planning.models import Calibration, PlanItem, Scenario


class ScenarioFilter(django_filters.FilterSet):
    status = django_filters.CharFilter(label=_("Status"))

    class Meta:
        model = Scenario
        fields = ["status"]


class CalibrationFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(label=_("Active"))
    pavement = django_filters.CharFilter(label=_("Pavement"))

    class Meta:
        model = Calibration
        fields = ["active", "pavement"]


class PlanItemFilter(django_filters.FilterSet):
    run = id_filter(_("Run"), "run_id")
    scenario = id_filter(_("Scenario"), "run__scenario_id")
    year = django_filters.NumberFilter(label=_("Year"), min_value=1900, max_value=2200)
    approved = django_filters.BooleanFilter(label=_("Approved"))
    treatment = django_filters.CharFilter(label=_("Treatment"))

    class Meta:
        model = PlanItem
        fields = ["run", "scenario", "year", "approved", "treatment"]
