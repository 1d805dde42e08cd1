"""Assets: create, edit, delete (audited through core.services), the district derived from
the route and chainage when not given."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhiyang.assets.models import Asset
from zhiyang.core import services
from zhiyang.core.actors import Actor
from zhiyang.network.services import district_at


def _with_district(values: dict[str, Any]) -> dict[str, Any]:
    if values.get("district") is None and values.get("route") is not None:
        district = district_at(values["route"], float(values.get("start_m") or 0.0))
        if district is None:
            raise ValidationError({"start_m": [_("No network section at this chainage.")]})
        values["district"] = district
    return values


def create_asset(*, actor: Actor, data: Mapping[str, Any], check_scope: bool = True) -> Asset:
    values = _with_district(dict(data))
    values.setdefault("attributes", {})
    return services.create_object(actor=actor, model=Asset, data=values, check_scope=check_scope)


def update_asset(*, actor: Actor, asset: Asset, data: Mapping[str, Any]) -> Asset:
    values = dict(data)
    if "route" in values or "start_m" in values:
        values.setdefault("route", asset.route)
        values["district"] = None
        values = _with_district(values)
    return services.update_object(actor=actor, obj=asset, data=values)


def delete_asset(*, actor: Actor, asset: Asset) -> None:
    services.delete_object(actor=actor, obj=asset)
