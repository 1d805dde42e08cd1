"""Who gets which channel: the role defaults (data/subscriptions.toml) and each person's
overrides (``Subscription``, ``Preference``: quiet hours, digest hour, language)."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from zhiyang.notify.choices import PERSONAL, SEVERITY_RANK, ChannelKind, Severity
from zhiyang.notify.models import Preference, Subscription

DATA_FILE = Path(__file__).parent / "data" / "subscriptions.toml"
#: Channels a person may choose for themselves.
PERSONAL_CHOICES = (ChannelKind.INBOX, ChannelKind.EMAIL, ChannelKind.SMS)


@dataclass(frozen=True)
class Choice:
    """What one person gets for one event."""

    channels: tuple[str, ...]
    digest: bool = False


def parse_channel(spec: str) -> tuple[str, str]:
    """``"sms:critical"`` → ``("sms", "critical")``; ``"inbox"`` → ``("inbox", "info")``."""
    name, _sep, severity = spec.partition(":")
    severity = severity or Severity.INFO
    if name not in PERSONAL or severity not in SEVERITY_RANK:
        raise ValueError(f"unknown channel {spec!r} in {DATA_FILE.name}")
    return name, severity


@cache
def role_defaults() -> dict[str, dict[str, tuple[tuple[str, str], ...]]]:
    """``{role: {kind: ((channel, lowest severity), ...)}}`` from the data file (checked)."""
    data = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))
    out: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {}
    for role, kinds in data.get("roles", {}).items():
        out[role] = {
            kind: tuple(parse_channel(spec) for spec in specs) for kind, specs in kinds.items()
        }
    return out


def default_channels(role: str, kind: str, severity: str) -> tuple[str, ...]:
    """The channels of ``role`` for ``kind`` at ``severity`` by the data file."""
    table = role_defaults()
    for role_key, kind_key in ((role, kind), ("*", kind), (role, "*"), ("*", "*")):
        specs = table.get(role_key, {}).get(kind_key)
        if specs is not None:
            rank = SEVERITY_RANK.get(severity, 0)
            return tuple(c for c, lowest in specs if rank >= SEVERITY_RANK[lowest])
    return (ChannelKind.INBOX,)


class Preferences:
    """Every person's overrides, loaded once for a fan-out."""

    def __init__(self, user_ids: list[int]) -> None:
        self.subscriptions: dict[tuple[int, str], Subscription] = {
            (s.user_id, s.kind): s for s in Subscription.objects.filter(user_id__in=user_ids)
        }
        self.preferences: dict[int, Preference] = {
            p.user_id: p for p in Preference.objects.filter(user_id__in=user_ids)
        }

    def choice(self, user: Any, kind: str, severity: str) -> Choice:
        own = self.subscriptions.get((user.pk, kind)) or self.subscriptions.get((user.pk, "*"))
        if own is None:
            return Choice(default_channels(user.role, kind, severity))
        channels = tuple(c for c in own.channels if c in PERSONAL)
        return Choice(channels, digest=own.digest)

    def language(self, user: Any) -> str:
        pref = self.preferences.get(user.pk)
        return (pref.language if pref and pref.language else "") or settings.LANGUAGE_CODE

    def quiet_until(self, user: Any, now: dt.datetime) -> dt.datetime | None:
        """When the person's quiet hours end, if ``now`` is inside them (site time)."""
        pref = self.preferences.get(user.pk)
        if pref is None:
            return None
        return quiet_until(pref.quiet_start, pref.quiet_end, now)

    def digest_at(self, user: Any, now: dt.datetime) -> dt.datetime:
        pref = self.preferences.get(user.pk)
        return next_hour(pref.digest_hour if pref else 8, now)


def _site(now: dt.datetime) -> dt.datetime:
    return now.astimezone(ZoneInfo(settings.TIME_ZONE))


def quiet_until(start: dt.time | None, end: dt.time | None, now: dt.datetime) -> dt.datetime | None:
    """The end of the quiet period containing ``now`` (site time), or None outside it.

    A period may run over midnight (22:00–07:00). Equal ends mean no quiet hours.
    """
    if start is None or end is None or start == end:
        return None
    local = _site(now)
    t = local.timetz().replace(tzinfo=None)
    inside = start <= t < end if start < end else (t >= start or t < end)
    if not inside:
        return None
    day = local.date() if t < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=local.tzinfo)


def next_hour(hour: int, now: dt.datetime) -> dt.datetime:
    """The next time it is ``hour``:00 on the site's clock (today or tomorrow)."""
    local = _site(now)
    at = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    return at if at > local else at + dt.timedelta(days=1)
