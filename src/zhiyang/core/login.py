"""Login attempt limiting, shared by the login page and the API token endpoint.

Within ``LOGIN_LOCKOUT_SECONDS``, attempts are refused (even with the right password) after
``LOGIN_MAX_FAILURES`` failures for one username from one address, and after
``SPREAD_FACTOR`` times as many for one username from anywhere (distributed guessing) or
from one address for any usernames (password spraying). The wider limits are higher so that
one person mistyping behind a shared address (a site office, a mobile carrier's NAT) does not
lock out everyone else. Attempts are kept in the database so every server process agrees.
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


SPREAD_FACTOR = 4


def is_locked(*, username: str, address: str | None) -> bool:
    """True if this username, address or pair has too many recent failures."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)
    recent = LoginAttempt.objects.filter(time__gte=since, succeeded=False)
    limit = settings.LOGIN_MAX_FAILURES
    by_user = recent.filter(username__iexact=username)
    if by_user.filter(address=address).count() >= limit:
        return True
    if by_user.count() >= limit * SPREAD_FACTOR:
        return True
    return address is not None and recent.filter(address=address).count() >= limit * SPREAD_FACTOR


def note_attempt(*, username: str, address: str | None, succeeded: bool) -> None:
    """Record an attempt; a success clears the username's earlier failures."""
    if succeeded:
        LoginAttempt.objects.filter(username__iexact=username, succeeded=False).delete()
    LoginAttempt.objects.create(username=username[:150], address=address, succeeded=succeeded)
