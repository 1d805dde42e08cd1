"""Machines: plain audited writes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiyang.core.actors import Actor
from zhiyang.core.services import create_object, delete_object, update_object
from zhiyang.fleet.models import (
    Equipment,
)


def create_equipment(*, actor: Actor, data: Mapping[str, Any]) -> Equipment:
    return create_object(actor=actor, model=Equipment, data=data)


def update_equipment(*, actor: Actor, equipment: Equipment, data: Mapping[str, Any]) -> Equipment:
    return update_object(actor=actor, obj=equipment, data=data)


def delete_equipment(*, actor: Actor, equipment: Equipment) -> None:
    delete_object(actor=actor, obj=equipment)
