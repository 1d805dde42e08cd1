"""Monthly measurement: open a period (quantities gathered from the work), the engineer
proposes, the supervisor approves or adjusts line by line (with reasons), the owner
certifies (adjusting too). Each step is a separate right (``contracts.propose``,
``contracts.supervise``, ``contracts.certify``), audited, and notifies who acts next.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhiyang.contracts import attribution
from zhiyang.contracts.choices import PeriodStatus
from zhiyang.contracts.models import BoqItem, Contract, MeasurementLine, MeasurementPeriod
from zhiyang.contracts.models.common import ZERO, qty
from zhiyang.contracts.services.certificates import Certificate, compute_certificate
from zhiyang.contracts.services.common import (
    CERTIFY,
    PROPOSE,
    SUPERVISE,
    notify,
    record_create,
    record_update,
    require_right,
)
from zhiyang.core import actors, audit
from zhiyang.core.actors import Actor, audit_user


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


def _quantity(value: Any, field: str) -> Decimal:
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Give a number.")}) from None
    if not result.is_finite() or result < 0:
        raise ValidationError({field: _("A quantity must be zero or more.")})
    return qty(result)


def open_period(*, actor: Actor, contract: Contract, month: dt.date) -> MeasurementPeriod:
    """A draft period for ``month`` with one line per BOQ item, the quantities gathered
    from the work (reported and machine-measured) and proposed as reported."""
    actors.require(actor, MeasurementPeriod, "add")
    first, last = month_bounds(month)
    with transaction.atomic():
        if MeasurementPeriod.objects.filter(contract=contract, month=first).exists():
            raise ValidationError({"month": _("This month already has a measurement period.")})
        if MeasurementPeriod.objects.filter(contract=contract, month__gt=first).exists():
            raise ValidationError({"month": _("A later month is already being measured.")})
        open_before = MeasurementPeriod.objects.filter(contract=contract).exclude(
            status=PeriodStatus.CERTIFIED
        )
        if open_before.exists():
            raise ValidationError(
                {"month": _("Certify the open period before opening the next one.")}
            )
        number = MeasurementPeriod.objects.filter(contract=contract).count() + 1
        period = MeasurementPeriod.objects.create(contract=contract, month=first, number=number)
        gathered = attribution.gather(contract, first, last)
        for item in BoqItem.objects.filter(contract=contract, withdrawn=False):
            found = gathered.get(item.pk, {})
            reported = qty(found.get("reported", ZERO))
            machine = found.get("machine")
            MeasurementLine.objects.create(
                period=period,
                item=item,
                reported_quantity=reported,
                machine_quantity=None if machine is None else qty(machine),
                proposed_quantity=reported,
                unit_price_yuan=item.unit_price_yuan,
                sources=found.get("by_source", {}),
            )
        record_create(actor, period)
    return period


def _editable(period: MeasurementPeriod, status: str) -> None:
    if period.status != status:
        raise ValidationError(
            _("The period is “%(status)s”; this step is not possible now.")
            % {"status": period.get_status_display()}
        )


def set_line(
    *, actor: Actor, line: MeasurementLine, quantity: Any, reason: str = "", note: str = ""
) -> MeasurementLine:
    """Set a line's quantity for the step the period is at: the engineer's proposal on a
    draft, the supervisor's on a proposed period, the owner's on a supervisor-approved one.
    A supervisor or owner changing the quantity must give a reason."""
    value = _quantity(quantity, "quantity")
    with transaction.atomic():
        line = MeasurementLine.objects.select_for_update().get(pk=line.pk)
        period = MeasurementPeriod.objects.select_for_update().get(pk=line.period_id)
        before = audit.snapshot(line)
        if period.status == PeriodStatus.DRAFT:
            require_right(actor, PROPOSE, period)
            line.proposed_quantity = value
            if note:
                line.note = note
        elif period.status == PeriodStatus.PROPOSED:
            require_right(actor, SUPERVISE, period)
            if value != line.proposed_quantity and not reason.strip():
                raise ValidationError({"reason": _("Say why the quantity is changed.")})
            line.supervisor_quantity = value
            line.supervisor_reason = reason.strip()
        elif period.status == PeriodStatus.SUPERVISOR_APPROVED:
            require_right(actor, CERTIFY, period)
            agreed = (
                line.supervisor_quantity
                if line.supervisor_quantity is not None
                else line.proposed_quantity
            )
            if value != agreed and not reason.strip():
                raise ValidationError({"reason": _("Say why the quantity is changed.")})
            line.owner_quantity = value
            line.owner_reason = reason.strip()
        else:
            raise ValidationError(_("A certified period cannot be changed."))
        line.full_clean()
        line.save()
        record_update(actor, line, before)
    return line


def _step(
    actor: Actor, period: MeasurementPeriod, right: str, status_from: str, status_to: str
) -> dict[str, Any]:
    require_right(actor, right, period)
    _editable(period, status_from)
    before = audit.snapshot(period)
    period.status = status_to
    return before


def propose(*, actor: Actor, period: MeasurementPeriod) -> MeasurementPeriod:
    """The engineer proposes the period to the supervisor."""
    with transaction.atomic():
        period = MeasurementPeriod.objects.select_for_update().get(pk=period.pk)
        before = _step(actor, period, PROPOSE, PeriodStatus.DRAFT, PeriodStatus.PROPOSED)
        period.proposed_by, period.proposed_at = audit_user(actor), timezone.now()
        period.returned_reason = ""
        period.save()
        record_update(actor, period, before)
        notify(
            actor,
            kind="contracts.measurement",
            obj=period,
            title=gettext_noop("Measurement %(period)s waits for the supervisor"),
            params={"period": str(period)},
            roles=("supervisor",),
            key=f"measurement:{period.pk}:proposed:{period.proposed_at:%Y%m%d%H%M%S}",
        )
        past = compute_certificate(period).over_runs
        if past:
            notify(
                actor,
                kind="contracts.overrun",
                obj=period,
                title=gettext_noop(
                    "%(period)s: past the BOQ quantity, a variation is needed: %(codes)s"
                ),
                params={"period": str(period), "codes": ", ".join(i.code for i in past)},
                roles=("engineer", "supervisor"),
                key=f"measurement:{period.pk}:overrun:{period.proposed_at:%Y%m%d%H%M%S}",
            )
    return period


def supervisor_approve(*, actor: Actor, period: MeasurementPeriod) -> MeasurementPeriod:
    """The supervisor approves (lines not adjusted keep the proposed quantity)."""
    with transaction.atomic():
        period = MeasurementPeriod.objects.select_for_update().get(pk=period.pk)
        before = _step(
            actor, period, SUPERVISE, PeriodStatus.PROPOSED, PeriodStatus.SUPERVISOR_APPROVED
        )
        period.lines.filter(supervisor_quantity__isnull=True).update(
            supervisor_quantity=models_f("proposed_quantity")
        )
        period.supervisor_by, period.supervisor_at = audit_user(actor), timezone.now()
        period.save()
        record_update(actor, period, before)
        notify(
            actor,
            kind="contracts.measurement",
            obj=period,
            title=gettext_noop("Measurement %(period)s waits for the owner"),
            params={"period": str(period)},
            roles=("owner",),
            key=f"measurement:{period.pk}:supervised:{period.supervisor_at:%Y%m%d%H%M%S}",
        )
    return period


def certify(*, actor: Actor, period: MeasurementPeriod) -> MeasurementPeriod:
    """The owner certifies: the quantities become certified and the certificate figures
    are frozen on the period."""
    with transaction.atomic():
        period = MeasurementPeriod.objects.select_for_update().get(pk=period.pk)
        before = _step(
            actor, period, CERTIFY, PeriodStatus.SUPERVISOR_APPROVED, PeriodStatus.CERTIFIED
        )
        period.lines.filter(owner_quantity__isnull=True).update(
            owner_quantity=models_f("supervisor_quantity")
        )
        period.owner_by, period.owner_at = audit_user(actor), timezone.now()
        period.certificate = compute_certificate(period).as_dict()
        period.save()
        record_update(actor, period, before)
    return period


def return_period(*, actor: Actor, period: MeasurementPeriod, reason: str) -> MeasurementPeriod:
    """The supervisor (or owner) sends the period back to the engineer as a draft; the
    adjustments made so far are cleared."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the period is returned.")})
    with transaction.atomic():
        period = MeasurementPeriod.objects.select_for_update().get(pk=period.pk)
        if period.status == PeriodStatus.PROPOSED:
            require_right(actor, SUPERVISE, period)
        elif period.status == PeriodStatus.SUPERVISOR_APPROVED:
            require_right(actor, CERTIFY, period)
        else:
            _editable(period, PeriodStatus.PROPOSED)
        before = audit.snapshot(period)
        period.status = PeriodStatus.DRAFT
        period.returned_reason = reason.strip()
        period.lines.update(
            supervisor_quantity=None, supervisor_reason="", owner_quantity=None, owner_reason=""
        )
        period.save()
        record_update(actor, period, before)
    return period


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


def over_runs(period: MeasurementPeriod) -> list[Any]:
    """Items whose cumulative quantity passes the BOQ quantity (they need a variation)."""
    return compute_certificate(period).over_runs


def certificate(period: MeasurementPeriod) -> Certificate:
    return compute_certificate(period)
