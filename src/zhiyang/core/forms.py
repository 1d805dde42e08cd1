"""Forms of the core app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zhiyang.core import login
from zhiyang.core.validators import validate_photo


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


class MultiplePhotoInput(forms.ClearableFileInput):
    """A file input for several photos at once. No ``capture``: the phone then offers both
    the camera and the gallery (a day's photos are often picked at the end of the day)."""

    allow_multiple_selected = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"accept": "image/*", **(attrs or {})})


class MultiplePhotoField(forms.ImageField):
    """Several photos in one field (``<input type=file multiple>``), each one a real image of
    at most MAX_PHOTO_BYTES (core.validators.validate_photo); at most ``max_count``.
    ``cleaned_data`` is a list (empty when none was sent)."""

    widget = MultiplePhotoInput

    def __init__(self, *, max_count: int = 10, **kwargs: Any) -> None:
        self.max_count = max_count
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > self.max_count:
            raise ValidationError(
                _("At most %(count)d photos at a time.") % {"count": self.max_count},
                code="too_many",
            )
        cleaned = []
        for upload in uploads:
            image = super().clean(upload, initial)
            validate_photo(image)
            cleaned.append(image)
        return cleaned
