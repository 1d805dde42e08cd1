"""Where measured quantities come from: a registry of attribution sources.

A source turns the work of a month into quantities per BOQ item. Each is a callable
``source(contract, mappings, start, end) -> Iterable[Attributed]`` registered under a name;
a ``QuantityMapping`` row with ``source=<name>`` says which of the source's work (an
activity code, a work order, a project) feeds which item, times a factor.

Built in: ``works`` (approved daily report quantities, by work order or by process =
activity code on a project of the contract), ``machine`` (what machines measured, from
telemetry/QC; see ``contracts.machine``) and ``patrol`` (verified repairs by their work
item code; see ``contracts.repairs``, ``mapped=False``: asked without a mapping). Another
app plugs in from its ``AppConfig.ready`` the same way::

    from zhiyang.contracts.attribution import Attributed, register_source

    def repairs(contract, mappings, start, end):
        for m in mappings:                       # QuantityMapping rows with source="patrol"
            done = RepairTask.objects.filter(activity=m.activity, done_on__range=(start, end),
                                             route__in=contract.routes.all())
            for task in done:
                yield Attributed(item_id=m.item_id, quantity=task.quantity * m.factor,
                                 ref=f"repair:{task.pk}")

    register_source("patrol", _("Routine repairs"), repairs)

``machine`` sources are compared, not added: the measurement line keeps the reported
quantity (every other source) and the machine-measured one side by side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zhiyang.contracts.models import Contract, QuantityMapping


@dataclass(frozen=True)
class Attributed:
    """A quantity of work attributed to one BOQ item (``ref`` says what it was)."""

    item_id: int
    quantity: Decimal
    ref: str = ""


SourceFn = Callable[["Contract", "list[QuantityMapping]", dt.date, dt.date], Iterable[Attributed]]


@dataclass(frozen=True)
class Source:
    name: str
    label: Any
    fn: SourceFn
    machine: bool = False
    #: False: the source finds its items itself (patrol's work item codes) and is asked even
    #: without a mapping.
    mapped: bool = True


_SOURCES: dict[str, Source] = {}


def register_source(
    name: str, label: Any, fn: SourceFn, *, machine: bool = False, mapped: bool = True
) -> Source:
    """Register (or re-register, idempotently) an attribution source."""
    source = Source(name=name, label=label, fn=fn, machine=machine, mapped=mapped)
    _SOURCES[name] = source
    return source


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda s: s.name)


def source_choices() -> list[tuple[str, str]]:
    return [(s.name, str(s.label)) for s in sources()]


def get_source(name: str) -> Source | None:
    return _SOURCES.get(name)


def works_source(
    contract: Contract, mappings: list[QuantityMapping], start: dt.date, end: dt.date
) -> Iterable[Attributed]:
    """Quantities of approved daily reports between ``start`` and ``end`` (inclusive)."""
    from zhiyang.works.choices import DailyReportStatus
    from zhiyang.works.models import DailyQuantity

    project_ids = list(contract.projects.values_list("pk", flat=True))
    for m in mappings:
        rows = DailyQuantity.objects.filter(
            report__status=DailyReportStatus.APPROVED,
            report__date__gte=start,
            report__date__lte=end,
        )
        if m.work_order_id:
            rows = rows.filter(work_order_id=m.work_order_id)
        else:
            if m.project_id:
                rows = rows.filter(report__project_id=m.project_id)
            else:
                rows = rows.filter(report__project_id__in=project_ids)
            if m.activity:
                rows = rows.filter(work_order__process=m.activity)
        for pk, quantity in rows.values_list("pk", "quantity"):
            yield Attributed(item_id=m.item_id, quantity=quantity * m.factor, ref=f"daily:{pk}")


def gather(contract: Contract, start: dt.date, end: dt.date) -> dict[int, dict[str, Any]]:
    """{item id: {"reported": Decimal, "machine": Decimal | None, "by_source": {...}}}."""
    from zhiyang.contracts.models import QuantityMapping

    by_source: dict[str, list[QuantityMapping]] = {}
    for m in QuantityMapping.objects.filter(contract=contract).select_related("item"):
        by_source.setdefault(m.source, []).append(m)
    for unmapped in sources():
        if not unmapped.mapped:
            by_source.setdefault(unmapped.name, [])
    result: dict[int, dict[str, Any]] = {}
    for name, mappings in by_source.items():
        source = get_source(name)
        if source is None:
            continue
        for row in source.fn(contract, mappings, start, end):
            entry = result.setdefault(
                row.item_id, {"reported": Decimal("0"), "machine": None, "by_source": {}}
            )
            if source.machine:
                entry["machine"] = (entry["machine"] or Decimal("0")) + row.quantity
            else:
                entry["reported"] += row.quantity
            total = Decimal(entry["by_source"].get(name, "0")) + row.quantity
            entry["by_source"][name] = str(total.quantize(Decimal("0.001")))
    return result
