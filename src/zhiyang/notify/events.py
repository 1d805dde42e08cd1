"""Raising a notification: the one function every app calls (``raise_event``).

The event is stored with its message rendered in every site language, then fanned out in the
same transaction: an inbox item per person told, an outbox ``Delivery`` per person and
channel (e-mail, SMS) and per group channel (robots, webhook). The background worker sends
the outbox after the commit; nothing is sent inside the caller's request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from zhiyang.core.actors import Actor, audit_user
from zhiyang.core.roles import resource_of
from zhiyang.notify import recipients
from zhiyang.notify.choices import ChannelKind, DeliveryStatus, Severity
from zhiyang.notify.kinds import get_kind
from zhiyang.notify.models import Delivery, Event, InboxItem
from zhiyang.notify.subscriptions import Preferences

Text = str | Callable[[], Any]


def render_languages(text: Any, params: Mapping[str, Any] | None = None) -> dict[str, str]:
    """``text`` in every site language.

    ``text`` is a msgid (marked with ``gettext_noop``) formatted with ``params`` (whose lazy
    values translate too), a lazy string, or a callable called in each language (e.g.
    ``alarm.message``).
    """
    out: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            if callable(text):
                out[code] = str(text())
            else:
                rendered = gettext(text) if isinstance(text, str) else str(text)
                if params:
                    rendered = rendered % {k: _plain(v) for k, v in params.items()}
                out[code] = rendered
    return out


def _plain(value: Any) -> Any:
    return value if isinstance(value, int | float) else str(value)


def _url_of(obj: models.Model | None) -> str:
    getter = getattr(obj, "get_absolute_url", None)
    try:
        return str(getter()) if getter else ""
    except Exception:
        return ""


def raise_event(
    *,
    actor: Actor,
    kind: str,
    title: Text,
    message: Text = "",
    params: Mapping[str, Any] | None = None,
    obj: models.Model | None = None,
    organisation: Any = None,
    severity: str = Severity.INFO,
    roles: Iterable[str] | None = None,
    users: Iterable[Any] = (),
    key: str | None = None,
    url: str | None = None,
) -> Event:
    """Raise a notification of ``kind`` about ``obj``; returns the event.

    - ``roles`` default to the kind's registered roles; ``users`` are told by name (both only
      if they may see ``obj``); the actor is not told about their own action.
    - ``key`` makes the call idempotent: a second event with the same key is not raised
      (the first is returned), e.g. ``f"alarm:{alarm.pk}:raised"``.
    - ``title``/``message`` with ``params`` are rendered in every language now.
    """
    registered = get_kind(kind)
    if severity not in Severity.values:
        raise ValueError(f"unknown severity {severity!r}")
    if obj is None and organisation is None and not users:
        raise ValueError("an event needs an object, an organisation or users to tell")
    if key is not None:
        found = Event.objects.filter(key=key).first()
        if found is not None:
            return found
    org_id = getattr(organisation, "pk", organisation)
    event = Event(
        kind=kind,
        severity=severity,
        organisation_id=org_id,
        resource=resource_of(type(obj)) if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        url=url if url is not None else _url_of(obj),
        title=render_languages(title, params),
        body=render_languages(message, params) if message else {},
        roles=list(registered.roles if roles is None else roles),
        user_ids=sorted({getattr(u, "pk", u) for u in users}),
        key=key,
    )
    actor_user = audit_user(actor)
    try:
        with transaction.atomic():
            event.save()
            queued = fan_out(event, obj, exclude_id=actor_user.pk if actor_user else None)
    except IntegrityError:
        # The same key raised concurrently by another process: that one stands.
        found = Event.objects.filter(key=key).first() if key else None
        if found is None:
            raise
        return found
    if queued:
        transaction.on_commit(_enqueue_delivery)
    return event


def _enqueue_delivery() -> None:
    """Wake the worker (after the commit). One waiting run is enough: it starts after our
    commit, so it sees these rows; a run already going loops until nothing is due."""
    from django.utils import timezone

    from zhiyang.notify.delivery import already_scheduled
    from zhiyang.notify.tasks import deliver

    if not already_scheduled(timezone.now()):
        deliver.enqueue()


def fan_out(event: Event, obj: models.Model | None, *, exclude_id: int | None = None) -> int:
    """Inbox items and outbox deliveries of ``event``; returns how many deliveries wait.

    Unique constraints (one inbox item per person, one delivery per target) make it safe to
    run twice.
    """
    now = timezone.now()
    people = recipients.people(
        roles=event.roles,
        user_ids=event.user_ids,
        obj=obj,
        organisation_id=event.organisation_id,
        exclude_id=exclude_id,
    )
    prefs = Preferences([u.pk for u in people])
    own_channels = recipients.personal_channels(u.organisation_id for u in people)
    site_mail = bool(getattr(settings, "EMAIL_HOST", ""))
    inbox: list[InboxItem] = []
    outbox: list[Delivery] = []
    for user in people:
        choice = prefs.choice(user, event.kind, event.severity)
        if ChannelKind.INBOX in choice.channels:
            inbox.append(InboxItem(user=user, event=event, created_at=now))
        for kind in (ChannelKind.EMAIL, ChannelKind.SMS):
            address = user.email if kind == ChannelKind.EMAIL else user.phone
            if kind not in choice.channels or not address:
                continue
            if choice.digest and kind == ChannelKind.SMS:
                continue  # the digest replaces each message; it is an e-mail
            channel = (
                own_channels.get((user.organisation_id, kind)) if user.organisation_id else None
            )
            if channel is None and not (kind == ChannelKind.EMAIL and site_mail):
                continue
            status, due = DeliveryStatus.PENDING, now
            if choice.digest:
                status, due = DeliveryStatus.DIGEST, prefs.digest_at(user, now)
            elif event.severity != Severity.CRITICAL:
                due = prefs.quiet_until(user, now) or now
            outbox.append(
                Delivery(
                    event=event,
                    kind=kind,
                    channel=channel,
                    recipient=user,
                    target=f"{kind}:u{user.pk}",
                    address=address,
                    language=prefs.language(user),
                    status=status,
                    next_attempt_at=due,
                    created_at=now,
                )
            )
    for channel in recipients.group_channels(
        kind=event.kind,
        severity=event.severity,
        obj=obj,
        organisation_id=event.organisation_id,
    ):
        outbox.append(group_delivery(event, channel, now))
    InboxItem.objects.bulk_create(inbox, ignore_conflicts=True)
    Delivery.objects.bulk_create(outbox, ignore_conflicts=True)
    return sum(1 for d in outbox if d.status == DeliveryStatus.PENDING)


def group_delivery(event: Event, channel: Any, now: Any) -> Delivery:
    return Delivery(
        event=event,
        kind=channel.kind,
        channel=channel,
        target=f"{channel.kind}:c{channel.pk}",
        language=(channel.config or {}).get("language") or settings.LANGUAGE_CODE,
        next_attempt_at=now,
        created_at=now,
    )
