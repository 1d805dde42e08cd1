"""Forms of the people pages; every choice list is limited to what the user may use."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.core.access import restrict
from zhiyang.people import services
from zhiyang.people.models import Briefing, Certificate, Crew, TrainingRecord, Worker


class CheckInForm(forms.Form):
    """The phone check-in: who, where, and the position the browser reported."""

    worker = forms.ModelChoiceField(label=_("Worker"), queryset=Worker.objects.none())
    work_zone = forms.ModelChoiceField(
        label=_("Work zone"),
        queryset=Worker.objects.none(),
        help_text=_("Nearest active work zones first, once your position is known."),
    )
    lon = forms.FloatField(min_value=-180, max_value=180, widget=forms.HiddenInput)
    lat = forms.FloatField(min_value=-90, max_value=90, widget=forms.HiddenInput)
    accuracy_m = forms.FloatField(min_value=0, required=False, widget=forms.HiddenInput)
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workers = services.checkin_workers(user).select_related("organisation")
        self.fields["worker"].queryset = workers  # type: ignore[attr-defined]
        own = workers.filter(user=user).first()
        if own is not None:
            self.fields["worker"].initial = own.pk
        self.fields["work_zone"].queryset = services.checkin_zones(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors.get("lon") or self.errors.get("lat"):
            self.errors.pop("lon", None)
            self.errors.pop("lat", None)
            self.add_error(
                None,
                _(
                    "Your position is not known yet: allow location access and wait for the "
                    "GPS fix."
                ),
            )
        return cleaned


class BriefingForm(forms.ModelForm[Briefing]):
    class Meta:
        model = Briefing
        fields = ["date", "crew", "work_zone", "topic", "content", "given_by", "attendees", "photo"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "content": forms.Textarea(attrs={"rows": 4}),
            "attendees": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workers = restrict(Worker.objects.filter(active=True), user, "view")
        self.fields["crew"].queryset = restrict(Crew.objects.all(), user, "view")  # type: ignore[attr-defined]
        self.fields["work_zone"].queryset = services.zones_in_scope(user)  # type: ignore[attr-defined]
        self.fields["given_by"].queryset = workers  # type: ignore[attr-defined]
        self.fields["attendees"].queryset = workers  # type: ignore[attr-defined]
        self.fields["date"].initial = timezone.localdate()


class WorkerForm(forms.ModelForm[Worker]):
    """A worker. The ID number field is left out for roles that may not see it in full; an
    account to link is chosen among the active users of the editor's organisation."""

    class Meta:
        model = Worker
        fields = ["name", "id_number", "phone", "trade", "employer", "photo", "user", "active"]
        widgets = {"id_number": forms.TextInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.contrib.auth import get_user_model

        from zhiyang.people.identity import may_see_identity

        if not may_see_identity(user):
            del self.fields["id_number"]
        accounts = get_user_model().objects.filter(is_active=True)
        if not user.is_superuser:
            accounts = accounts.filter(organisation_id=user.organisation_id)
        self.fields["user"].queryset = accounts.order_by("username")  # type: ignore[attr-defined]


class CertificateForm(forms.ModelForm[Certificate]):
    class Meta:
        model = Certificate
        fields = ["cert_type", "number", "issuer", "valid_from", "valid_until", "scan"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}),
            "valid_until": forms.DateInput(attrs={"type": "date"}),
        }


class TrainingForm(forms.ModelForm[TrainingRecord]):
    class Meta:
        model = TrainingRecord
        fields = ["level", "date", "hours", "topic", "trainer"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


def service_values(form: Any) -> dict[str, Any]:
    """A form's values for a service: an untouched file field is left out, a ticked "clear"
    empties it."""
    data = dict(form.cleaned_data)
    for name, field in form.fields.items():
        if isinstance(field, forms.FileField):
            if data.get(name) is False:
                data[name] = ""  # "clear" ticked
            elif not data.get(name):
                data.pop(name, None)
    return data
