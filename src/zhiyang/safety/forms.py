"""Forms of the safety pages (single column on a phone; chainages typed as K12+345)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.core.access import restrict
from zhiyang.core.models import User
from zhiyang.network.chainage import ChainageError, format_chainage, parse_chainage
from zhiyang.network.models import Route
from zhiyang.safety.choices import CauseCategory, HazardLevel
from zhiyang.safety.models import Incident, Inspection, InspectionTemplate, WorkZone


class ChainageInput(forms.CharField):
    """A chainage typed as ``K12+345`` (or metres); cleaned to metres."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("help_text", gettext_lazy("K12+345"))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int | float):
            return format_chainage(value)
        return value

    def clean(self, value: Any) -> float | None:  # type: ignore[override]
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        try:
            return parse_chainage(text)
        except (ChainageError, ValueError) as exc:
            raise ValidationError(_("Write the chainage as K12+345.")) from exc


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _routes(user: Any) -> Any:
    return restrict(Route.objects.all(), user, "view").order_by("code")


class WorkZoneForm(forms.ModelForm[WorkZone]):
    work_start_m = ChainageInput(label=gettext_lazy("Work area start"))
    work_end_m = ChainageInput(label=gettext_lazy("Work area end"))

    class Meta:
        model = WorkZone
        fields = [
            "name",
            "route",
            "direction",
            "work_start_m",
            "work_end_m",
            "closed_lane",
            "closed_lanes",
            "lane_width_m",
            "normal_speed_kmh",
            "speed_limit_kmh",
            "downgrade_pct",
            "planned_start",
            "planned_end",
            "status",
            "geofence_margin_m",
            "carriageway_width_m",
            "note",
        ]
        widgets = {
            "planned_start": _date_widget(),
            "planned_end": _date_widget(),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["route"].queryset = _routes(user)  # type: ignore[attr-defined]
        for name in ("lane_width_m", "downgrade_pct", "geofence_margin_m", "carriageway_width_m"):
            self.fields[name].widget.attrs.update({"step": "any", "inputmode": "decimal"})

    def _post_clean(self) -> None:
        # The service validates the model (with the computed layout); skip the form's copy.
        pass

    def service_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data
        }


class DesignForm(forms.Form):
    """The calculator on the work-zone list (kernel only)."""

    speed_limit_kmh = forms.FloatField(
        label=gettext_lazy("Work-zone speed limit (km/h)"), min_value=1, max_value=200, initial=60
    )
    normal_speed_kmh = forms.FloatField(
        label=gettext_lazy("Normal speed limit (km/h)"), min_value=1, max_value=200, required=False
    )
    downgrade_pct = forms.FloatField(
        label=gettext_lazy("Downgrade (%)"), min_value=0, max_value=30, initial=0
    )
    work_length_m = forms.FloatField(
        label=gettext_lazy("Work-area length (m)"), min_value=1, max_value=100_000, initial=400
    )


class HazardReportForm(forms.Form):
    """The phone form: photo, GPS position (or route + chainage), what and how serious."""

    photo = forms.ImageField(label=gettext_lazy("Photo"), required=False)
    lon = forms.FloatField(
        label=gettext_lazy("Longitude"), required=False, min_value=-180, max_value=180
    )
    lat = forms.FloatField(
        label=gettext_lazy("Latitude"), required=False, min_value=-90, max_value=90
    )
    route = forms.ModelChoiceField(
        label=gettext_lazy("Route"),
        queryset=Route.objects.none(),
        required=False,
        help_text=gettext_lazy("Only needed when you type the chainage by hand."),
    )
    chainage = ChainageInput(
        label=gettext_lazy("Chainage"),
        required=False,
        help_text=gettext_lazy("K12+345; leave empty to take it from the GPS position."),
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Level"), choices=HazardLevel.choices, initial=HazardLevel.GENERAL
    )
    description = forms.CharField(
        label=gettext_lazy("What is the hazard?"), widget=forms.Textarea(attrs={"rows": 3})
    )
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["route"].queryset = _routes(user)  # type: ignore[attr-defined]
        self.fields["photo"].widget.attrs.update({"accept": "image/*", "capture": "environment"})
        for name in ("lon", "lat"):
            self.fields[name].widget.attrs.update({"step": "any", "inputmode": "decimal"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_gps = data.get("lon") is not None and data.get("lat") is not None
        if data.get("chainage") is None and not has_gps:
            raise ValidationError(
                _("Locate yourself with the GPS button, or choose the route and the chainage.")
            )
        if data.get("chainage") is not None and data.get("route") is None:
            self.add_error("route", _("Choose the route of the chainage."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        values: dict[str, Any] = {
            "lon": data.get("lon"),
            "lat": data.get("lat"),
            "route": data.get("route"),
            "chainage_m": data.get("chainage"),
            "level": data["level"],
            "description": data["description"],
            "client_uuid": data.get("client_uuid"),
        }
        if data.get("photo"):
            values["photo"] = data["photo"]
        return values


class HazardStepForm(forms.Form):
    """One form for every step; the page shows the fields the step needs."""

    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assign to"), queryset=User.objects.none(), required=False
    )
    deadline = forms.DateField(
        label=gettext_lazy("Rectification deadline"), required=False, widget=_date_widget()
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = forms.ImageField(label=gettext_lazy("Photo"), required=False)

    def __init__(self, *args: Any, candidates: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["assignee"].queryset = candidates  # type: ignore[attr-defined]
        self.fields["photo"].widget.attrs.update({"accept": "image/*", "capture": "environment"})


class InspectionPlanForm(forms.ModelForm[Inspection]):
    chainage_m = ChainageInput(label=gettext_lazy("Chainage"), required=False)

    class Meta:
        model = Inspection
        fields = ["template", "work_zone", "route", "chainage_m", "planned_date", "note"]
        widgets = {"planned_date": _date_widget(), "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = InspectionTemplate.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["work_zone"].queryset = restrict(  # type: ignore[attr-defined]
            WorkZone.objects.exclude(status="closed"), user, "view"
        )
        self.fields["route"].queryset = _routes(user)  # type: ignore[attr-defined]
        self.fields["route"].required = False

    def _post_clean(self) -> None:
        pass

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("work_zone") and not data.get("route"):
            raise ValidationError(_("Choose a work zone or a route."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return data


class IncidentForm(forms.ModelForm[Incident]):
    chainage_m = ChainageInput(label=gettext_lazy("Chainage"), required=False)
    cause_categories = forms.MultipleChoiceField(
        label=gettext_lazy("Cause categories (人/机/料/法/环)"),
        choices=CauseCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Incident
        fields = [
            "occurred_at",
            "route",
            "chainage_m",
            "location",
            "work_zone",
            "incident_type",
            "severity",
            "injuries",
            "fatalities",
            "description",
            "direct_causes",
            "root_causes",
            "cause_categories",
            "corrective_actions",
            "status",
        ]
        widgets = {
            "occurred_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "description": forms.Textarea(attrs={"rows": 3}),
            "direct_causes": forms.Textarea(attrs={"rows": 2}),
            "root_causes": forms.Textarea(attrs={"rows": 2}),
            "corrective_actions": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["route"].queryset = _routes(user)  # type: ignore[attr-defined]
        self.fields["work_zone"].queryset = restrict(WorkZone.objects.all(), user, "view")  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        pass

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)
