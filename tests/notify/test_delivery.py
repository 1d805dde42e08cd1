"""The outbox: retries with backoff and a log row per try, permanent failures, per-channel
rate limits that defer instead of sleeping, recovery of a dead worker's claim, the next run
scheduled for when something is due."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from zhiyang.core.actors import SYSTEM
from zhiyang.notify import delivery, services
from zhiyang.notify.events import raise_event
from zhiyang.notify.models import Delivery, DeliveryAttempt

pytestmark = pytest.mark.django_db


def robot(org: Any, receiver: Any, **values: Any) -> Any:
    return services.save_channel(
        actor=SYSTEM,
        organisation=org,
        kind="wecom",
        values={"name": "robot", "url": receiver.url("/wecom", "key=k"), **values},
    )


def hazard(site: dict[str, Any], n: int = 0) -> Any:
    return raise_event(
        actor=SYSTEM,
        kind="safety.hazard_new",
        obj=site["sec_east"],
        title=f"Hazard {n}",
        key=f"h{n}",
    )


def test_retry_with_backoff_then_sent(two_districts, receiver) -> None:
    robot(two_districts["org_east"], receiver)
    receiver.answers["/wecom"] = (502, {"error": "bad gateway"})
    event = hazard(two_districts)
    assert delivery.deliver_due() == {"sent": 0, "failed": 1, "deferred": 0}
    row = Delivery.objects.get(event=event)
    assert row.status == "pending" and row.attempts == 1 and "502" in row.last_error
    wait = (row.next_attempt_at - timezone.now()).total_seconds()
    assert 10 < wait <= delivery.backoff_s(1)
    assert delivery.deliver_due()["failed"] == 0  # not due yet
    # The next run is scheduled for when the retry is due.
    task = DBTaskResult.objects.filter(status="READY").order_by("-enqueued_at").first()
    assert task is not None and abs((task.run_after - row.next_attempt_at).total_seconds()) < 1
    receiver.answers["/wecom"] = (200, {"errcode": 0, "errmsg": "ok"})
    Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver_due()["sent"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    log = list(DeliveryAttempt.objects.filter(delivery=row).order_by("time"))
    assert [a.ok for a in log] == [False, True] and "502" in log[0].reason


def test_backoff_grows_and_is_capped() -> None:
    waits = [delivery.backoff_s(n) for n in range(1, 12)]
    assert waits[:4] == [15, 30, 60, 120]
    assert waits == sorted(waits) and max(waits) == delivery.BACKOFF_MAX_S


def test_gives_up_after_max_attempts(two_districts, receiver) -> None:
    robot(two_districts["org_east"], receiver)
    receiver.answers["/wecom"] = (503, {})
    event = hazard(two_districts)
    row = Delivery.objects.get(event=event)
    for _n in range(delivery.MAX_ATTEMPTS):
        Delivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        delivery.deliver_due()
    row.refresh_from_db()
    assert row.status == "failed" and row.attempts == delivery.MAX_ATTEMPTS
    assert DeliveryAttempt.objects.filter(delivery=row, ok=False).count() == delivery.MAX_ATTEMPTS


def test_rate_limit_defers_the_rest(two_districts, receiver) -> None:
    robot(two_districts["org_east"], receiver, rate_per_minute=3)
    for n in range(5):
        hazard(two_districts, n)
    counts = delivery.deliver_due()
    assert counts["sent"] == 3 and counts["deferred"] == 2
    assert len(receiver.received) == 3
    waiting = Delivery.objects.filter(status="pending")
    first_sent = Delivery.objects.filter(status="sent").order_by("sent_at").first()
    for row in waiting:
        assert row.next_attempt_at >= first_sent.sent_at + dt.timedelta(seconds=60)
        assert row.attempts == 0  # a deferral is not a failed try


def test_abandoned_claim_is_released(two_districts, receiver) -> None:
    robot(two_districts["org_east"], receiver)
    event = hazard(two_districts)
    row = Delivery.objects.get(event=event)
    # A worker on this host whose process is gone (pid 2**22 + 1 cannot exist on Linux).
    Delivery.objects.filter(pk=row.pk).update(
        status="sending",
        claimed_by=f"{delivery.socket.gethostname()}:4194305:dead",
        lease_until=timezone.now() + dt.timedelta(seconds=60),
    )
    assert delivery.release_abandoned() == 1
    # A live worker's claim (ours) stays until its lease runs out.
    Delivery.objects.filter(pk=row.pk).update(
        status="sending",
        claimed_by=delivery.worker_id(),
        lease_until=timezone.now() + dt.timedelta(seconds=60),
    )
    assert delivery.release_abandoned() == 0
    assert delivery.release_abandoned(timezone.now() + dt.timedelta(seconds=61)) == 1
    assert delivery.deliver_due()["sent"] == 1


def test_worker_start_recovers(two_districts, receiver) -> None:
    from zhiyang.core.signals import worker_started

    robot(two_districts["org_east"], receiver)
    hazard(two_districts)
    DBTaskResult.objects.all().delete()  # as if the tasks were lost with a killed worker
    worker_started.send(sender=None)
    assert DBTaskResult.objects.filter(status="READY").exists()


def test_switched_off_channel_fails_permanently(two_districts, receiver) -> None:
    channel = robot(two_districts["org_east"], receiver)
    event = hazard(two_districts)
    channel.enabled = False
    channel.save()
    delivery.deliver_due()
    assert Delivery.objects.get(event=event).status == "failed"
    assert not receiver.received
