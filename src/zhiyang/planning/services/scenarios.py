"""Budget scenarios: create, edit and delete (not once their plan items are approved)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhiyang.core import actors
from zhiyang.core import services as core_services
from zhiyang.core.actors import Actor, audit_user, organisation_of
from zhiyang.planning.models import Scenario
from zhiyang.planning.services.runs import _ensure_not_frozen

SCENARIO_FIELDS = (
    "organisation",
    "name",
    "first_year",
    "horizon_years",
    "base_budget_yuan",
    "budget_levels_pct",
    "objective",
    "target_good_pct",
    "method",
    "note",
)


def _check_levels(data: Mapping[str, Any]) -> dict[str, Any]:
    values = dict(data)
    levels = values.get("budget_levels_pct")
    if isinstance(levels, list | tuple):
        try:
            values["budget_levels_pct"] = sorted(float(v) for v in levels)
        except (TypeError, ValueError):
            raise ValidationError(
                {"budget_levels_pct": _("Give 1 to 8 budget levels, each 0–1000 %.")}
            ) from None
    return values


def create_scenario(*, actor: Actor, data: Mapping[str, Any]) -> Scenario:
    """A new scenario (not run yet); the organisation defaults to the user's."""
    actors.require(actor, "planning.scenario", "add", _("You may not create scenarios."))
    unknown = set(data) - set(SCENARIO_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    values = _check_levels(data)
    if values.get("organisation") is None:
        organisation = organisation_of(actor)
        if organisation is None:
            raise ValidationError({"organisation": _("Choose the scenario's organisation.")})
        values["organisation"] = organisation
    values["created_by"] = audit_user(actor)
    return core_services.create_object(actor=actor, model=Scenario, data=values)


def update_scenario(*, actor: Actor, scenario: Scenario, data: Mapping[str, Any]) -> Scenario:
    actors.require(actor, "planning.scenario", "change", _("You may not change scenarios."))
    unknown = set(data) - set(SCENARIO_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    _ensure_not_frozen(scenario)
    return core_services.update_object(actor=actor, obj=scenario, data=_check_levels(data))


def delete_scenario(*, actor: Actor, scenario: Scenario) -> None:
    actors.require(actor, "planning.scenario", "delete", _("You may not delete scenarios."))
    _ensure_not_frozen(scenario)
    core_services.delete_object(actor=actor, obj=scenario)
