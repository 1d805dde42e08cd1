"""Sending the outbox, from the background worker only (``notify.tasks.deliver``).

One delivery at a time is claimed by a conditional UPDATE (``pending`` → ``sending`` with a
lease and the worker's id), sent, and marked ``sent`` (or back to ``pending`` with a backoff,
or ``failed`` for good) together with its log row, in one transaction. So:

- a worker killed before a claim leaves the row ``pending``: the next worker sends it;
- a worker killed while sending leaves one row ``sending``: the next worker on this host
  sees its process is gone (or the lease runs out) and sends it again. That one message may
  arrive twice if the kill fell after the receiver took it and before the commit (about a
  millisecond); ``X-Zhiyang-Delivery`` (webhook, e-mail) lets a receiver drop the repeat;
- a row marked ``sent`` is never sent again; ``Delivery`` is unique per event and target, so
  no message is queued twice.

Rate limits are per channel, over the sent rows of the last minute (so they hold across
workers and restarts); a channel at its limit defers its waiting rows instead of sleeping.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import socket
import time
import uuid
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhiyang.core.crypto import SecretUnreadable
from zhiyang.notify.channels import Rendered, SendError, adapter_for
from zhiyang.notify.choices import ChannelKind, DeliveryStatus, Severity
from zhiyang.notify.kinds import get_kind
from zhiyang.notify.models import Channel, Delivery, DeliveryAttempt, Event

logger = logging.getLogger(__name__)

LEASE_S = 60  # longer than any send (HTTP and SMTP time out after 10 s)
MAX_ATTEMPTS = 8
BACKOFF_FIRST_S = 15
BACKOFF_MAX_S = 3600
#: Per-minute limit of e-mail sent through the site's own SMTP settings (no channel row).
SITE_MAIL_PER_MINUTE = 60
_WORKER_ID = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def worker_id() -> str:
    """This process's claim id: host, pid and a random part (a reused pid is not us)."""
    host, _pid, rest = _WORKER_ID.split(":", 2)
    return f"{host}:{os.getpid()}:{rest}"


def backoff_s(attempts: int) -> float:
    """Seconds before try ``attempts + 1``: 15 s, 30 s, 1 min, … capped at an hour."""
    return float(min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** max(0, attempts - 1)))


# --------------------------------------------------------------------------- claims


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def release_abandoned(now: dt.datetime | None = None) -> int:
    """Put back to ``pending`` the rows left ``sending`` by a worker that is gone: its lease
    ran out, or it ran on this host and its process no longer exists."""
    now = now or timezone.now()
    stuck = Delivery.objects.filter(status=DeliveryStatus.SENDING)
    host = socket.gethostname()
    dead: list[int] = []
    for pk, claimed_by, lease_until in stuck.values_list("pk", "claimed_by", "lease_until"):
        claim_host, _sep, rest = claimed_by.partition(":")
        pid_text = rest.partition(":")[0]
        gone = claim_host == host and pid_text.isdigit() and not _process_alive(int(pid_text))
        if gone or (lease_until is not None and lease_until < now):
            dead.append(pk)
    if not dead:
        return 0
    return Delivery.objects.filter(pk__in=dead, status=DeliveryStatus.SENDING).update(
        status=DeliveryStatus.PENDING,
        lease_until=None,
        claimed_by="",
        next_attempt_at=timezone.now(),
        last_error=_("The worker stopped while sending; sent again."),
    )


def _claim_next(now: dt.datetime) -> Delivery | None:
    me = worker_id()
    due = (
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:20]
    )
    for pk in due:
        claimed = Delivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.SENDING,
            lease_until=now + dt.timedelta(seconds=LEASE_S),
            claimed_by=me,
        )
        if claimed:
            return Delivery.objects.select_related("event", "channel", "recipient").get(pk=pk)
    return None


# --------------------------------------------------------------------------- rate limits


def _rate_limit(delivery: Delivery) -> int:
    if delivery.channel is not None:
        return delivery.channel.rate_per_minute
    return SITE_MAIL_PER_MINUTE


def _window(delivery: Delivery) -> Q:
    if delivery.channel_id is not None:
        return Q(channel_id=delivery.channel_id)
    return Q(channel__isnull=True, kind=delivery.kind)


def _limited_until(delivery: Delivery, now: dt.datetime) -> dt.datetime | None:
    """When the channel may send again, if it sent its limit in the last minute."""
    since = now - dt.timedelta(seconds=60)
    sent = Delivery.objects.filter(_window(delivery), sent_at__gt=since).order_by("-sent_at")
    limit = _rate_limit(delivery)
    times = [t for t in sent.values_list("sent_at", flat=True)[:limit] if t is not None]
    if len(times) < limit:
        return None
    return times[-1] + dt.timedelta(seconds=60)


# --------------------------------------------------------------------------- sending


def secrets_of(channel: Channel | None) -> dict[str, Any]:
    if channel is None or not channel.secrets:
        return {}
    try:
        data = json.loads(channel.secrets)
    except (ValueError, SecretUnreadable):
        return {}
    return data if isinstance(data, dict) else {}


def site_url(path: str) -> str:
    if not path or path.startswith(("http://", "https://")):
        return path
    return settings.NOTIFY_SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def render(event: Event, language: str, delivery_id: int = 0) -> Rendered:
    """The event in ``language`` for a channel (labels translated in that language)."""
    with translation.override(language):
        try:
            kind_label = str(get_kind(event.kind).label)
        except LookupError:
            kind_label = event.kind
        return Rendered(
            title=event.title_in(language),
            body=event.body_in(language),
            url=site_url(event.url),
            severity=event.severity,
            severity_label=str(Severity(event.severity).label),
            kind=event.kind,
            kind_label=kind_label,
            event_id=event.pk,
            delivery_id=delivery_id,
            language=language,
            created_at=event.created_at.isoformat(),
            titles=dict(event.title),
            bodies=dict(event.body),
            severity_labels=_labels(Severity(event.severity).label),
        )


def _labels(label: Any) -> dict[str, str]:
    out = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            out[code] = str(label)
    return out


def _send(delivery: Delivery) -> str:
    channel = delivery.channel
    if channel is not None and not channel.enabled:
        raise SendError(_("The channel is switched off."), permanent=True)
    if channel is None and delivery.kind != ChannelKind.EMAIL:
        raise SendError(_("The channel no longer exists."), permanent=True)
    message = render(delivery.event, delivery.language, delivery.pk)
    config = dict(channel.config) if channel is not None else {}
    secrets = secrets_of(channel)
    adapter = adapter_for(delivery.kind)
    with translation.override(delivery.language):
        return adapter.send(message, config=config, secrets=secrets, address=delivery.address)


def _finish(delivery: Delivery, *, ok: bool, reason: str, started: float, **fields: Any) -> None:
    duration = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, claimed_by=delivery.claimed_by).update(
            attempts=F("attempts") + 1, lease_until=None, claimed_by="", **fields
        )
        DeliveryAttempt.objects.create(
            delivery_id=delivery.pk, ok=ok, reason=reason[:500], duration_ms=duration
        )


def send_one(delivery: Delivery) -> bool:
    """Send a claimed delivery and record the outcome; True if it went."""
    started = time.monotonic()
    try:
        answer = _send(delivery)
    except SendError as exc:
        attempts = delivery.attempts + 1
        final = exc.permanent or attempts >= MAX_ATTEMPTS
        wait = max(backoff_s(attempts), exc.retry_after_s or 0)
        _finish(
            delivery,
            ok=False,
            reason=exc.reason,
            started=started,
            status=DeliveryStatus.FAILED if final else DeliveryStatus.PENDING,
            next_attempt_at=timezone.now() + dt.timedelta(seconds=wait),
            last_error=exc.reason,
        )
        return False
    except Exception as exc:
        logger.exception("delivery %s failed", delivery.pk)
        reason = f"{type(exc).__name__}: {exc}"[:500]
        _finish(
            delivery,
            ok=False,
            reason=reason,
            started=started,
            status=DeliveryStatus.PENDING,
            next_attempt_at=timezone.now() + dt.timedelta(seconds=backoff_s(delivery.attempts + 1)),
            last_error=reason,
        )
        return False
    _finish(
        delivery,
        ok=True,
        reason=answer,
        started=started,
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        last_error="",
    )
    return True


def deliver_due(*, max_messages: int | None = None) -> dict[str, int]:
    """Send every delivery that is due (and the digests that are), then schedule the next
    run for the earliest one that waits. Returns counts (sent, failed, deferred)."""
    from zhiyang.notify.digest import send_due_digests

    counts = {"sent": 0, "failed": 0, "deferred": 0}
    release_abandoned()
    send_due_digests()
    while max_messages is None or counts["sent"] + counts["failed"] < max_messages:
        now = timezone.now()
        delivery = _claim_next(now)
        if delivery is None:
            break
        until = _limited_until(delivery, now)
        if until is not None:
            Delivery.objects.filter(pk=delivery.pk, claimed_by=delivery.claimed_by).update(
                status=DeliveryStatus.PENDING,
                lease_until=None,
                claimed_by="",
                next_attempt_at=until,
            )
            waiting = Delivery.objects.filter(
                _window(delivery), status=DeliveryStatus.PENDING, next_attempt_at__lt=until
            ).update(next_attempt_at=until)
            counts["deferred"] += 1 + waiting
            continue
        counts["sent" if send_one(delivery) else "failed"] += 1
    schedule_next()
    return counts


def next_due() -> dt.datetime | None:
    """When something next waits: a pending delivery, a digest, or another worker's lease."""
    times = [
        Delivery.objects.filter(status=status).aggregate(t=Min(field))["t"]
        for status, field in (
            (DeliveryStatus.PENDING, "next_attempt_at"),
            (DeliveryStatus.DIGEST, "next_attempt_at"),
            (DeliveryStatus.SENDING, "lease_until"),
        )
    ]
    found = [t for t in times if t is not None]
    return min(found) if found else None


def schedule_next() -> None:
    """Enqueue a run of the outbox for when the next delivery is due (once)."""
    from zhiyang.notify.tasks import deliver

    due = next_due()
    if due is None:
        return
    if already_scheduled(due):
        return
    now = timezone.now()
    if due <= now:
        deliver.enqueue()
    else:
        deliver.using(run_after=due).enqueue()


def already_scheduled(due: dt.datetime) -> bool:
    """True if a run of the outbox that has not started is queued for ``due`` or earlier."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult, get_date_max

    from zhiyang.notify.tasks import deliver

    return DBTaskResult.objects.filter(
        Q(run_after__lte=due) | Q(run_after=get_date_max()),
        task_path=deliver.module_path,
        status=TaskResultStatus.READY,
    ).exists()


def on_worker_started(**kwargs: Mapping[str, Any]) -> None:
    """``core.signals.worker_started``: recover a dead worker's claims and run the outbox."""
    from zhiyang.notify.tasks import deliver

    try:
        release_abandoned()
        if next_due() is not None:
            deliver.enqueue()
    except Exception:
        logger.exception("notify: could not recover the outbox at worker start")
