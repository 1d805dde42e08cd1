"""Forms of the notify pages: a channel's settings (fields from its adapter; secrets never
shown back), a test message, a person's notification preferences."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zhiyang.core.models import Organisation
from zhiyang.notify.channels import adapter_for
from zhiyang.notify.choices import ChannelKind, Severity
from zhiyang.notify.delivery import secrets_of
from zhiyang.notify.kinds import all_kinds, kind_choices
from zhiyang.notify.models import Channel, Subscription
from zhiyang.notify.subscriptions import PERSONAL_CHOICES, default_channels

#: Kinds people do not choose for themselves.
INTERNAL_KINDS = ("notify.test", "notify.digest")
SETTINGS_KINDS = tuple(c for c in ChannelKind.values if c != ChannelKind.INBOX)


class ChannelForm(forms.Form):
    """A channel's common settings and its adapter's own; validated by the service."""

    name = forms.CharField(label=_("Name"), max_length=100)
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    min_severity = forms.ChoiceField(
        label=_("Lowest severity"), choices=Severity.choices, initial=Severity.INFO
    )
    rate_per_minute = forms.IntegerField(
        label=_("Messages per minute at most"),
        min_value=1,
        max_value=10_000,
        initial=20,
        help_text=_("Further messages wait; the platforms block a robot that sends too many."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Notification kinds"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only these kinds go to this channel; none ticked means every kind."),
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        instance: Channel | None = None,
        user: Any = None,
        **kwargs: Any,
    ) -> None:
        self.kind = kind
        self.instance = instance
        if instance is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "name": instance.name,
                "enabled": instance.enabled,
                "min_severity": instance.min_severity,
                "rate_per_minute": instance.rate_per_minute,
                "kinds": instance.kinds,
                **instance.config,
            }
        super().__init__(*args, **kwargs)
        kinds_field = self.fields["kinds"]
        assert isinstance(kinds_field, forms.ChoiceField)
        kinds_field.choices = [c for c in kind_choices() if c[0] not in INTERNAL_KINDS]
        if kind in (ChannelKind.EMAIL, ChannelKind.SMS):
            del self.fields["kinds"]  # they follow each person's subscriptions
        if instance is None:
            self.fields["organisation"] = forms.ModelChoiceField(
                label=_("Organisation"), queryset=_organisations(user), initial=_org_of(user)
            )
        stored = secrets_of(instance)
        for spec in adapter_for(kind).fields:
            self.fields[spec.name] = _form_field(spec, stored_secret=bool(stored.get(spec.name)))

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.setdefault("kinds", [])
        return data


def _organisations(user: Any) -> Any:
    everything = getattr(user, "is_superuser", False) or getattr(
        getattr(user, "organisation", None), "whole_network", False
    )
    if everything:
        return Organisation.objects.all()
    org_id = getattr(user, "organisation_id", None)
    if org_id is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(pk=org_id)


def _org_of(user: Any) -> Any:
    return getattr(user, "organisation_id", None)


def _form_field(spec: Any, *, stored_secret: bool) -> forms.Field:
    help_text = spec.help
    if spec.secret:
        if stored_secret:
            help_text = _("Stored encrypted; leave blank to keep it.")
        return forms.CharField(
            label=spec.label,
            required=False,
            # Echoes only what was just typed (a form with errors); stored secrets are never
            # put into the form's initial values.
            widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "off"}),
            help_text=help_text,
            max_length=1000,
        )
    if spec.kind == "bool":
        return forms.BooleanField(label=spec.label, required=False, initial=spec.default)
    if spec.kind == "choice":
        return forms.ChoiceField(
            label=spec.label, choices=spec.choices, required=False, initial=spec.default
        )
    # Text, numbers, URLs and addresses are checked by the channel's adapter (one place,
    # the same errors for the page and the service).
    return forms.CharField(
        label=spec.label,
        required=False,
        initial=spec.default,
        help_text=help_text,
        max_length=500,
    )


class TestMessageForm(forms.Form):
    address = forms.CharField(
        label=_("Send to"),
        required=False,
        max_length=254,
        help_text=_("For e-mail and SMS: the address or phone number (default: your own)."),
    )


class PreferenceForm(forms.Form):
    """Quiet hours, digest hour, language, and per kind: own channels or the role's."""

    quiet_start = forms.TimeField(label=_("Quiet hours from"), required=False)
    quiet_end = forms.TimeField(
        label=_("Quiet hours until"),
        required=False,
        help_text=_("E-mail and SMS wait until the quiet hours end (critical ones do not)."),
    )
    digest_hour = forms.IntegerField(
        label=_("Digest hour"),
        min_value=0,
        max_value=23,
        initial=8,
        help_text=_("When the daily digest e-mail is sent (site time)."),
    )
    language = forms.ChoiceField(label=_("Language of messages"), required=False)

    def __init__(self, *args: Any, user: Any, preference: Any = None, **kwargs: Any) -> None:
        from django.conf import settings

        own = {s.kind: s for s in Subscription.objects.filter(user=user)}
        initial = kwargs.setdefault("initial", {})
        if preference is not None:
            for name in ("quiet_start", "quiet_end", "digest_hour", "language"):
                initial.setdefault(name, getattr(preference, name))
        super().__init__(*args, **kwargs)
        language = self.fields["language"]
        assert isinstance(language, forms.ChoiceField)
        language.choices = [("", _("The site's language")), *settings.LANGUAGES]
        self.kinds = [k for k in all_kinds() if k.code not in INTERNAL_KINDS]
        channel_choices = [(c.value, c.label) for c in PERSONAL_CHOICES]
        for kind in self.kinds:
            sub = own.get(kind.code)
            defaults = default_channels(user.role, kind.code, Severity.CRITICAL)
            self.fields[f"default__{kind.code}"] = forms.BooleanField(
                label=_("The role's default"), required=False, initial=sub is None
            )
            self.fields[f"channels__{kind.code}"] = forms.MultipleChoiceField(
                label=kind.label,
                choices=channel_choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=list(sub.channels if sub else defaults),
            )
            self.fields[f"digest__{kind.code}"] = forms.BooleanField(
                label=_("Daily digest instead"), required=False, initial=bool(sub and sub.digest)
            )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "kind": kind,
                "default": self[f"default__{kind.code}"],
                "channels": self[f"channels__{kind.code}"],
                "digest": self[f"digest__{kind.code}"],
            }
            for kind in self.kinds
        ]

    def preference_data(self) -> dict[str, Any]:
        return {k: self.cleaned_data.get(k) for k in ("quiet_start", "quiet_end", "language")} | {
            "digest_hour": self.cleaned_data.get("digest_hour") or 0
        }

    def subscription_data(self) -> tuple[dict[str, dict[str, Any]], list[str]]:
        """(kinds with own choices, kinds back to the role's default)."""
        own: dict[str, dict[str, Any]] = {}
        reset: list[str] = []
        for kind in self.kinds:
            if self.cleaned_data.get(f"default__{kind.code}"):
                reset.append(kind.code)
            else:
                own[kind.code] = {
                    "channels": self.cleaned_data.get(f"channels__{kind.code}") or [],
                    "digest": bool(self.cleaned_data.get(f"digest__{kind.code}")),
                }
        return own, reset
