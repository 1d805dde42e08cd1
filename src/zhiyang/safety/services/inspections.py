"""Checklist inspections: templates, planning one, recording it item by item, and a hazard
raised from a failed item.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import audit, services
from zhiyang.core.actors import Actor, audit_user
from zhiyang.core.choices import AuditAction
from zhiyang.network.services import district_at
from zhiyang.safety.choices import InspectionStatus, ItemResult
from zhiyang.safety.models import (
    Hazard,
    Inspection,
    InspectionResult,
    InspectionTemplate,
    TemplateItem,
)
from zhiyang.safety.services.hazards import report_hazard


def create_template(
    *, actor: Actor, data: Mapping[str, Any], items: Iterable[str | Mapping[str, Any]]
) -> InspectionTemplate:
    """A checklist template with its items (in the given order); one audit row."""
    with transaction.atomic():
        template = services.create_object(actor=actor, model=InspectionTemplate, data=data)
        rows = []
        for order, item in enumerate(items, start=1):
            values = {"text": item} if isinstance(item, str) else dict(item)
            row = TemplateItem(template=template, order=order, **values)
            row.full_clean(exclude=["template"])
            rows.append(row)
        if not rows:
            raise ValidationError({"items": _("A template needs at least one item.")})
        TemplateItem.objects.bulk_create(rows)
    return template


def plan_inspection(*, actor: Actor, data: Mapping[str, Any]) -> Inspection:
    """A planned inspection with one blank result per template item.

    The route and district come from the work zone when one is given.
    """
    values = dict(data)
    work_zone = values.get("work_zone")
    if work_zone is not None:
        values.setdefault("route", work_zone.route)
        values.setdefault("district", work_zone.district)
        if values.get("chainage_m") is None:
            values["chainage_m"] = work_zone.work_start_m
    if values.get("district") is None and values.get("route") is not None:
        values["district"] = district_at(values["route"], float(values.get("chainage_m") or 0))
    with transaction.atomic():
        inspection = services.create_object(actor=actor, model=Inspection, data=values)
        InspectionResult.objects.bulk_create(
            [
                InspectionResult(inspection=inspection, item=item)
                for item in inspection.template.items.all()
            ]
        )
    return inspection


@dataclass(frozen=True)
class ItemEntry:
    result: str
    note: str = ""
    photo: Any = None


def record_inspection(
    *,
    actor: Actor,
    inspection: Inspection,
    entries: Mapping[int, ItemEntry],
    note: str = "",
) -> Inspection:
    """Record the results (by template item id) and mark the inspection done.

    Every item needs a result; a failed item needs a note saying what is wrong.
    """
    results = {r.item_id: r for r in inspection.results.select_related("item")}
    errors: dict[str, Any] = {}
    for item_id, _result in results.items():
        entry = entries.get(item_id)
        if entry is None or entry.result not in ItemResult.values:
            errors[f"item_{item_id}"] = _("Choose pass, fail or not applicable.")
        elif entry.result == ItemResult.FAIL and not entry.note.strip():
            errors[f"item_{item_id}"] = _("Say what is wrong with a failed item.")
    unknown = set(entries) - set(results)
    if unknown:
        errors["items"] = _("Unknown checklist items: %(ids)s") % {
            "ids": ", ".join(str(i) for i in sorted(unknown))
        }
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        before = audit.snapshot(inspection)
        for item_id, row in results.items():
            entry = entries[item_id]
            row.result = entry.result
            row.note = entry.note.strip()
            if entry.photo:
                row.photo = entry.photo
            row.full_clean(exclude=["inspection", "item"])
            row.save()
        inspection.status = InspectionStatus.DONE
        inspection.done_at = timezone.now()
        inspection.inspector = audit_user(actor) or inspection.inspector
        if note:
            inspection.note = note
        inspection.full_clean()
        inspection.save()
        after = audit.snapshot(inspection)
        after["results"] = {str(k): entries[k].result for k in sorted(results)}
        audit.record(
            actor=actor, action=AuditAction.UPDATE, obj=inspection, before=before, after=after
        )
    return inspection


def raise_hazard_from_result(
    *, actor: Actor, result: InspectionResult, level: str | None = None
) -> Hazard:
    """One click on a failed item: a hazard at the inspection's place with the item's note
    and photo. Raising it again returns the hazard already raised."""
    if result.result != ItemResult.FAIL:
        raise ValidationError(_("Only a failed item can raise a hazard."))
    existing = result.hazards.first()
    if existing is not None:
        return existing
    inspection = result.inspection
    chainage = inspection.chainage_m
    if chainage is None:
        chainage = (
            inspection.work_zone.work_start_m if inspection.work_zone else inspection.route.start_m
        )
    data: dict[str, Any] = {
        "route": inspection.route,
        "district": inspection.district,
        "chainage_m": chainage,
        "work_zone": inspection.work_zone,
        "source_result": result,
        "description": f"{result.item.text}: {result.note}".strip(": "),
    }
    if level:
        data["level"] = level
    if result.photo:
        data["photo"] = result.photo.name
    return report_hazard(actor=actor, data=data)[0]
