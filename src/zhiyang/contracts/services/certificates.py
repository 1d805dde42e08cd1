"""The measurement certificate (计量证书) and the payment certificate (支付证书) of a period.

Everything is ``Decimal`` yuan rounded to the fen, half up, at the points a paper
certificate rounds:

- a line's amount = round(quantity × unit price); a period's work value = Σ line amounts;
- previous = the certified periods of the contract before this one (by month); cumulative
  = previous + this period;
- retention (扣留质保金) this period = round(work value × retention %), but never past the cap
  (``retention_cap_pct`` of the contract value) less the retention already held;
- advance recovery (预付款扣回) this period = round(work value × recovery %), never past
  the advance still to recover;
- assessment deductions (考核扣款) this period = Σ deductions of the final assessments of
  the period's month;
- payable this period (本期应付) = work value − retention − advance recovery − deductions.

Each "this period" figure of an earlier period is computed the same way, so cumulative
figures are sums of per-period figures and match the certificates issued before.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zhiyang.contracts.choices import AssessmentStatus, PeriodStatus
from zhiyang.contracts.models import (
    Assessment,
    BoqItem,
    Contract,
    MeasurementLine,
    MeasurementPeriod,
)
from zhiyang.contracts.models.common import ZERO, money

HUNDRED = Decimal("100")


@dataclass(frozen=True)
class ItemFigures:
    """One BOQ item on the measurement certificate."""

    item_id: int
    code: str
    name: str
    unit: str
    contract_quantity: Decimal
    unit_price_yuan: Decimal
    contract_amount_yuan: Decimal
    previous_quantity: Decimal
    this_quantity: Decimal
    cumulative_quantity: Decimal
    previous_amount_yuan: Decimal
    this_amount_yuan: Decimal
    cumulative_amount_yuan: Decimal

    @property
    def cumulative_percent(self) -> Decimal | None:
        if self.contract_quantity <= 0:
            return None
        return (self.cumulative_quantity / self.contract_quantity * HUNDRED).quantize(
            Decimal("0.1")
        )

    @property
    def over_run(self) -> bool:
        """Past 100 % of the BOQ quantity: needs a variation."""
        return self.cumulative_quantity > self.contract_quantity


@dataclass(frozen=True)
class Money3:
    """A figure of the payment certificate: previous, this period, cumulative."""

    previous: Decimal
    this: Decimal

    @property
    def cumulative(self) -> Decimal:
        return self.previous + self.this

    def as_dict(self) -> dict[str, str]:
        return {
            "previous": str(self.previous),
            "this": str(self.this),
            "cumulative": str(self.cumulative),
        }


@dataclass
class Certificate:
    contract: Contract
    period: MeasurementPeriod
    items: list[ItemFigures] = field(default_factory=list)
    work_value: Money3 = field(default_factory=lambda: Money3(ZERO, ZERO))
    retention: Money3 = field(default_factory=lambda: Money3(ZERO, ZERO))
    advance_recovery: Money3 = field(default_factory=lambda: Money3(ZERO, ZERO))
    assessment_deduction: Money3 = field(default_factory=lambda: Money3(ZERO, ZERO))

    @property
    def payable(self) -> Money3:
        def net(which: str) -> Decimal:
            return (
                getattr(self.work_value, which)
                - getattr(self.retention, which)
                - getattr(self.advance_recovery, which)
                - getattr(self.assessment_deduction, which)
            )

        return Money3(net("previous"), net("this"))

    @property
    def over_runs(self) -> list[ItemFigures]:
        return [i for i in self.items if i.over_run]

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe figures (decimals as strings): frozen on the period when certified and
        answered by the API."""
        return {
            "contract": self.contract.code,
            "period": self.period.number,
            "month": f"{self.period.month:%Y-%m}",
            "status": self.period.status,
            "items": [
                {
                    "code": i.code,
                    "name": i.name,
                    "unit": i.unit,
                    "contract_quantity": str(i.contract_quantity),
                    "unit_price_yuan": str(i.unit_price_yuan),
                    "contract_amount_yuan": str(i.contract_amount_yuan),
                    "previous_quantity": str(i.previous_quantity),
                    "this_quantity": str(i.this_quantity),
                    "cumulative_quantity": str(i.cumulative_quantity),
                    "previous_amount_yuan": str(i.previous_amount_yuan),
                    "this_amount_yuan": str(i.this_amount_yuan),
                    "cumulative_amount_yuan": str(i.cumulative_amount_yuan),
                    "cumulative_percent": (
                        None if i.cumulative_percent is None else str(i.cumulative_percent)
                    ),
                    "over_run": i.over_run,
                }
                for i in self.items
            ],
            "work_value": self.work_value.as_dict(),
            "retention": self.retention.as_dict(),
            "advance_recovery": self.advance_recovery.as_dict(),
            "assessment_deduction": self.assessment_deduction.as_dict(),
            "payable": self.payable.as_dict(),
        }


def _percent(value: Decimal, pct: Decimal) -> Decimal:
    return money(value * pct / HUNDRED)


def _deductions_by_month(contract: Contract) -> dict[Any, Decimal]:
    totals: dict[Any, Decimal] = defaultdict(lambda: ZERO)
    rows = Assessment.objects.filter(contract=contract, status=AssessmentStatus.FINAL)
    for month, amount in rows.values_list("month", "deduction_yuan"):
        totals[month.replace(day=1)] += amount
    return totals


def period_payments(
    contract: Contract, values: list[tuple[Any, Decimal]]
) -> list[tuple[Decimal, Decimal, Decimal, Decimal]]:
    """(work value, retention, advance recovery, deduction) of each period, in month order,
    from [(month, work value)]: retention and recovery capped by what is left."""
    cap = (
        None
        if contract.retention_cap_pct is None
        else _percent(contract.value_yuan, contract.retention_cap_pct)
    )
    deductions = _deductions_by_month(contract)
    held = recovered = ZERO
    result = []
    for month, value in values:
        retention = _percent(value, contract.retention_pct)
        if cap is not None:
            retention = max(ZERO, min(retention, cap - held))
        recovery = _percent(value, contract.advance_recovery_pct)
        recovery = max(ZERO, min(recovery, contract.advance_yuan - recovered))
        held += retention
        recovered += recovery
        result.append((value, retention, recovery, deductions.get(month, ZERO)))
    return result


def compute_certificate(period: MeasurementPeriod) -> Certificate:
    """The certificate figures of ``period`` from its lines and the certified periods
    before it (a draft period shows what it would certify)."""
    contract = period.contract
    earlier = list(
        MeasurementPeriod.objects.filter(
            contract=contract, status=PeriodStatus.CERTIFIED, month__lt=period.month
        ).order_by("month")
    )
    earlier_ids = [p.pk for p in earlier]
    lines = MeasurementLine.objects.filter(period_id__in=[*earlier_ids, period.pk])
    prev_q: dict[int, Decimal] = defaultdict(lambda: ZERO)
    prev_a: dict[int, Decimal] = defaultdict(lambda: ZERO)
    this_q: dict[int, Decimal] = defaultdict(lambda: ZERO)
    this_a: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_period: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        amount = line.amount_yuan
        by_period[line.period_id] += amount
        if line.period_id == period.pk:
            this_q[line.item_id] += line.approved_quantity
            this_a[line.item_id] += amount
        else:
            prev_q[line.item_id] += line.approved_quantity
            prev_a[line.item_id] += amount
    cert = Certificate(contract=contract, period=period)
    for item in BoqItem.objects.filter(contract=contract).order_by("order", "pk"):
        if item.withdrawn and not (prev_q[item.pk] or this_q[item.pk]):
            continue
        cert.items.append(
            ItemFigures(
                item_id=item.pk,
                code=item.code,
                name=item.name,
                unit=item.unit,
                contract_quantity=item.quantity,
                unit_price_yuan=item.unit_price_yuan,
                contract_amount_yuan=item.amount_yuan,
                previous_quantity=prev_q[item.pk],
                this_quantity=this_q[item.pk],
                cumulative_quantity=prev_q[item.pk] + this_q[item.pk],
                previous_amount_yuan=prev_a[item.pk],
                this_amount_yuan=this_a[item.pk],
                cumulative_amount_yuan=prev_a[item.pk] + this_a[item.pk],
            )
        )
    values = [(p.month, by_period[p.pk]) for p in earlier] + [(period.month, by_period[period.pk])]
    rows = period_payments(contract, values)
    before, now = rows[:-1], rows[-1]

    def total(index: int) -> Decimal:
        return sum((r[index] for r in before), ZERO)

    cert.work_value = Money3(total(0), now[0])
    cert.retention = Money3(total(1), now[1])
    cert.advance_recovery = Money3(total(2), now[2])
    cert.assessment_deduction = Money3(total(3), now[3])
    return cert
