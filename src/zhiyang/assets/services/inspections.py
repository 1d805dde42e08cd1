"""Inspections of assets and of places on the route: their SCI/TCI damage items and the
technical condition class of structures; the entry point for patrol findings.

A damage item is one of the standard's SCI/TCI items (``jtg5210_2018.toml``), its quantity
in the item's unit (m, m², or a count). A structure's class (1..5) becomes the asset's
``condition_class`` when the inspection is its latest; class 4 and 5 raise an
``assets.structure_class`` notification (docs/notifications.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhiyang.assets import catalogue
from zhiyang.assets.choices import InspectionKind
from zhiyang.assets.models import Asset, Damage, Inspection
from zhiyang.core import audit, services
from zhiyang.core.actors import Actor, audit_user, require
from zhiyang.core.choices import AuditAction
from zhiyang.network.chainage import format_chainage
from zhiyang.network.models import Route
from zhiyang.network.services import district_at

#: Classes that raise a notification.
ALARM_CLASSES = (4, 5)


@dataclass(frozen=True)
class DamageEntry:
    """One damage item to record: ``index`` sci/tci, ``item`` the standard's item key."""

    index: str
    item: str
    quantity: float
    chainage_m: float | None = None
    note: str = ""


def _entry(value: DamageEntry | Mapping[str, Any]) -> DamageEntry:
    if isinstance(value, DamageEntry):
        return value
    chainage = value.get("chainage_m")
    return DamageEntry(
        index=str(value.get("index", "")),
        item=str(value.get("item", "")),
        quantity=float(value.get("quantity", 0) or 0),
        chainage_m=None if chainage is None or chainage == "" else float(chainage),
        note=str(value.get("note", "") or ""),
    )


def check_damages(
    damages: Iterable[DamageEntry | Mapping[str, Any]], *, route: Route, chainage_m: float
) -> list[DamageEntry]:
    """The entries, validated (known item, quantity >= 0, chainage on the route); a
    ``ValidationError`` on ``damages`` listing every problem by position."""
    items = catalogue.damage_items()
    out: list[DamageEntry] = []
    problems: list[str] = []
    for n, raw in enumerate(damages, start=1):
        try:
            entry = _entry(raw)
        except (TypeError, ValueError):
            problems.append(_("Damage %(n)d: the quantity is not a number.") % {"n": n})
            continue
        if (entry.index, entry.item) not in items:
            problems.append(
                _("Damage %(n)d: %(item)r is not a damage item of %(index)s.")
                % {"n": n, "item": entry.item, "index": entry.index.upper() or "?"}
            )
            continue
        if not entry.quantity >= 0 or entry.quantity == float("inf"):
            problems.append(_("Damage %(n)d: the quantity must be 0 or more.") % {"n": n})
            continue
        where = chainage_m if entry.chainage_m is None else entry.chainage_m
        if not route.covers(where):
            problems.append(_("Damage %(n)d: the chainage is outside the route.") % {"n": n})
            continue
        out.append(DamageEntry(entry.index, entry.item, entry.quantity, where, entry.note[:300]))
    if problems:
        raise ValidationError({"damages": problems})
    return out


def _place(values: dict[str, Any]) -> dict[str, Any]:
    asset: Asset | None = values.get("asset")
    if asset is not None:
        values.setdefault("route", asset.route)
        if values.get("chainage_m") is None:
            values["chainage_m"] = asset.start_m
    if values.get("route") is None or values.get("chainage_m") is None:
        raise ValidationError({"chainage_m": [_("Give the asset, or the route and chainage.")]})
    if values.get("district") is None:
        district = district_at(values["route"], float(values["chainage_m"]))
        if district is None:
            raise ValidationError({"chainage_m": [_("No network section at this chainage.")]})
        values["district"] = district
    return values


def record_inspection(
    *,
    actor: Actor,
    data: Mapping[str, Any],
    damages: Iterable[DamageEntry | Mapping[str, Any]] = (),
) -> tuple[Inspection, bool]:
    """Record an inspection with its damage items, in one transaction and one audit row.

    ``data``: ``asset`` (or ``route`` + ``chainage_m``), ``inspected_on``, ``kind``,
    ``technical_class`` (structures only), ``note``, ``source``/``source_ref`` or
    ``client_uuid`` (idempotent: the same key returns the first inspection, ``False``).
    """
    require(actor, "assets.inspection", "add")
    values = _place(dict(data))
    values.setdefault("inspected_on", timezone.localdate())
    values.setdefault("inspector", audit_user(actor))
    existing = _existing(values)
    if existing is not None:
        return existing, False
    asset: Asset | None = values.get("asset")
    technical_class = values.get("technical_class")
    if technical_class is not None and (asset is None or not asset.asset_type.structure):
        raise ValidationError(
            {"technical_class": [_("Only a bridge, tunnel or culvert has a condition class.")]}
        )
    entries = check_damages(damages, route=values["route"], chainage_m=values["chainage_m"])
    try:
        with transaction.atomic():
            inspection = services.create_object(
                actor=actor, model=Inspection, data=values, check_scope=True
            )
            Damage.objects.bulk_create(
                Damage(
                    inspection=inspection,
                    index=e.index,
                    item=e.item,
                    quantity=e.quantity,
                    chainage_m=e.chainage_m if e.chainage_m is not None else inspection.chainage_m,
                    note=e.note,
                )
                for e in entries
            )
            if asset is not None and technical_class is not None:
                _set_class(actor=actor, asset=asset, inspection=inspection)
    except IntegrityError:
        existing = _existing(values)
        if existing is None:
            raise
        return existing, False
    return inspection, True


def _existing(values: Mapping[str, Any]) -> Inspection | None:
    if values.get("client_uuid"):
        return Inspection.objects.filter(client_uuid=values["client_uuid"]).first()
    if values.get("source_ref"):
        return Inspection.objects.filter(
            source=values.get("source", "inspection"), source_ref=values["source_ref"]
        ).first()
    return None


def _set_class(*, actor: Actor, asset: Asset, inspection: Inspection) -> None:
    """The structure's latest class, and a class 4/5 notification when it enters one."""
    latest = (
        asset.inspections.filter(technical_class__isnull=False)
        .order_by("-inspected_on", "-id")
        .first()
    )
    if latest is None or latest.pk != inspection.pk:
        return
    before = audit.snapshot(asset)
    previous = Asset.objects.filter(pk=asset.pk).values_list("condition_class", flat=True).first()
    Asset.objects.filter(pk=asset.pk).update(
        condition_class=inspection.technical_class, condition_on=inspection.inspected_on
    )
    asset.condition_class = inspection.technical_class
    asset.condition_on = inspection.inspected_on
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=asset,
        before=before,
        after=audit.snapshot(asset),
    )
    # Told once when a structure enters class 4 or 5 (or moves between them), not at
    # every later inspection that confirms the class.
    if inspection.technical_class in ALARM_CLASSES and previous != inspection.technical_class:
        from zhiyang.notify.events import raise_event

        raise_event(
            actor=actor,
            kind="assets.structure_class",
            obj=asset,
            severity="critical" if inspection.technical_class == 5 else "warning",
            title=gettext_noop("%(asset)s is in technical condition class %(klass)s"),
            params={
                "asset": str(asset),
                "klass": inspection.technical_class,
                "route": asset.route.code,
                "place": format_chainage(asset.start_m),
                "day": inspection.inspected_on.isoformat(),
            },
            message=gettext_noop("%(route)s %(place)s, inspected on %(day)s."),
            key=f"assets:class:{asset.pk}:{inspection.pk}",
        )


# --------------------------------------------------------------------------- patrol


def create_inspection_from_finding(
    *,
    actor: Actor,
    route: Route,
    chainage_m: float,
    category: str,
    damage_type: str,
    quantity: float,
    severity: str = "",
    found_on: dt.date | None = None,
    source_ref: str = "",
    asset: Asset | None = None,
    note: str = "",
) -> tuple[Inspection, bool]:
    """A patrol finding as an inspection with one damage item (idempotent by
    ``source_ref``, e.g. the finding's id: feeding it again returns the first, ``False``).

    ``category``: ``sci``/``tci``, an asset kind (``subgrade``/``facility``) or an asset type
    code (``guardrail``); ``damage_type``: an item key (``guard_damage_heavy``) or a type
    with ``severity`` (``guard_damage`` + ``heavy``). Quantity in the item's unit.
    """
    index = _index_of_category(category)
    items = catalogue.damage_items()
    key = damage_type if (index, damage_type) in items else f"{damage_type}_{severity}"
    if (index, key) not in items:
        raise ValidationError(
            {"damage_type": [_("Unknown damage type %(value)r.") % {"value": damage_type}]}
        )
    data: dict[str, Any] = {
        "route": route,
        "chainage_m": float(chainage_m),
        "kind": InspectionKind.PATROL,
        "inspected_on": found_on or timezone.localdate(),
        "source": "patrol",
        "source_ref": str(source_ref)[:64],
        "note": note,
    }
    if asset is not None:
        data["asset"] = asset
    return record_inspection(
        actor=actor,
        data=data,
        damages=[DamageEntry(index, key, float(quantity), float(chainage_m))],
    )


def _index_of_category(category: str) -> str:
    from zhiyang.assets.models import AssetType

    value = (category or "").strip().lower()
    if value in ("sci", "tci"):
        return value
    if value in ("subgrade", "facility"):
        return catalogue.index_of_kind(value)
    type_ = AssetType.objects.filter(code=value).first()
    if type_ is not None and type_.index in ("sci", "tci"):
        return type_.index
    raise ValidationError({"category": [_("Unknown category %(value)r.") % {"value": category}]})
