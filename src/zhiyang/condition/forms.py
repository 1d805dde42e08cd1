"""Forms of the condition import page (the other condition pages have their own forms)."""

from __future__ import annotations

import pathlib
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhiyang.condition.choices import ImportKind, SurveyStatus, WheelPath
from zhiyang.condition.imports import ImportOptions
from zhiyang.condition.models import Survey
from zhiyang.core.access import restrict
from zhiyang.network.filters import ChainageFormField

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
    """Upload a file into a draft survey the user may change."""

    survey = SurveyChoiceField(label=_("Survey"), queryset=Survey.objects.none())
    kind = forms.ChoiceField(label=_("File contents"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("Interval tables and distress: .csv or .xlsx; profiles: .erd, .csv or .txt."),
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

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
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

    def options(self) -> ImportOptions:
        data = self.cleaned_data
        return ImportOptions(
            wheel_path=data.get("wheel_path") or WheelPath.LEFT,
            segment_length_m=data.get("segment_length_m") or 10.0,
            start_m=data.get("start"),
        )
