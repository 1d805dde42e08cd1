"""Patrol measures: coverage (km patrolled vs planned per route and week), findings per
km, share of repairs closed within their deadline, mean time to repair, backlog by age.

Everything is computed over the rows the actor may see (``restrict_for_totals``)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from zhiyang.core.access import restrict_for_totals
from zhiyang.core.actors import Actor
from zhiyang.patrol.choices import FindingStatus, TaskStatus
from zhiyang.patrol.models import Finding, Patrol, PatrolPlan, RepairTask
from zhiyang.patrol.services.rules import plan_interval_days

#: Backlog age buckets (days since the task was created): label → (from, to) inclusive.
BACKLOG_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-2", 0, 2),
    ("3-7", 3, 7),
    ("8-30", 8, 30),
    (">30", 31, None),
)


def period_from(params: Mapping[str, Any]) -> tuple[datetime.date, datetime.date]:
    """``since``/``until`` dates from query parameters (default: the last 7 days)."""
    today = timezone.localdate()

    def parse(name: str, default: datetime.date) -> datetime.date:
        try:
            return datetime.date.fromisoformat(str(params.get(name) or ""))
        except ValueError:
            return default

    until = parse("until", today)
    since = parse("since", until - datetime.timedelta(days=6))
    return (since, until) if since <= until else (until, since)


def planned_patrols(plan: PatrolPlan, since: datetime.date, until: datetime.date) -> int:
    """How many patrols of ``plan`` fall due between two dates (inclusive)."""
    return sum(1 for _ in due_days(plan, since, until))


def due_days(plan: PatrolPlan, since: datetime.date, until: datetime.date) -> list[datetime.date]:
    """The days a plan's patrols fall due: every interval (of the day's season) from its
    start."""
    days: list[datetime.date] = []
    day = plan.starts_on
    while day <= until:
        if day >= since:
            days.append(day)
        day += datetime.timedelta(days=plan_interval_days(plan, day))
    return days


def calendar(
    plans: list[PatrolPlan], since: datetime.date, until: datetime.date
) -> list[dict[str, Any]]:
    """Per plan, each due day: done (a patrol of the plan within its interval), missed (the
    interval has passed without one) or due (still open)."""
    today = timezone.localdate()
    done_days: dict[int, set[datetime.date]] = defaultdict(set)
    patrols = Patrol.objects.filter(
        plan__in=plans,
        started_at__date__gte=since,
        started_at__date__lte=until + datetime.timedelta(days=90),
    ).values_list("plan_id", "started_at")
    for plan_id, started in patrols:
        done_days[plan_id].add(timezone.localdate(started))
    rows = []
    for plan in plans:
        cells = []
        for day in due_days(plan, since, until):
            window_end = day + datetime.timedelta(days=plan_interval_days(plan, day) - 1)
            done = any(day <= d <= window_end for d in done_days[plan.pk])
            state = "done" if done else ("missed" if window_end < today else "due")
            cells.append({"day": day, "state": state})
        rows.append({"plan": plan, "cells": cells})
    return rows


def coverage_by_route_week(
    *, actor: Actor, since: datetime.date, until: datetime.date
) -> list[dict[str, Any]]:
    """Km patrolled vs planned per route and ISO week."""
    planned: dict[tuple[str, str], float] = defaultdict(float)
    plans = restrict_for_totals(PatrolPlan.objects.filter(active=True), actor).select_related(
        "route"
    )
    for plan in plans:
        for day in due_days(plan, since, until):
            year, week, _ = day.isocalendar()
            planned[(plan.route.code, f"{year}-W{week:02d}")] += plan.length_km
    done: dict[tuple[str, str], float] = defaultdict(float)
    patrols = restrict_for_totals(
        Patrol.objects.filter(started_at__date__gte=since, started_at__date__lte=until), actor
    ).values_list("route__code", "started_at", "covered_km")
    for code, started, km in patrols:
        year, week, _ = timezone.localdate(started).isocalendar()
        done[(code, f"{year}-W{week:02d}")] += km
    rows = []
    for key in sorted(set(planned) | set(done)):
        plan_km, done_km = planned.get(key, 0.0), done.get(key, 0.0)
        rows.append(
            {
                "route": key[0],
                "week": key[1],
                "planned_km": round(plan_km, 2),
                "patrolled_km": round(done_km, 2),
                "coverage": round(done_km / plan_km, 3) if plan_km else None,
            }
        )
    return rows


def summary(*, actor: Actor, since: datetime.date, until: datetime.date) -> dict[str, Any]:
    """All the measures of a period (dates inclusive) as plain JSON-able values."""
    now = timezone.now()
    patrols = restrict_for_totals(
        Patrol.objects.filter(started_at__date__gte=since, started_at__date__lte=until), actor
    )
    km = patrols.aggregate(km=Sum("covered_km"))["km"] or 0.0
    findings = restrict_for_totals(
        Finding.objects.filter(reported_at__date__gte=since, reported_at__date__lte=until), actor
    )
    n_findings = findings.count()
    by_category = dict(
        findings.values_list("category").annotate(n=Count("pk")).values_list("category", "n")
    )
    tasks = restrict_for_totals(RepairTask.objects.all(), actor)
    closed = list(
        tasks.filter(
            status=TaskStatus.CLOSED, verified_at__date__gte=since, verified_at__date__lte=until
        ).values_list("created_at", "repaired_at", "deadline")
    )
    in_time = sum(1 for _c, repaired, deadline in closed if repaired and repaired <= deadline)
    hours = [
        (repaired - created).total_seconds() / 3600.0
        for created, repaired, _d in closed
        if repaired is not None
    ]
    backlog = {label: 0 for label, _a, _b in BACKLOG_BUCKETS}
    open_tasks = tasks.exclude(status=TaskStatus.CLOSED).values_list("created_at", flat=True)
    for created in open_tasks:
        age = (timezone.localdate(now) - timezone.localdate(created)).days
        for label, lo, hi in BACKLOG_BUCKETS:
            if age >= lo and (hi is None or age <= hi):
                backlog[label] += 1
                break
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "patrols": patrols.count(),
        "patrolled_km": round(km, 2),
        "findings": n_findings,
        "findings_by_category": by_category,
        "findings_per_km": round(n_findings / km, 3) if km else None,
        "to_triage": restrict_for_totals(
            Finding.objects.filter(status=FindingStatus.NEW), actor
        ).count(),
        "tasks_closed": len(closed),
        "closed_within_deadline": in_time,
        "share_closed_within_deadline": round(in_time / len(closed), 3) if closed else None,
        "mean_time_to_repair_h": round(sum(hours) / len(hours), 1) if hours else None,
        "open_tasks": sum(backlog.values()),
        "overdue_tasks": tasks.filter(status=TaskStatus.OPEN, deadline__lt=now).count(),
        "backlog_by_age_days": backlog,
        "coverage": coverage_by_route_week(actor=actor, since=since, until=until),
    }
