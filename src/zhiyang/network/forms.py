"""Forms of the network pages."""

from __future__ import annotations

import pathlib
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhiyang.network import services
from zhiyang.network.models import Route

IMPORT_SUFFIXES = (".geojson", ".json", ".xlsx")
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class NetworkImportForm(forms.Form):
    file = forms.FileField(
        label=_("Network file"),
        help_text=_("GeoJSON (.geojson, .json) or Excel (.xlsx) in the exchange format."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_SUFFIXES)}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if pathlib.Path(upload.name or "").suffix.lower() not in IMPORT_SUFFIXES:
            raise ValidationError(_("Choose a .geojson, .json or .xlsx file."))
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 20 MB."))
        return upload


class RouteAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """The admin's route form: the geometry must be a valid GeoJSON LineString."""

    class Meta:
        model = Route
        fields = [
            "code",
            "name",
            "name_en",
            "admin_level",
            "tech_class",
            "pavement",
            "start_m",
            "end_m",
            "geometry",
        ]

    def clean_geometry(self) -> Any:
        try:
            return services.clean_route_geometry(self.cleaned_data.get("geometry"))
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["geometry"]) from exc
