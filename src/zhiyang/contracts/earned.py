"""Earned value on real money: the certified value of a project's work (certified
quantities × the unit prices on the lines), registered with ``works.progress``.

A contract linked to one project gives it every certified line; a contract linked to
several gives each project the lines of the BOQ items whose quantity mappings point at
that project (its own mapping or a work order of it). Certified periods count when their
month has started by the status date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from zhiyang.contracts.choices import PeriodStatus
from zhiyang.contracts.models import Contract, MeasurementLine, QuantityMapping


def certified_value(project_ids: Iterable[int], day: dt.date) -> dict[int, Decimal]:
    wanted = set(project_ids)
    if not wanted:
        return {}
    result: dict[int, Decimal] = defaultdict(Decimal)
    contracts = Contract.objects.filter(projects__in=wanted).distinct().prefetch_related("projects")
    for contract in contracts:
        projects = [p.pk for p in contract.projects.all()]
        lines = MeasurementLine.objects.filter(
            period__contract=contract,
            period__status=PeriodStatus.CERTIFIED,
            period__month__lte=day,
        )
        if len(projects) == 1:
            if projects[0] in wanted:
                for line in lines:
                    result[projects[0]] += line.amount_yuan
            continue
        item_project: dict[int, int] = {}
        for m in QuantityMapping.objects.filter(contract=contract).select_related("work_order"):
            pk = m.project_id or (m.work_order.project_id if m.work_order else None)
            if pk in wanted:
                item_project.setdefault(m.item_id, pk)
        for line in lines.filter(item_id__in=item_project):
            result[item_project[line.item_id]] += line.amount_yuan
    return dict(result)
