"""Forms of the fleet pages."""

from __future__ import annotations

import pathlib
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhiyang.fleet.models import Equipment, ServiceInterval, ServiceRecord
from zhiyang.fleet.telematics.parsers import MAX_DOCUMENT_BYTES

IMPORT_SUFFIXES = (".xml", ".json")


class TelematicsImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fleet snapshot"),
        help_text=_("ISO 15143-3 (AEMP 2.0) fleet snapshot, XML or JSON, up to 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_SUFFIXES)}),
    )
    create_unknown = forms.BooleanField(
        label=_("Register unknown machines"),
        required=False,
        help_text=_("Otherwise machines not in the fleet are only listed."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if pathlib.Path(upload.name or "").suffix.lower() not in IMPORT_SUFFIXES:
            raise ValidationError(_("Choose an .xml or .json file."))
        if upload.size > MAX_DOCUMENT_BYTES:
            raise ValidationError(_("The file is larger than 20 MB."))
        return upload


class ServiceRecordForm(forms.ModelForm):  # type: ignore[type-arg]
    """What was done, at which hours, on which date, at what cost."""

    class Meta:
        model = ServiceRecord
        fields = ["interval", "description", "hours", "date", "cost_cny", "notes"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, equipment: Equipment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.equipment = equipment
        self.instance.equipment = equipment  # the model's clean() checks the interval's machine
        self.fields["interval"].queryset = ServiceInterval.objects.filter(  # type: ignore[attr-defined]
            equipment=equipment
        )
        if equipment.last_operating_hours is not None and not self.is_bound:
            self.fields["hours"].initial = round(equipment.last_operating_hours, 1)
