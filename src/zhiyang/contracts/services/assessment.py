"""The owner's monthly assessment: counts per template item → points lost and deduction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhiyang.contracts.choices import AssessmentStatus, DeductionRule
from zhiyang.contracts.models import (
    Assessment,
    AssessmentEntry,
    AssessmentTemplate,
    AssessmentTemplateItem,
    Contract,
)
from zhiyang.contracts.models.common import ZERO, money
from zhiyang.contracts.services.common import record_create, record_update
from zhiyang.core import actors, audit
from zhiyang.core.actors import Actor, audit_user


def item_deduction(item: AssessmentTemplateItem, count: Decimal) -> tuple[Decimal, Decimal]:
    """(points lost, yuan) for ``count`` findings of ``item`` (``once``: any count is one)."""
    units = (Decimal("1") if count > 0 else ZERO) if item.rule == DeductionRule.ONCE else count
    points = min(item.max_points, units * item.points_per_unit)
    return points, money(units * item.yuan_per_unit)


def score(template: AssessmentTemplate, counts: Mapping[int, Decimal]) -> tuple[Decimal, Decimal]:
    """(score, deduction yuan) of a template for {item id: count}."""
    lost = yuan = ZERO
    for item in template.items.all():
        points, money_lost = item_deduction(item, counts.get(item.pk, ZERO))
        lost += points
        yuan += money_lost
    result = max(ZERO, template.max_score - lost)
    return result, money(yuan + (template.max_score - result) * template.yuan_per_point)


def _count(value: Any) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError({"entries": _("A count must be a number.")}) from None
    if not result.is_finite() or result < 0:
        raise ValidationError({"entries": _("A count must be zero or more.")})
    return result


def record_assessment(
    *,
    actor: Actor,
    contract: Contract,
    template: AssessmentTemplate,
    month: dt.date,
    entries: Mapping[str, Mapping[str, Any]],
    route: Any = None,
    note: str = "",
    final: bool = False,
    client_uuid: Any = None,
) -> Assessment:
    """Record an assessment: ``entries`` = {item code: {"count": n, "note": …, "photo": f}}.

    Idempotent by ``client_uuid`` (the phone form retried offline)."""
    actors.require(actor, Assessment, "add")
    if client_uuid:
        found = Assessment.objects.filter(client_uuid=client_uuid).first()
        if found is not None:
            return found
    items = {i.code: i for i in template.items.all()}
    unknown = sorted(set(entries) - set(items))
    if unknown:
        raise ValidationError(
            {"entries": _("Unknown items: %(codes)s") % {"codes": ", ".join(unknown)}}
        )
    with transaction.atomic():
        assessment = Assessment(
            contract=contract,
            template=template,
            month=month.replace(day=1),
            route=route,
            note=note,
            assessed_by=audit_user(actor),
            client_uuid=client_uuid or None,
            status=AssessmentStatus.FINAL if final else AssessmentStatus.DRAFT,
        )
        assessment.full_clean()
        assessment.save()
        counts: dict[int, Decimal] = {}
        for code, data in entries.items():
            item = items[code]
            count = _count(data.get("count", 0))
            counts[item.pk] = count
            points, yuan = item_deduction(item, count)
            entry = AssessmentEntry(
                assessment=assessment,
                item=item,
                count=count,
                points_lost=points,
                deduction_yuan=yuan,
                note=str(data.get("note", "")),
            )
            if data.get("photo"):
                entry.photo = data["photo"]
            entry.full_clean()
            entry.save()
        assessment.score, assessment.deduction_yuan = score(template, counts)
        assessment.save()
        record_create(actor, assessment)
    return assessment


def finalise_assessment(*, actor: Actor, assessment: Assessment) -> Assessment:
    """A final assessment's deduction goes to the payment certificate of its month."""
    actors.require(actor, Assessment, "change")
    with transaction.atomic():
        before = audit.snapshot(assessment)
        assessment.status = AssessmentStatus.FINAL
        assessment.save()
        record_update(actor, assessment, before)
    return assessment


def create_template(
    *,
    actor: Actor,
    name: str,
    items: list[Mapping[str, Any]],
    max_score: Any = 100,
    yuan_per_point: Any = 0,
) -> AssessmentTemplate:
    actors.require(actor, AssessmentTemplate, "add")
    with transaction.atomic():
        template = AssessmentTemplate(
            name=name,
            max_score=Decimal(str(max_score)),
            yuan_per_point=Decimal(str(yuan_per_point)),
        )
        template.full_clean()
        template.save()
        for order, data in enumerate(items):
            item = AssessmentTemplateItem(template=template, order=order, **data)
            item.full_clean()
            item.save()
        record_create(actor, template)
    return template
