"""Plan → projects: approved plan items, merged into chainage ranges, become draft works
projects (``planning.approval``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import actors, audit
from zhiyang.core.actors import SYSTEM, Actor, audit_user
from zhiyang.core.choices import AuditAction
from zhiyang.network.chainage import format_chainage
from zhiyang.planning.models import PlanItem

APPROVAL = "planning.approval"
#: Adjacent plan items closer than this (m) are one chainage range.
MERGE_GAP_M = 1.0
#: Construction season of a project made from the plan (北方: April to October).
SEASON = ((4, 1), (10, 31))


@dataclass
class Range:
    """Adjacent plan items of one route, direction, treatment and year."""

    items: list[PlanItem]

    @property
    def first(self) -> PlanItem:
        return self.items[0]

    @property
    def start_m(self) -> float:
        return min(i.start_m for i in self.items)

    @property
    def end_m(self) -> float:
        return max(i.end_m for i in self.items)

    @property
    def cost_yuan(self) -> float:
        return sum(i.cost_yuan for i in self.items)

    @property
    def area_m2(self) -> float:
        return sum(i.area_m2 for i in self.items)

    @property
    def length_m(self) -> float:
        return sum(i.length_m for i in self.items)


def merge_ranges(items: Iterable[PlanItem]) -> list[Range]:
    """Group items into chainage ranges: same route, direction, treatment and year, each
    starting where the previous ended (within ``MERGE_GAP_M``). Ordered by year, route,
    direction, chainage."""
    ordered = sorted(
        items,
        key=lambda i: (
            i.run_id,
            i.year,
            i.route.code,
            i.direction,
            i.treatment,
            i.start_m,
            i.pk or 0,
        ),
    )
    ranges: list[Range] = []
    for item in ordered:
        last = ranges[-1] if ranges else None
        if (
            last is not None
            and last.first.run_id == item.run_id
            and last.first.route_id == item.route_id
            and last.first.direction == item.direction
            and last.first.treatment == item.treatment
            and last.first.year == item.year
            and item.start_m <= last.end_m + MERGE_GAP_M
        ):
            last.items.append(item)
        else:
            ranges.append(Range([item]))
    return sorted(
        ranges, key=lambda r: (r.first.year, r.first.route.code, r.first.direction, r.start_m)
    )


def approve_items(*, actor: Actor, items: Iterable[PlanItem]) -> list[Any]:
    """Approve plan items and turn them into draft works projects, one per merged chainage
    range (estimated cost = the sum of the items' costs). Items already approved are left
    alone, so approving twice creates nothing new; an approved item whose draft project was
    deleted (the project's ``on_delete`` cleared the link) can be approved again. Returns the
    new projects."""
    from zhiyang.works import services as works_services
    from zhiyang.works.choices import ProjectSource
    from zhiyang.works.choices import Treatment as TreatmentCode

    if not actors.may(actor, APPROVAL, "change"):
        raise PermissionDenied(_("You may not approve plan items."))
    pks = [i.pk for i in items]
    projects = []
    with transaction.atomic():
        pending = list(
            PlanItem.objects.select_for_update()
            .filter(Q(approved=False) | Q(project__isnull=True), pk__in=pks)
            .select_related("route", "run__scenario__organisation")
            .order_by("pk")
        )
        now = timezone.now()
        for block in merge_ranges(pending):
            first = block.first
            scenario = first.run.scenario
            name = _("%(route)s %(start)s–%(end)s %(treatment)s (%(year)d)") % {
                "route": first.route.code,
                "start": format_chainage(block.start_m),
                "end": format_chainage(block.end_m),
                "treatment": TreatmentCode(first.treatment).label,
                "year": first.year,
            }
            project = works_services.create_project(
                # Approval is a planning right; the project is made by the system for the
                # approver (managers may approve plans without creating projects by hand).
                actor=SYSTEM,
                created_by=audit_user(actor),
                organisation=scenario.organisation,
                name=name[:200],
                route=first.route,
                start_m=block.start_m,
                end_m=block.end_m,
                treatment=first.treatment,
                contract_value_yuan=Decimal(str(round(block.cost_yuan, 2))),
                planned_start=dt.date(first.year, *SEASON[0]),
                planned_end=dt.date(first.year, *SEASON[1]),
                source=ProjectSource.PLAN,
                description=_(
                    "From scenario “%(scenario)s”, budget level %(pct)s %%: %(n)d evaluation units."
                )
                % {
                    "scenario": scenario.name,
                    "pct": f"{first.run.budget_pct:g}",
                    "n": len(block.items),
                },
            )
            projects.append(project)
            for item in block.items:
                before = audit.snapshot(item)
                item.approved = True
                item.approved_by = audit_user(actor)
                item.approved_at = now
                item.project = project
                item.save(update_fields=["approved", "approved_by", "approved_at", "project"])
                audit.record(
                    actor=actor,
                    action=AuditAction.UPDATE,
                    obj=item,
                    before=before,
                    after=audit.snapshot(item),
                )
    return projects
