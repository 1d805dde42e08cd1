"""Incidents: plain audited records (create, edit, delete)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiyang.core import services
from zhiyang.core.actors import Actor, audit_user
from zhiyang.network.services import district_at
from zhiyang.safety.models import Incident


def create_incident(*, actor: Actor, data: Mapping[str, Any]) -> Incident:
    values = dict(data)
    if values.get("district") is None and values.get("route") is not None:
        values["district"] = district_at(values["route"], float(values.get("chainage_m") or 0))
    values.setdefault("reported_by", audit_user(actor))
    return services.create_object(actor=actor, model=Incident, data=values)


def update_incident(*, actor: Actor, incident: Incident, data: Mapping[str, Any]) -> Incident:
    return services.update_object(actor=actor, obj=incident, data=data)


def delete_incident(*, actor: Actor, incident: Incident) -> None:
    services.delete_object(actor=actor, obj=incident)
