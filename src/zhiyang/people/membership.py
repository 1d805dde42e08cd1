"""Who the signed-in person is on site: their worker record and their crews.

Used by the pages that answer "what do I have to do" (the today page, the check-in), so
every app finds a user's crews the same way: a crew is theirs when they lead it or are a
member, and only active workers count.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from zhiyang.people.models import Crew, Worker


def worker_of(user: Any) -> Worker | None:
    """The active worker record linked to ``user``'s account, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Worker.objects.filter(user=user, active=True).first()


def crews_of(user: Any) -> QuerySet[Crew]:
    """The crews ``user`` leads or belongs to (none when the account has no worker)."""
    worker = worker_of(user)
    if worker is None:
        return Crew.objects.none()
    return Crew.objects.filter(Q(leader=worker) | Q(members=worker)).distinct()
