"""Forms of the core app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhiyang.core import login


class LimitedAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing attempts while a username or address is locked out."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed attempts. Wait a few minutes before trying again."),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        address = login.client_address(self.request)
        if login.is_locked(username=username, address=address):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login.note_attempt(username=username, address=address, succeeded=False)
            raise
        login.note_attempt(username=username, address=address, succeeded=True)
        return cleaned


def add_service_errors(
    form: Any, exc: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError on the form: each field's errors on that field (or on
    the form field ``aliases`` names for it), errors of fields the form lacks on the form."""
    aliases = aliases or {}
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = aliases.get(field, field)
            for error in errors:
                form.add_error(target if target in form.fields else None, error)
    else:
        form.add_error(None, exc)
