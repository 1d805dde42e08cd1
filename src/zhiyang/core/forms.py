"""Forms of the core app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
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
