"""The form administrators use on a standard's page to override some of its values."""

from __future__ import annotations

import json
import tomllib
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyang.core import jsonsafe
from zhiyang.core.models import Organisation


def parse_overrides(text: str) -> dict[str, Any]:
    """Overrides typed as a JSON object or as TOML (the data file's own syntax)."""
    text = text.strip()
    if not text:
        raise ValidationError(gettext("Give the values to override."))
    if text.startswith("{"):
        try:
            value = jsonsafe.loads(text)
        except jsonsafe.TooDeep as exc:
            raise ValidationError(str(exc)) from exc
        except json.JSONDecodeError as exc:
            raise ValidationError(gettext("Not valid JSON: %(error)s") % {"error": exc}) from exc
    else:
        try:
            value = jsonsafe.toml_loads(text)
        except jsonsafe.TooDeep as exc:
            raise ValidationError(str(exc)) from exc
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError(gettext("Not valid TOML: %(error)s") % {"error": exc}) from exc
    if not isinstance(value, dict) or not value:
        raise ValidationError(gettext("Give the values to override as a table (a JSON object)."))
    return value


class OverrideForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Applies to"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Every organisation"),
    )
    overrides = forms.CharField(
        label=_("Values (JSON or TOML)"),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "code"}),
        help_text=_(
            'Same shape as the data file, e.g. {"pbi": {"light": 20.0}} or [pbi] light = 20.0; '
            "distress items by their key."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the values differ, e.g. the provincial guideline and its clause."),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations

    def clean_overrides(self) -> dict[str, Any]:
        return parse_overrides(self.cleaned_data["overrides"])
