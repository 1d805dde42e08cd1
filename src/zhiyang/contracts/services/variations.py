"""Variations (变更): drafted and submitted by the engineer, approved by the supervisor,
then by the owner, which makes a new BOQ version: altered items get a revision, new items
are added, and the history of every item stays in ``BoqRevision``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhiyang.contracts.choices import VariationStatus
from zhiyang.contracts.models import (
    BoqChapter,
    BoqItem,
    BoqRevision,
    Contract,
    Variation,
    VariationLine,
)
from zhiyang.contracts.models.common import money, qty
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


def create_variation(
    *,
    actor: Actor,
    contract: Contract,
    code: str,
    title: str,
    reason: str = "",
    lines: Iterable[Mapping[str, Any]] = (),
) -> Variation:
    """A draft variation; each line alters an item (``item``: a BoqItem or its code) or
    adds one (``code``, ``name``, ``unit``, ``chapter_number``), with ``new_quantity`` and
    ``new_unit_price_yuan`` (altering: either may be left out to keep the current one)."""
    actors.require(actor, Variation, "add")
    with transaction.atomic():
        variation = Variation(
            contract=contract, code=code, title=title, reason=reason, created_by=audit_user(actor)
        )
        variation.full_clean()
        variation.save()
        for number, data in enumerate(lines, start=1):
            add_line(variation=variation, data=data, number=number)
        record_create(actor, variation)
    return variation


def add_line(*, variation: Variation, data: Mapping[str, Any], number: int = 0) -> VariationLine:
    contract = variation.contract
    item = data.get("item")
    if isinstance(item, str):
        item = BoqItem.objects.filter(contract=contract, code=item).first()
        if item is None:
            raise ValidationError(
                {
                    "lines": _("Line %(n)d: no BOQ item %(code)s.")
                    % {"n": number, "code": data["item"]}
                }
            )
    line = VariationLine(variation=variation)
    if item is not None:
        if item.contract_id != contract.pk:
            raise ValidationError({"lines": _("The item belongs to another contract.")})
        line.item = item
        line.old_quantity = item.quantity
        line.old_unit_price_yuan = item.unit_price_yuan
        line.new_quantity = qty(Decimal(str(data.get("new_quantity", item.quantity))))
        line.new_unit_price_yuan = money(
            Decimal(str(data.get("new_unit_price_yuan", item.unit_price_yuan)))
        )
    else:
        code = str(data.get("code") or "").strip()
        if not code or BoqItem.objects.filter(contract=contract, code=code).exists():
            raise ValidationError(
                {
                    "lines": _("Line %(n)d: a new item needs a code not yet in the BOQ.")
                    % {"n": number}
                }
            )
        line.code, line.name, line.unit = code, str(data.get("name", "")), str(data.get("unit", ""))
        line.chapter_number = data.get("chapter_number")
        line.new_quantity = qty(Decimal(str(data["new_quantity"])))
        line.new_unit_price_yuan = money(Decimal(str(data["new_unit_price_yuan"])))
    line.full_clean()
    line.save()
    return line


def _move(
    actor: Actor, variation: Variation, right: str, from_status: str, to_status: str
) -> tuple[Variation, dict[str, Any]]:
    variation = Variation.objects.select_for_update().get(pk=variation.pk)
    require_right(actor, right, variation)
    if variation.status != from_status:
        raise ValidationError(
            _("The variation is “%(status)s”; this step is not possible now.")
            % {"status": variation.get_status_display()}
        )
    before = audit.snapshot(variation)
    variation.status = to_status
    return variation, before


def submit_variation(*, actor: Actor, variation: Variation) -> Variation:
    with transaction.atomic():
        variation, before = _move(
            actor, variation, PROPOSE, VariationStatus.DRAFT, VariationStatus.SUBMITTED
        )
        if not variation.lines.exists():
            raise ValidationError(_("A variation needs at least one line."))
        variation.submitted_at = timezone.now()
        variation.save()
        record_update(actor, variation, before)
        notify(
            actor,
            kind="contracts.variation",
            obj=variation,
            title=gettext_noop("Variation %(code)s waits for the supervisor"),
            params={"code": variation.code},
            roles=("supervisor",),
            key=f"variation:{variation.pk}:submitted",
        )
    return variation


def supervisor_approve_variation(*, actor: Actor, variation: Variation) -> Variation:
    with transaction.atomic():
        variation, before = _move(
            actor,
            variation,
            SUPERVISE,
            VariationStatus.SUBMITTED,
            VariationStatus.SUPERVISOR_APPROVED,
        )
        variation.supervisor_by, variation.supervisor_at = audit_user(actor), timezone.now()
        variation.save()
        record_update(actor, variation, before)
        notify(
            actor,
            kind="contracts.variation",
            obj=variation,
            title=gettext_noop("Variation %(code)s waits for the owner"),
            params={"code": variation.code},
            roles=("owner",),
            key=f"variation:{variation.pk}:supervised",
        )
    return variation


def approve_variation(*, actor: Actor, variation: Variation) -> Variation:
    """The owner approves: the BOQ gets a new version with the variation's changes."""
    with transaction.atomic():
        variation, before = _move(
            actor, variation, CERTIFY, VariationStatus.SUPERVISOR_APPROVED, VariationStatus.APPROVED
        )
        contract = Contract.objects.select_for_update().get(pk=variation.contract_id)
        version = contract.boq_version + 1
        last_order = max(
            BoqItem.objects.filter(contract=contract).values_list("order", flat=True), default=0
        )
        for line in variation.lines.select_related("item"):
            if line.item is not None:
                item = line.item
                item_before = audit.snapshot(item)
                item.quantity = line.new_quantity
                item.unit_price_yuan = line.new_unit_price_yuan
                item.amount_yuan = item.computed_amount()
                item.withdrawn = line.new_quantity == 0
                item.save()
                record_update(actor, item, item_before)
            else:
                chapter = None
                if line.chapter_number:
                    chapter, _created = BoqChapter.objects.get_or_create(
                        contract=contract,
                        number=line.chapter_number,
                        defaults={"name": _("Chapter %(n)d") % {"n": line.chapter_number}},
                    )
                last_order += 1
                item = BoqItem(
                    contract=contract,
                    chapter=chapter,
                    code=line.code,
                    name=line.name,
                    unit=line.unit,
                    quantity=line.new_quantity,
                    unit_price_yuan=line.new_unit_price_yuan,
                    order=last_order,
                    since_version=version,
                )
                item.amount_yuan = item.computed_amount()
                item.full_clean()
                item.save()
                record_create(actor, item)
            BoqRevision.objects.create(
                item=item,
                version=version,
                quantity=item.quantity,
                unit_price_yuan=item.unit_price_yuan,
                amount_yuan=item.amount_yuan,
                variation=variation,
            )
        contract_before = audit.snapshot(contract)
        contract.boq_version = version
        contract.save(update_fields=["boq_version"])
        record_update(actor, contract, contract_before)
        variation.boq_version = version
        variation.owner_by, variation.owner_at = audit_user(actor), timezone.now()
        variation.save()
        record_update(actor, variation, before)
    return variation


def reject_variation(*, actor: Actor, variation: Variation, reason: str) -> Variation:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the variation is rejected.")})
    with transaction.atomic():
        current = Variation.objects.get(pk=variation.pk)
        right = CERTIFY if current.status == VariationStatus.SUPERVISOR_APPROVED else SUPERVISE
        variation, before = _move(actor, current, right, current.status, VariationStatus.REJECTED)
        if before["status"] not in (VariationStatus.SUBMITTED, VariationStatus.SUPERVISOR_APPROVED):
            raise ValidationError(_("Only a submitted variation can be rejected."))
        variation.rejection_reason = reason.strip()
        variation.save()
        record_update(actor, variation, before)
    return variation
