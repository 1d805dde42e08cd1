"""Contracts: plain audited records; the BOQ comes from an import (``boq_import``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhiyang.contracts.models import Contract, QuantityMapping
from zhiyang.core import services
from zhiyang.core.actors import Actor, audit_user


def create_contract(*, actor: Actor, data: Mapping[str, Any]) -> Contract:
    return services.create_object(actor=actor, model=Contract, data=data)


def update_contract(*, actor: Actor, contract: Contract, data: Mapping[str, Any]) -> Contract:
    return services.update_object(actor=actor, obj=contract, data=data)


def delete_contract(*, actor: Actor, contract: Contract) -> None:
    services.delete_object(actor=actor, obj=contract)


def map_quantity(*, actor: Actor, data: Mapping[str, Any]) -> QuantityMapping:
    values = dict(data)
    values.setdefault("created_by", audit_user(actor))
    return services.create_object(actor=actor, model=QuantityMapping, data=values)
