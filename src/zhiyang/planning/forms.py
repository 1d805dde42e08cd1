"""Forms of the planning pages: a scenario, a catalogue row."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhiyang.core.models import Organisation
from zhiyang.network.choices import Pavement, TechClass
from zhiyang.planning import catalogue
from zhiyang.planning.models import Scenario, Treatment


def aliases_get(field: str | None) -> str | None:
    return {"budget_levels_pct": "budget_levels", "base_budget_yuan": "base_budget_wan"}.get(
        field or "", field
    )


class ScenarioForm(forms.ModelForm):  # type: ignore[type-arg]
    budget_levels = forms.CharField(
        label=_("Budget levels (% of the base)"),
        initial="0, 50, 100, 150",
        help_text=_("Comma-separated, for example 0, 50, 100, 150."),
    )
    base_budget_wan = forms.FloatField(
        label=_("Base budget per year (10,000 yuan)"), min_value=0.0, max_value=1e8, initial=800.0
    )

    class Meta:
        model = Scenario
        fields = [
            "organisation",
            "name",
            "first_year",
            "horizon_years",
            "objective",
            "target_good_pct",
            "method",
            "note",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_year"].initial = timezone.localdate().year + 1
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        if getattr(user, "organisation_id", None) and not user.is_superuser:
            del self.fields["organisation"]
        else:
            field.queryset = Organisation.objects.order_by("name")
        if self.instance.pk:
            self.fields["budget_levels"].initial = ", ".join(
                f"{v:g}" for v in self.instance.budget_levels_pct
            )
            self.fields["base_budget_wan"].initial = self.instance.base_budget_yuan / 10_000

    def clean_budget_levels(self) -> list[float]:
        text = self.cleaned_data["budget_levels"].replace("，", ",").replace("%", "")
        try:
            levels = sorted({float(v) for v in text.split(",") if v.strip()})
        except ValueError:
            raise ValidationError(gettext("Give numbers separated by commas.")) from None
        if not levels or len(levels) > 8 or any(not 0 <= v <= 1000 for v in levels):
            raise ValidationError(gettext("Give 1 to 8 budget levels, each 0–1000 %."))
        return levels

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The model's own validation (run by the ModelForm) sees the converted values.
        if "budget_levels" in cleaned:
            self.instance.budget_levels_pct = cleaned["budget_levels"]
        if cleaned.get("base_budget_wan") is not None:
            self.instance.base_budget_yuan = cleaned["base_budget_wan"] * 10_000
        return cleaned

    def add_error(self, field: str | None, error: Any) -> None:
        # The model names the fields in yuan and percent lists; the form in its own terms.
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            aliases = {"budget_levels_pct": "budget_levels", "base_budget_yuan": "base_budget_wan"}
            error = ValidationError({aliases.get(k, k): v for k, v in error.error_dict.items()})
        super().add_error(aliases_get(field), error)

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}
        data["budget_levels_pct"] = self.cleaned_data["budget_levels"]
        data["base_budget_yuan"] = self.cleaned_data["base_budget_wan"] * 10_000
        return data


class TreatmentForm(forms.ModelForm):  # type: ignore[type-arg]
    road_classes = forms.MultipleChoiceField(
        label=_("Road classes"),
        choices=TechClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every road class."),
    )
    pavements = forms.MultipleChoiceField(
        label=_("Pavements"),
        choices=Pavement.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every pavement."),
    )

    class Meta:
        model = Treatment
        fields = list(catalogue.EDITABLE_FIELDS)
        widgets = {
            "source": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }
