"""Distress records: entered, reported from a phone (located on the network), imported."""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.condition.choices import DistressSource
from zhiyang.condition.models import Distress, Survey
from zhiyang.condition.services.common import _audit_bulk, ensure_draft, section_at, sections_for
from zhiyang.condition.services.rating import distress_item_index, rate_survey
from zhiyang.core import services
from zhiyang.core.actors import Actor, audit_user
from zhiyang.network.models import Route
from zhiyang.network.services import locate_field_point


def validate_distress_kind(*, pavement: str, edition: str, distress: str, severity: str) -> Any:
    """The engine's item for a distress and severity on a pavement, or a ValidationError."""
    item = distress_item_index(pavement, edition).get((distress, severity))
    if item is None:
        raise ValidationError(
            {
                "distress": _(
                    "“%(distress)s” with severity “%(severity)s” is not a distress of this "
                    "pavement; see the template's list of distress keys."
                )
                % {"distress": distress, "severity": severity}
            }
        )
    return item


def create_distress(
    *, actor: Actor, data: Mapping[str, Any], source: str = DistressSource.API
) -> tuple[Distress, bool]:
    """Create a distress record; returns (record, created).

    With a ``client_uuid`` already stored, the existing record is returned unchanged (an
    offline form sent twice): ``created`` is then False. The district comes from the
    section at the chainage, the unit from the engine's item when not given.
    """
    values = dict(data)
    client_uuid = values.get("client_uuid")
    if client_uuid:
        existing = Distress.objects.filter(client_uuid=client_uuid).first()
        if existing is not None:
            return existing, False
    route: Route = values["route"]
    survey: Survey | None = values.get("survey")
    if survey is not None and survey.route_id != route.pk:
        raise ValidationError({"survey": _("The survey is of another route.")})
    edition = survey.edition if survey is not None else "2018"
    section = section_at(sections_for(route), float(values["start_m"]))
    pavement = section.pavement if section else route.pavement
    item = validate_distress_kind(
        pavement=pavement,
        edition=edition,
        distress=str(values.get("distress", "")),
        severity=str(values.get("severity", "")),
    )
    values.setdefault("unit", item.unit)
    if not values.get("unit"):
        values["unit"] = item.unit
    values["district"] = section.district if section else None
    values["source"] = source
    if audit_user(actor) is not None:
        values.setdefault("reported_by", audit_user(actor))
    try:
        with transaction.atomic():
            record = services.create_object(actor=actor, model=Distress, data=values)
    except IntegrityError:
        # Two copies of the same offline report raced: the first one won.
        if client_uuid:
            existing = Distress.objects.filter(client_uuid=client_uuid).first()
            if existing is not None:
                return existing, False
        raise
    return record, True


def update_distress(*, actor: Actor, distress: Distress, data: Mapping[str, Any]) -> Distress:
    """Change a record; the district follows the chainage, the kind is checked again."""
    values = dict(data)
    values.pop("client_uuid", None)
    route = values.get("route") or distress.route
    values["route"] = route
    start_m = float(values.get("start_m", distress.start_m))
    section = section_at(sections_for(route), start_m)
    values["district"] = section.district if section else None
    item = validate_distress_kind(
        pavement=section.pavement if section else route.pavement,
        edition=distress.survey.edition if distress.survey is not None else "2018",
        distress=str(values.get("distress", distress.distress)),
        severity=str(values.get("severity", distress.severity)),
    )
    if "unit" not in values:
        values["unit"] = item.unit
    return services.update_object(actor=actor, obj=distress, data=values)


def delete_distress(*, actor: Actor, distress: Distress) -> None:
    services.delete_object(actor=actor, obj=distress)


def report_distress(*, actor: Actor, data: Mapping[str, Any]) -> tuple[Distress, bool]:
    """A phone report: GPS point (+ optional route) → route and chainage, then a record.

    Without ``start_m`` the chainage comes from linear referencing within
    ``network.services.FIELD_LOCATE_TOLERANCE_M``; with it (typed by hand) the route must be given.
    """
    values = dict(data)
    client_uuid = values.get("client_uuid")
    if client_uuid:
        existing = Distress.objects.filter(client_uuid=client_uuid).first()
        if existing is not None:
            return existing, False
    if values.get("start_m") is None:
        lon, lat = values.get("lon"), values.get("lat")
        if lon is None or lat is None:
            raise ValidationError({"lon": _("Give the GPS position, or the route and chainage.")})
        found = locate_field_point(actor=actor, lon=lon, lat=lat, route=values.get("route"))
        values["route"] = found.route
        values["start_m"] = round(found.chainage_m, 1)
        values["end_m"] = None
    elif values.get("route") is None:
        raise ValidationError({"route": _("Choose the route of the chainage.")})
    values.setdefault("client_uuid", client_uuid or None)
    return create_distress(actor=actor, data=values, source=DistressSource.PHONE)


def new_client_uuid() -> uuid_module.UUID:
    return uuid_module.uuid4()


def replace_imported_distress(
    *, actor: Actor, survey: Survey, rows: Sequence[Mapping[str, Any]], rate: bool = True
) -> int:
    """Replace the survey's Excel-imported distress records by ``rows`` (validated), then
    recompute the units; one audit row on the survey, one transaction."""
    ensure_draft(survey)
    route = survey.route
    sections = sections_for(route, survey.direction)
    with transaction.atomic():
        removed, _detail = survey.distress_records.filter(source=DistressSource.EXCEL).delete()
        records = []
        for row in rows:
            section = section_at(sections, row["start_m"])
            records.append(
                Distress(
                    route=route,
                    district_id=section.district_id if section else None,
                    survey=survey,
                    start_m=row["start_m"],
                    end_m=row.get("end_m"),
                    distress=row["distress"],
                    severity=row["severity"],
                    quantity=row["quantity"],
                    unit=row["unit"],
                    note=row.get("note", ""),
                    source=DistressSource.EXCEL,
                    reported_by=audit_user(actor),
                    reported_at=timezone.now(),
                )
            )
        Distress.objects.bulk_create(records, batch_size=2000)
        _audit_bulk(
            actor=actor,
            survey=survey,
            what={
                "source": "distress import",
                "distress": {"created": len(records), "replaced": removed},
            },
        )
        if rate:
            rate_survey(actor=actor, survey=survey, audit_row=False)
    return len(records)


def pavement_at(survey: Survey) -> Any:
    """A function chainage -> pavement on the survey's route (for validating distress)."""
    sections = sections_for(survey.route, survey.direction)

    def at(chainage_m: float) -> str:
        section = section_at(sections, chainage_m)
        return section.pavement if section else survey.route.pavement

    return at
