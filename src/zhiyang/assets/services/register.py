"""The structures register: every bridge, tunnel and culvert with its latest technical
condition class and the due dates of its 经常/定期 inspections (intervals as data,
``data/inspection_intervals.toml``); the daily check that raises overdue notifications."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from zhiyang.assets import catalogue
from zhiyang.assets.choices import AssetStatus, InspectionKind
from zhiyang.assets.models import Asset
from zhiyang.core.actors import Actor


@dataclass(frozen=True)
class Due:
    """When a structure's next inspection of one kind is due (None: never inspected, due
    now) and whether that day has passed."""

    kind: str
    last: dt.date | None
    due: dt.date | None
    overdue: bool


def structures(queryset: QuerySet[Asset] | None = None) -> QuerySet[Asset]:
    """In-service bridges, tunnels and culverts, annotated with the last routine and
    periodic inspection days (``last_routine``, ``last_periodic``)."""
    rows = queryset if queryset is not None else Asset.objects.all()
    return (
        rows.exclude(asset_type__structure="")
        .filter(status=AssetStatus.IN_SERVICE)
        .select_related("asset_type", "route", "district")
        .annotate(
            last_routine=Max(
                "inspections__inspected_on",
                filter=_kind_q(InspectionKind.ROUTINE),
            ),
            last_periodic=Max(
                "inspections__inspected_on",
                filter=_kind_q(InspectionKind.PERIODIC),
            ),
        )
    )


def _kind_q(kind: str) -> Any:
    from django.db.models import Q

    return Q(inspections__kind=kind)


def due_dates(asset: Any, today: dt.date | None = None) -> list[Due]:
    """The routine and periodic due dates of an annotated structure (see ``structures``)."""
    today = today or timezone.localdate()
    intervals = catalogue.inspection_intervals()[asset.asset_type.structure]
    out = []
    for kind in (InspectionKind.ROUTINE, InspectionKind.PERIODIC):
        last = getattr(asset, f"last_{kind}", None)
        due = None if last is None else last + dt.timedelta(days=intervals[str(kind)])
        out.append(Due(str(kind), last, due, due is None or due < today))
    return out


def raise_overdue(*, actor: Actor, today: dt.date | None = None) -> int:
    """One ``assets.inspection_due`` notification per overdue structure and kind and day
    (idempotent by key); returns how many were raised. Run daily (``zhiyang assets due``)."""
    from zhiyang.notify.events import raise_event

    today = today or timezone.localdate()
    raised = 0
    for asset in structures():
        for due in due_dates(asset, today):
            if not due.overdue or due.due is None:
                continue  # never inspected: shown in the register, not an alarm every day
            raise_event(
                actor=actor,
                kind="assets.inspection_due",
                obj=asset,
                severity="warning",
                title=gettext_noop("%(asset)s: %(kind)s inspection overdue since %(day)s"),
                params={"asset": str(asset), "kind": due.kind, "day": due.due.isoformat()},
                key=f"assets:due:{asset.pk}:{due.kind}:{due.due.isoformat()}",
            )
            raised += 1
    return raised
