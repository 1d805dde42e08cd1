"""Forms of the contracts pages (drawn by core/pages/includes/fields.html)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiyang.contracts.models import AssessmentTemplate, Contract
from zhiyang.core.access import restrict
from zhiyang.network.models import Route


class ContractForm(forms.ModelForm):
    class Meta:
        model = Contract
        fields = [
            "code",
            "name",
            "kind",
            "status",
            "organisation",
            "owner_name",
            "contractor_name",
            "supervisor_name",
            "owner_organisation",
            "supervisor_organisation",
            "start_date",
            "end_date",
            "value_yuan",
            "retention_pct",
            "retention_cap_pct",
            "advance_yuan",
            "advance_recovery_pct",
            "projects",
            "routes",
            "note",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }


class BoqImportForm(forms.Form):
    file = forms.FileField(
        label=_("BOQ workbook"),
        help_text=_("The owner's .xlsx (or a CSV in UTF-8 or GB18030)."),
    )


class OpenPeriodForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class AssessmentForm(forms.Form):
    """The phone form of the owner's assessment: a count and a photo per template item."""

    contract = forms.ModelChoiceField(label=_("Contract"), queryset=Contract.objects.none())
    template = forms.ModelChoiceField(
        label=_("Template"), queryset=AssessmentTemplate.objects.filter(is_active=True)
    )
    month = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    route = forms.ModelChoiceField(label=_("Route"), queryset=Route.objects.none(), required=False)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    final = forms.BooleanField(label=_("Final (goes to the payment certificate)"), required=False)

    def __init__(
        self, *args: Any, user: Any, template: AssessmentTemplate | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        contracts = restrict(Contract.objects.all(), user)
        self.fields["contract"].queryset = contracts  # type: ignore[attr-defined]
        # The routes of the contracts the user is a party to (an owner has no network scope).
        self.fields["route"].queryset = Route.objects.filter(  # type: ignore[attr-defined]
            pk__in=contracts.values("routes")
        ).order_by("code")
        self.initial.setdefault("month", dt.date.today().strftime("%Y-%m"))
        self.sheet = template or AssessmentTemplate.objects.filter(is_active=True).first()
        if self.sheet is not None:
            self.initial.setdefault("template", self.sheet.pk)
            for item in self.sheet.items.all():
                self.fields[f"count_{item.code}"] = forms.DecimalField(
                    label=f"{item.code} {item.name}",
                    min_value=0,
                    initial=0,
                    required=False,
                    help_text=item.get_rule_display(),
                    widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
                )
                self.fields[f"photo_{item.code}"] = forms.ImageField(
                    label=_("Photo"),
                    required=False,
                    widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
                )

    def entries(self) -> dict[str, dict[str, Any]]:
        result: dict[str, dict[str, Any]] = {}
        if self.sheet is None:
            return result
        for item in self.sheet.items.all():
            count = self.cleaned_data.get(f"count_{item.code}") or 0
            photo = self.cleaned_data.get(f"photo_{item.code}")
            result[item.code] = {"count": count, **({"photo": photo} if photo else {})}
        return result
