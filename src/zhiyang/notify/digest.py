"""The daily digest: people who chose it get one e-mail a day listing the events that would
have been sent to them one by one (``Delivery`` rows held in status ``digest``).

The digest is itself an event (kind ``notify.digest``, key ``digest:<user>:<due time>``), so
its e-mail goes through the outbox like any other and is sent once even if this runs twice.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhiyang.core.models import User
from zhiyang.notify import recipients
from zhiyang.notify.choices import ChannelKind, DeliveryStatus
from zhiyang.notify.events import render_languages
from zhiyang.notify.models import Delivery, Event

MAX_LINES = 100


def send_due_digests() -> int:
    """Turn the held deliveries that are due into one digest e-mail per person."""
    now = timezone.now()
    held = (
        Delivery.objects.filter(status=DeliveryStatus.DIGEST, next_attempt_at__lte=now)
        .select_related("event")
        .order_by("recipient_id", "event__created_at")
    )
    by_user: dict[int, list[Delivery]] = defaultdict(list)
    for row in held:
        if row.recipient_id is not None:
            by_user[row.recipient_id].append(row)
    made = 0
    for user in User.objects.filter(pk__in=list(by_user)).select_related("organisation"):
        rows = by_user[user.pk]
        if _digest(user, rows):
            made += 1
    return made


def _digest(user: User, rows: list[Delivery]) -> bool:
    language = rows[0].language
    due = min(r.next_attempt_at for r in rows)
    key = f"digest:{user.pk}:{due:%Y%m%d%H}"

    def body() -> str:
        lines = [f"- {r.event.title_in(translation.get_language())}" for r in rows[:MAX_LINES]]
        if len(rows) > MAX_LINES:
            lines.append(_("… and %(n)d more in your inbox.") % {"n": len(rows) - MAX_LINES})
        return "\n".join(lines)

    count = len(rows)
    channel = recipients.personal_channels([user.organisation_id]).get(
        (user.organisation_id or 0, ChannelKind.EMAIL)
    )
    try:
        with transaction.atomic():
            event = Event.objects.create(
                kind="notify.digest",
                organisation_id=user.organisation_id,
                url="/notifications/",
                title=render_languages(
                    lambda: _("Zhiyang daily digest: %(n)d notifications") % {"n": count}
                ),
                body=render_languages(body),
                user_ids=[user.pk],
                key=key,
            )
            Delivery.objects.create(
                event=event,
                kind=ChannelKind.EMAIL,
                channel=channel,
                recipient=user,
                target=f"email:u{user.pk}",
                address=rows[0].address,
                language=language,
            )
            Delivery.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=DeliveryStatus.DIGESTED
            )
    except IntegrityError:
        return False  # this digest was made already (another worker)
    return True
