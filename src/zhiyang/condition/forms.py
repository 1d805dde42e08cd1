"""The condition import form: a file into a draft survey, or into a new one described here.

The page and the API validate uploads the same way; the page then calls
``tasks.submit_import`` with ``form.options()``.
"""

from __future__ import annotations

import pathlib
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhiyang.condition.choices import (
    Edition,
    ImportKind,
    SurveyDirection,
    SurveyMethod,
    SurveyStatus,
    WheelPath,
)
from zhiyang.condition.imports import ImportOptions
from zhiyang.condition.models import Survey
from zhiyang.core.access import restrict
from zhiyang.network.filters import ChainageFormField
from zhiyang.network.models import Route

MAX_IMPORT_BYTES = 100 * 1024 * 1024
SUFFIXES = {
    ImportKind.INTERVALS: (".csv", ".xlsx", ".txt"),
    ImportKind.PROFILE: (".erd", ".csv", ".txt"),
    ImportKind.DISTRESS: (".xlsx", ".csv"),
}


class SurveyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} · {obj.get_status_display()}"


class ConditionImportForm(forms.Form):
    """Upload a file into a draft survey the user may change, or into a new survey."""

    survey = SurveyChoiceField(
        label=_("Survey"),
        queryset=Survey.objects.none(),
        required=False,
        empty_label=_("New survey (describe it below)"),
    )
    kind = forms.ChoiceField(label=_("File contents"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("Interval tables and distress: .csv or .xlsx; profiles: .erd, .csv or .txt."),
    )
    # A new survey.
    route = forms.ModelChoiceField(label=_("Route"), queryset=Route.objects.none(), required=False)
    survey_date = forms.DateField(
        label=_("Survey date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    direction = forms.ChoiceField(
        label=_("Direction"), choices=SurveyDirection.choices, required=False
    )
    lane = forms.IntegerField(label=_("Lane"), min_value=1, initial=1, required=False)
    method = forms.ChoiceField(
        label=pgettext_lazy("survey", "Method"), choices=SurveyMethod.choices, required=False
    )
    vendor = forms.CharField(label=_("Survey vendor"), required=False, max_length=200)
    edition = forms.ChoiceField(
        label=_("Standard edition"), choices=Edition.choices, required=False
    )
    unit_length_m = forms.FloatField(
        label=_("Evaluation unit length (m)"),
        initial=1000.0,
        min_value=10.0,
        max_value=10_000.0,
        required=False,
    )
    wheel_path = forms.ChoiceField(
        label=_("Wheel path"),
        choices=[(WheelPath.LEFT, WheelPath.LEFT.label), (WheelPath.RIGHT, WheelPath.RIGHT.label)],
        initial=WheelPath.LEFT,
        required=False,
        help_text=_("Profiles with one elevation column: which wheel path it is."),
    )
    segment_length_m = forms.FloatField(
        label=_("IRI interval (m)"), initial=10.0, min_value=1.0, max_value=1000.0, required=False
    )
    start = ChainageFormField(
        label=_("Chainage of the first profile point"),
        required=False,
        help_text=_("Metres or K12+345; blank: the profile's distance is the chainage."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        surveys = restrict(Survey.objects.select_related("route"), user, "change")
        field = self.fields["survey"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = surveys.filter(status=SurveyStatus.DRAFT)
        route_field = self.fields["route"]
        assert isinstance(route_field, forms.ModelChoiceField)
        route_field.queryset = restrict(Route.objects.all(), user, "view").order_by("code")
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,.xlsx,.erd,.ERD"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("survey") is None:
            for name in ("route", "survey_date"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Needed for a new survey."))
        upload = cleaned.get("file")
        kind = cleaned.get("kind")
        if upload is not None and kind:
            suffix = pathlib.Path(upload.name or "").suffix.lower()
            allowed = SUFFIXES[ImportKind(kind)]
            if suffix not in allowed:
                self.add_error(
                    "file",
                    ValidationError(
                        _("Choose a %(suffixes)s file.") % {"suffixes": ", ".join(allowed)}
                    ),
                )
            elif upload.size > MAX_IMPORT_BYTES:
                self.add_error("file", _("The file is larger than 100 MB."))
        return cleaned

    def survey_data(self) -> dict[str, Any]:
        """The new survey's fields (when no existing survey was chosen)."""
        data = self.cleaned_data
        return {
            "route": data["route"],
            "survey_date": data["survey_date"],
            "direction": data.get("direction") or SurveyDirection.UP,
            "lane": data.get("lane") or 1,
            "method": data.get("method") or SurveyMethod.choices[0][0],
            "vendor": data.get("vendor") or "",
            "edition": data.get("edition") or Edition.choices[0][0],
            "unit_length_m": data.get("unit_length_m") or 1000.0,
        }

    def options(self) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            wheel_path=data.get("wheel_path") or WheelPath.LEFT,
            segment_length_m=data.get("segment_length_m") or 10.0,
            start_m=data.get("start"),
        )
