"""Writes of the notify app: channel settings (validated, secrets encrypted, audited), test
messages, a person's preferences and subscriptions (audited), reading the inbox.

Raising a notification is ``zhiyang.notify.events.raise_event`` (re-exported by
``zhiyang.notify``). Marking inbox items read is a person's own bookkeeping on rows only
they see: it is not audited (it would double the audit trail for no reader).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import audit
from zhiyang.core.actors import Actor, may
from zhiyang.core.choices import AuditAction
from zhiyang.core.services import ensure_in_scope
from zhiyang.notify.channels import adapter_for
from zhiyang.notify.choices import PERSONAL, ChannelKind, DeliveryStatus, Severity
from zhiyang.notify.delivery import secrets_of
from zhiyang.notify.events import _enqueue_delivery, group_delivery, render_languages
from zhiyang.notify.kinds import _KINDS
from zhiyang.notify.models import Channel, Delivery, Event, InboxItem, Preference, Subscription
from zhiyang.notify.subscriptions import PERSONAL_CHOICES

CHANNEL_FIELDS = ("name", "enabled", "kinds", "min_severity", "rate_per_minute")


def _require(actor: Actor, resource: str, action: str) -> None:
    if not may(actor, resource, action):
        raise PermissionDenied


# --------------------------------------------------------------------------- channels


def channel_settings(
    kind: str, values: Mapping[str, Any], previous: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split form values into shown settings and secrets; a blank secret keeps ``previous``."""
    config: dict[str, Any] = {}
    secrets: dict[str, Any] = {}
    for field in adapter_for(kind).fields:
        value = values.get(field.name, field.default)
        if isinstance(value, str):
            value = value.strip()
        if field.secret:
            if value in (None, "") and previous:
                value = previous.get(field.name, "")
            if value not in (None, ""):
                secrets[field.name] = value
        elif value not in (None, ""):
            config[field.name] = int(value) if field.kind == "int" and _is_int(value) else value
    return config, secrets


def _is_int(value: Any) -> bool:
    try:
        int(value)
    except (TypeError, ValueError):
        return False
    return True


def _validate_channel(channel: Channel, secrets: Mapping[str, Any]) -> None:
    errors: dict[str, list[str]] = {}
    if channel.kind == ChannelKind.INBOX or channel.kind not in ChannelKind.values:
        errors["kind"] = [_("Choose a channel type.")]
    else:
        for name, message in adapter_for(channel.kind).validate(channel.config, secrets).items():
            errors.setdefault(name, []).append(message)
    unknown = [k for k in channel.kinds if k not in _KINDS]
    if unknown:
        errors["kinds"] = [_("Unknown kinds: %(kinds)s") % {"kinds": ", ".join(unknown)}]
    if channel.kind in PERSONAL and channel.kinds:
        errors["kinds"] = [_("E-mail and SMS follow each person's subscriptions.")]
    if errors:
        raise ValidationError(errors)


def save_channel(
    *,
    actor: Actor,
    organisation: Any,
    kind: str,
    values: Mapping[str, Any],
    channel: Channel | None = None,
) -> Channel:
    """Create or update a channel from form values; validated, audited (secrets as ***)."""
    _require(actor, "notify.channel", "add" if channel is None else "change")
    with transaction.atomic():
        before = audit.snapshot(channel) if channel is not None else None
        previous = secrets_of(channel) if channel is not None else None
        obj = channel or Channel(organisation=organisation, kind=kind)
        config, secrets = channel_settings(obj.kind, values, previous)
        for name in CHANNEL_FIELDS:
            if name in values:
                setattr(obj, name, values[name])
        obj.config = config
        _validate_channel(obj, secrets)
        obj.secrets = json.dumps(secrets, ensure_ascii=False) if secrets else ""
        obj.updated_at = timezone.now()
        obj.full_clean()
        obj.save()
        ensure_in_scope(actor=actor, obj=obj, action="change" if channel else "add")
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE if channel else AuditAction.CREATE,
            obj=obj,
            before=before,
            after=audit.snapshot(obj),
        )
    return obj


def delete_channel(*, actor: Actor, channel: Channel) -> None:
    _require(actor, "notify.channel", "delete")
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=AuditAction.DELETE,
            obj=channel,
            before=audit.snapshot(channel),
            after=None,
        )
        channel.delete()


def send_test_message(*, actor: Actor, channel: Channel, address: str = "") -> Delivery:
    """Queue a test message to one channel (to ``address`` for e-mail and SMS); the worker
    sends it and its outcome shows in the channel's delivery log."""
    _require(actor, "notify.channel", "change")
    if channel.kind in (ChannelKind.EMAIL, ChannelKind.SMS):
        default = getattr(actor, "email" if channel.kind == ChannelKind.EMAIL else "phone", "")
        address = (address or default or "").strip()
        if not address:
            raise ValidationError({"address": [_("Enter where the test message should go.")]})
    title = render_languages(
        lambda: _("Test message from Zhiyang to %(channel)s") % {"channel": channel.name}
    )
    with transaction.atomic():
        event = Event.objects.create(
            kind="notify.test",
            severity=Severity.INFO,
            organisation_id=channel.organisation_id,
            url="/notifications/",
            title=title,
            body=render_languages(lambda: _("If you can read this, the channel's settings work.")),
        )
        delivery = group_delivery(event, channel, timezone.now())
        if address:
            delivery.address = address
            delivery.target = f"{channel.kind}:c{channel.pk}:test"
        delivery.save()
    transaction.on_commit(_enqueue_delivery)
    return delivery


# --------------------------------------------------------------------------- people


def save_preferences(
    *,
    actor: Actor,
    user: Any,
    preference: Mapping[str, Any],
    subscriptions: Mapping[str, Mapping[str, Any]],
) -> Preference:
    """A person's quiet hours, digest hour, language and per-kind choices; audited.

    ``subscriptions`` maps a kind to ``{"channels": [...], "digest": bool}``; a kind left
    out keeps (or returns to) the role's default.
    """
    if actor != user and not may(actor, "notify.preference", "change"):
        raise PermissionDenied
    with transaction.atomic():
        pref, _created = Preference.objects.get_or_create(user=user)
        before = audit.snapshot(pref)
        for name in ("quiet_start", "quiet_end", "digest_hour", "language"):
            if name in preference:
                setattr(pref, name, preference[name])
        pref.full_clean()
        pref.save()
        for kind, choice in subscriptions.items():
            if kind not in _KINDS and kind != "*":
                raise ValidationError({"kind": [_("Unknown kind %(kind)s.") % {"kind": kind}]})
            channels = [c for c in choice.get("channels", []) if c in PERSONAL_CHOICES]
            Subscription.objects.update_or_create(
                user=user,
                kind=kind,
                defaults={"channels": channels, "digest": bool(choice.get("digest"))},
            )
        after = audit.snapshot(pref)
        after["subscriptions"] = {
            s.kind: {"channels": s.channels, "digest": s.digest}
            for s in Subscription.objects.filter(user=user)
        }
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=pref, before=before, after=after)
    return pref


def reset_subscription(*, actor: Actor, user: Any, kind: str) -> None:
    """Back to the role's default for ``kind``; audited."""
    if actor != user and not may(actor, "notify.preference", "change"):
        raise PermissionDenied
    with transaction.atomic():
        pref, _created = Preference.objects.get_or_create(user=user)
        deleted, _rows = Subscription.objects.filter(user=user, kind=kind).delete()
        if deleted:
            audit.record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=pref,
                before={"subscription": kind},
                after={"subscription": kind, "reset": True},
            )


# --------------------------------------------------------------------------- inbox


def mark_read(*, actor: Actor, items: Iterable[InboxItem]) -> int:
    """Mark the actor's own inbox items read (others' are ignored); returns how many."""
    ids = [i.pk for i in items if i.user_id == getattr(actor, "pk", None)]
    return InboxItem.objects.filter(pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(*, actor: Actor) -> int:
    """Mark every unread item of the actor's inbox read."""
    user_id = getattr(actor, "pk", None)
    if user_id is None:
        return 0
    return InboxItem.objects.filter(user_id=user_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return InboxItem.objects.filter(user=user, read_at__isnull=True).count()


def retry_failed(*, actor: Actor, delivery: Delivery) -> Delivery:
    """Send a failed delivery again (after its channel's settings were fixed); audited."""
    _require(actor, "notify.channel", "change")
    with transaction.atomic():
        before = audit.snapshot(delivery)
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        delivery.refresh_from_db()
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=delivery,
            before=before,
            after=audit.snapshot(delivery),
        )
    transaction.on_commit(_enqueue_delivery)
    return delivery
