"""Notifications: events, the people and groups told about them, and how each was sent.

An ``Event`` is raised once by an app (``notify.raise_event``) with its message already
rendered in every language of the site. Raising it fans out, in the same transaction, to an
``InboxItem`` per recipient and a ``Delivery`` per recipient (e-mail, SMS) or group channel
(robots, webhook): the outbox. The background worker sends the deliveries; each attempt is
logged in ``DeliveryAttempt``. A ``Delivery`` is unique per event and target, so the same
message cannot be queued twice, and its status survives a worker that is killed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zhiyang.core import crypto
from zhiyang.core.access import scoped_through
from zhiyang.core.models import Organisation
from zhiyang.notify.choices import ChannelKind, DeliveryStatus, Severity


def pick_language(texts: dict[str, str], language: str | None = None) -> str:
    """The text in ``language`` (default: the active one), else the site's, else any."""
    language = (language or get_language() or settings.LANGUAGE_CODE).lower()
    for code in (language, language.split("-")[0], settings.LANGUAGE_CODE):
        if texts.get(code):
            return texts[code]
    return next(iter(texts.values()), "")


class Event(models.Model):
    """Something people must be told about: an alarm, an overdue hazard, a report to approve.

    ``title`` and ``body`` hold the message in every site language (``{"zh-hans": ..,
    "en": ..}``), so each reader and each channel gets it in their own language.
    """

    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.INFO
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    resource = models.CharField(_("resource"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    title = models.JSONField(_("title"), default=dict)
    body = models.JSONField(_("message"), default=dict)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    user_ids = models.JSONField(_("users"), default=list, blank=True)
    key = models.CharField(
        _("de-duplication key"), max_length=200, unique=True, null=True, blank=True
    )
    created_at = models.DateTimeField(_("raised at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification event")
        verbose_name_plural = _("notification events")

    def __str__(self) -> str:
        return f"{self.kind} {self.resource}#{self.object_id}"

    def title_in(self, language: str | None = None) -> str:
        return pick_language(self.title, language)

    def body_in(self, language: str | None = None) -> str:
        return pick_language(self.body, language)


class InboxItem(models.Model):
    """One event in one person's in-app inbox; unread until they open or mark it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("user"),
    )
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="inbox_items", verbose_name=_("event")
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("inbox message")
        verbose_name_plural = _("inbox messages")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notify_inbox_once_per_user")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notify_inbox_unread")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.event}"

    # The organisation's rows; views and the API narrow them to the reader's own.
    scope_q = scoped_through(organisation="user__organisation")

    @property
    def unread(self) -> bool:
        return self.read_at is None


class Channel(models.Model):
    """A way an organisation is told: its SMTP server, SMS gateway, a group robot, a webhook.

    ``config`` holds the settings that may be shown; ``secrets`` (robot URLs with their
    tokens, signing secrets, passwords, API keys) is encrypted at rest and never shown back.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="notify_channels",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("type"), max_length=12, choices=ChannelKind.choices)
    name = models.CharField(_("name"), max_length=100)
    enabled = models.BooleanField(_("enabled"), default=True)
    config = models.JSONField(_("settings"), default=dict, blank=True)
    secrets = crypto.EncryptedCharField(_("secrets"), blank=True, default="")
    kinds = models.JSONField(
        _("notification kinds"),
        default=list,
        blank=True,
        help_text=_("Only these kinds go to this channel; none ticked means every kind."),
    )
    min_severity = models.CharField(
        _("lowest severity"), max_length=8, choices=Severity.choices, default=Severity.INFO
    )
    rate_per_minute = models.PositiveIntegerField(
        _("messages per minute at most"),
        default=20,
        help_text=_("Further messages wait; the platforms block a robot that sends too many."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    scope_q = scoped_through(organisation="organisation")

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("notification channel")
        verbose_name_plural = _("notification channels")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="notify_channel_unique_name"
            ),
            models.CheckConstraint(
                condition=Q(rate_per_minute__gte=1), name="notify_channel_rate_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class Delivery(models.Model):
    """One message of one event to one target (a person on a channel, or a group channel):
    the outbox row the worker sends. ``target`` makes it unique per event."""

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    kind = models.CharField(_("channel type"), max_length=12, choices=ChannelKind.choices)
    channel = models.ForeignKey(
        Channel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("channel"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    target = models.CharField(_("target"), max_length=80)
    address = models.CharField(_("address"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    claimed_by = models.CharField(_("claimed by"), max_length=120, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["event", "target"], name="notify_delivery_once")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notify_delivery_due"),
            models.Index(fields=["channel", "sent_at"], name="notify_delivery_rate"),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.status}"

    scope_q = scoped_through(organisation=("channel__organisation", "recipient__organisation"))


class DeliveryAttempt(models.Model):
    """The delivery log: one row per try (sent, or failed with the reason)."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="log", verbose_name=_("delivery")
    )
    time = models.DateTimeField(_("time"), default=timezone.now)
    ok = models.BooleanField(_("sent"))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["-time", "-id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery log")

    def __str__(self) -> str:
        return f"{self.delivery_id} {'ok' if self.ok else self.reason}"


class Preference(models.Model):
    """A person's own choices: quiet hours, the digest hour and their language."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notify_preference",
        verbose_name=_("user"),
    )
    quiet_start = models.TimeField(_("quiet hours from"), null=True, blank=True)
    quiet_end = models.TimeField(_("quiet hours until"), null=True, blank=True)
    digest_hour = models.PositiveSmallIntegerField(_("digest hour"), default=8)
    language = models.CharField(
        _("language of messages"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(condition=Q(digest_hour__lte=23), name="notify_digest_hour")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}"


class Subscription(models.Model):
    """A person's override for one kind: which channels (none = muted), or the digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notify_subscriptions",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=60)
    channels = models.JSONField(_("channels"), default=list, blank=True)
    digest = models.BooleanField(_("daily digest instead of each message"), default=False)

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notify_subscription_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
