"""Background tasks of the people app (django-tasks; ``zhiyang worker`` runs them)."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from zhiyang.people import services


@task()
def record_certificate_alerts(day: str | None = None) -> int:
    """Record the day's certificate expiry alerts (idempotent: once per certificate and day).

    Enqueue it daily (cron: ``zhiyang people cert-alerts --record`` does the same in the
    foreground). ``day`` is an ISO date for reruns; default today.
    """
    today = dt.date.fromisoformat(day) if day else None
    return services.record_certificate_alerts(today=today)
