"""Telemetry device services: register a device on a machine, issue its token, deactivate.

Keyword-only, transactional, audited. The token never enters the audit log: the log shows
only that a token was issued (its hint and time).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import audit
from zhiyang.core.actors import Actor
from zhiyang.core.choices import AuditAction
from zhiyang.core.services import ensure_in_scope
from zhiyang.fleet.models import Equipment
from zhiyang.telemetry import credentials, schema
from zhiyang.telemetry.broker import INGEST_USER
from zhiyang.telemetry.models import Device

HIDDEN = ("token_hash", "mqtt_password_hash")


def _snapshot(device: Device) -> dict[str, Any]:
    data = audit.snapshot(device)
    for name in HIDDEN:
        data[name] = "***" if data.get(name) else ""
    return data


def machine_type_for(equipment: Equipment) -> str:
    """The message schema of a machine; a ValidationError when its type sends no telemetry."""
    machine_type = schema.EQUIPMENT_TYPES.get(equipment.equipment_type)
    if machine_type is None:
        raise ValidationError(
            {
                "equipment": _(
                    "Machines of type “%(type)s” have no telemetry message schema; "
                    "devices can be mounted on pavers, rollers, asphalt distributors, "
                    "milling machines and trucks."
                )
                % {"type": equipment.get_equipment_type_display()}
            }
        )
    return machine_type


def create_device(
    *,
    actor: Actor,
    data: Mapping[str, Any] | None = None,
    equipment: Equipment | None = None,
    code: str | None = None,
) -> Device:
    """Register a device on a machine (``data``: code, equipment, active)."""
    values = dict(data or {})
    if equipment is not None:
        values["equipment"] = equipment
    if code is not None:
        values["code"] = code
    machine = values.get("equipment")
    if not isinstance(machine, Equipment):
        raise ValidationError({"equipment": _("Choose the machine the device is mounted on.")})
    if values.get("code") == INGEST_USER:
        raise ValidationError({"code": _("This code is reserved for the ingest service.")})
    with transaction.atomic():
        device = Device(
            code=values.get("code", ""),
            equipment=machine,
            machine_type=machine_type_for(machine),
            active=values.get("active", True),
        )
        device.full_clean()
        device.save()
        ensure_in_scope(actor=actor, obj=device, action="add")
        audit.record(
            actor=actor, action=AuditAction.CREATE, obj=device, before=None, after=_snapshot(device)
        )
    return device


def issue_token(*, actor: Actor, device: Device) -> str:
    """Issue (or rotate) the device's token; return it: it is shown this once only."""
    token = credentials.new_token()
    with transaction.atomic():
        device = Device.objects.select_for_update().get(pk=device.pk)
        before = _snapshot(device)
        device.token_hash = credentials.token_hash(token)
        device.token_hint = credentials.token_hint(token)
        device.mqtt_password_hash = credentials.mosquitto_hash(token)
        device.token_issued_at = timezone.now()
        device.save(
            update_fields=["token_hash", "token_hint", "mqtt_password_hash", "token_issued_at"]
        )
        ensure_in_scope(actor=actor, obj=device, action="change")
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=device,
            before=before,
            after=_snapshot(device),
        )
    return token


def set_active(*, actor: Actor, device: Device, active: bool) -> Device:
    """Deactivate (readings are refused, the broker user goes at the next broker-config) or
    reactivate a device."""
    with transaction.atomic():
        before = _snapshot(device)
        device.active = active
        device.save(update_fields=["active"])
        ensure_in_scope(actor=actor, obj=device, action="change")
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=device,
            before=before,
            after=_snapshot(device),
        )
    return device


def deactivate_device(*, actor: Actor, device: Device) -> Device:
    return set_active(actor=actor, device=device, active=False)


def device_for_token(token: str) -> Device | None:
    """The active device a token belongs to (None for any unknown or inactive token)."""
    if not token or len(token) > 200:
        return None
    device = (
        Device.objects.select_related("equipment")
        .filter(token_hash=credentials.token_hash(token), active=True)
        .first()
    )
    return device
