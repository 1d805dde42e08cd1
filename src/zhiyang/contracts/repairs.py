"""The ``patrol`` attribution source: verified routine repairs (patrol ``RepairTask``)
measured against the BOQ item named by their ``work_item_code``.

A repair counts for a contract when its ``contract_ref`` is the contract's code, or, for a
routine-maintenance contract, when it has no ``contract_ref`` and lies on one of the
contract's routes. It needs no ``QuantityMapping``; a mapping with ``source="patrol"`` and
``activity`` = a work item code sends those repairs to its item instead, times its factor
(e.g. a repair code 303-1 measured under the contract's 202-1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from zhiyang.contracts.attribution import Attributed
from zhiyang.contracts.choices import ContractKind
from zhiyang.core.actors import SYSTEM

if TYPE_CHECKING:
    from zhiyang.contracts.models import Contract, QuantityMapping


def repairs_source(
    contract: Contract, mappings: list[QuantityMapping], start: dt.date, end: dt.date
) -> Iterable[Attributed]:
    try:
        from zhiyang.patrol.services import completed_repairs
    except ImportError:  # the patrol app is not installed
        return
    items = {
        code: pk for code, pk in contract.items.filter(withdrawn=False).values_list("code", "pk")
    }
    redirect = {m.activity: (m.item_id, m.factor) for m in mappings if m.activity}
    tasks = list(completed_repairs(actor=SYSTEM, start=start, end=end, contract_ref=contract.code))
    if contract.kind == ContractKind.ROUTINE:
        routes = set(contract.routes.values_list("pk", flat=True))
        tasks += [
            t
            for t in completed_repairs(actor=SYSTEM, start=start, end=end, contract_ref="")
            if t.route_id in routes
        ]
    for task in tasks:
        if not task.quantity_done:
            continue
        item_id, factor = redirect.get(task.work_item_code, (items.get(task.work_item_code), 1))
        if item_id is None:
            continue
        quantity = Decimal(str(task.quantity_done)) * Decimal(factor)
        yield Attributed(item_id=item_id, quantity=quantity, ref=f"repair:{task.pk}")
