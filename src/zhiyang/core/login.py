"""Login attempt limiting, shared by the login page and the API token endpoint.

After ``LOGIN_MAX_FAILURES`` failures within ``LOGIN_LOCKOUT_SECONDS`` for one username or
from one client address, further attempts are refused (even with the right password) until
the window has passed. Attempts are kept in the database so every server process agrees.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from zhiyang.core.models import LoginAttempt


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address as the server saw it (a proxy must be trusted to change it)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def is_locked(*, username: str, address: str | None) -> bool:
    """True if this username or address has too many recent failures."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    recent = LoginAttempt.objects.filter(time__gte=since, succeeded=False)
    limit = settings.LOGIN_MAX_FAILURES
    if recent.filter(username__iexact=username).count() >= limit:
        return True
    return address is not None and recent.filter(address=address).count() >= limit


def note_attempt(*, username: str, address: str | None, succeeded: bool) -> None:
    """Record an attempt; a success clears the username's earlier failures."""
    if succeeded:
        LoginAttempt.objects.filter(username__iexact=username, succeeded=False).delete()
    LoginAttempt.objects.create(username=username[:150], address=address, succeeded=succeeded)
