"""Forms of the patrol pages (the phone forms work offline: ``client_uuid``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from zhiyang.core.access import restrict
from zhiyang.core.models import User
from zhiyang.fleet.models import Equipment
from zhiyang.network.models import Route
from zhiyang.patrol.choices import FindingCategory, FindingKind, QuantityUnit, Severity, Triage
from zhiyang.patrol.models import PatrolPlan, RepairTask
from zhiyang.people.models import Crew
from zhiyang.safety.forms import ChainageInput


def _scoped(form: forms.BaseForm, user: Any, **models: Any) -> None:
    for name, model in models.items():
        field = form.fields[name]
        field.queryset = restrict(model.objects.all(), user, "view")  # type: ignore[attr-defined]


class PlanForm(forms.ModelForm[PatrolPlan]):
    start_m = ChainageInput(label=gettext_lazy("Start chainage"))
    end_m = ChainageInput(label=gettext_lazy("End chainage"))

    class Meta:
        model = PatrolPlan
        fields = [
            "name", "route", "start_m", "end_m", "interval_days", "winter_interval_days",
            "rainy_interval_days", "crew", "vehicle", "starts_on", "active", "note",
        ]  # fmt: skip
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scoped(self, user, route=Route, crew=Crew, vehicle=Equipment)


class PatrolUploadForm(forms.Form):
    """The end of a patrol, as the recording page sends it (once, maybe from the outbox)."""

    plan = forms.ModelChoiceField(
        label=gettext_lazy("Plan"), queryset=PatrolPlan.objects.none(), required=False
    )
    route = forms.ModelChoiceField(
        label=gettext_lazy("Route"), queryset=Route.objects.none(), required=False
    )
    vehicle = forms.ModelChoiceField(
        label=gettext_lazy("Vehicle"), queryset=Equipment.objects.none(), required=False
    )
    weather = forms.CharField(label=gettext_lazy("Weather"), max_length=40, required=False)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    started_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    ended_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    track = forms.CharField(required=False, widget=forms.HiddenInput)
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scoped(self, user, plan=PatrolPlan, route=Route, vehicle=Equipment)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("plan") is None and data.get("route") is None:
            self.add_error("route", gettext_lazy("Choose the plan or the route."))
        return data


class FindingForm(forms.Form):
    """The quick finding on the phone: photo, GPS (or route + chainage), what, how bad."""

    photo = forms.ImageField(label=gettext_lazy("Photo"), required=False)
    lon = forms.FloatField(
        label=gettext_lazy("Longitude"), required=False, min_value=-180, max_value=180
    )
    lat = forms.FloatField(
        label=gettext_lazy("Latitude"), required=False, min_value=-90, max_value=90
    )
    route = forms.ModelChoiceField(
        label=gettext_lazy("Route"), queryset=Route.objects.none(), required=False
    )
    chainage_m = ChainageInput(
        label=gettext_lazy("Chainage"),
        required=False,
        help_text=gettext_lazy("K12+345; leave empty to take it from the GPS position."),
    )
    category = forms.ChoiceField(label=gettext_lazy("Category"), choices=FindingCategory.choices)
    kind = forms.ChoiceField(label=gettext_lazy("Type"), choices=FindingKind.choices)
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"), choices=[("", "—"), *Severity.choices], required=False
    )
    urgent = forms.BooleanField(label=gettext_lazy("Urgent: a danger to traffic"), required=False)
    quantity = forms.FloatField(label=gettext_lazy("Quantity"), min_value=0, initial=1)
    unit = forms.ChoiceField(label=gettext_lazy("Unit"), choices=QuantityUnit.choices)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    patrol_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scoped(self, user, route=Route)
        self.fields["photo"].widget.attrs.update({"accept": "image/*", "capture": "environment"})
        for name in ("lon", "lat"):
            self.fields[name].widget.attrs.update({"step": "any", "inputmode": "decimal"})

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if not data.get("photo"):
            data.pop("photo", None)
        return data


class TriageForm(forms.Form):
    decision = forms.ChoiceField(label=gettext_lazy("Decision"), choices=Triage.choices)
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assign to"), queryset=User.objects.none(), required=False
    )
    crew = forms.ModelChoiceField(
        label=gettext_lazy("Crew"), queryset=Crew.objects.none(), required=False
    )
    work_item_code = forms.CharField(
        label=gettext_lazy("Work item code"), max_length=40, required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scoped(self, user, crew=Crew)
        self.fields["assignee"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            is_active=True, organisation=getattr(user, "organisation", None)
        ).order_by("username")


class RepairForm(forms.ModelForm[RepairTask]):
    quantity_done = forms.FloatField(label=gettext_lazy("Quantity repaired"), min_value=0)

    class Meta:
        model = RepairTask
        fields = ["quantity_done", "materials", "machine", "photo_before", "photo_after"]
        widgets = {"materials": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _scoped(self, user, machine=Equipment)
        for name in ("photo_before", "photo_after"):
            self.fields[name].widget.attrs.update({"accept": "image/*", "capture": "environment"})

    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("verify", gettext_lazy("Accept and close")), ("reject", gettext_lazy("Reject"))],
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class QuickFindingForm(FindingForm):
    """The finding form on the patrol page: the position comes from the track's last fix."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        for name in ("lon", "lat", "route", "chainage_m"):
            self.fields[name].widget = forms.HiddenInput()
