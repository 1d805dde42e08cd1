"""The treatment catalogue: seeded from the cited defaults, edited (then unconfirmed), reset."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core import actors
from zhiyang.core import services as core_services
from zhiyang.core.actors import Actor, audit_user
from zhiyang.planning import catalogue
from zhiyang.planning.models import Treatment


def seed_catalogue(*, actor: Actor) -> int:
    """Create the catalogue rows missing from the database from the cited defaults."""
    existing = set(Treatment.objects.values_list("code", flat=True))
    created = 0
    with transaction.atomic():
        for code, values in catalogue.defaults().items():
            if code in existing:
                continue
            core_services.create_object(
                actor=actor, model=Treatment, data={"code": code, **values}, check_scope=False
            )
            created += 1
    return created


def update_treatment(*, actor: Actor, treatment: Treatment, data: Mapping[str, Any]) -> Treatment:
    """Edit a catalogue row (audited). Edited values are no longer the cited ones, so the
    row is marked unconfirmed unless the editor says otherwise."""
    actors.require(actor, "planning.treatment", "change", _("You may not change the catalogue."))
    values = {k: v for k, v in data.items() if k != "code"}
    values.setdefault("updated_by", audit_user(actor))
    values.setdefault("updated_at", timezone.now())
    return core_services.update_object(actor=actor, obj=treatment, data=values, check_scope=False)


def reset_treatment(*, actor: Actor, treatment: Treatment) -> Treatment:
    """Copy the cited default values of the treatment back (audited)."""
    default = catalogue.defaults().get(treatment.code)
    if default is None:
        raise ValidationError(_("This treatment has no cited default."))
    return update_treatment(actor=actor, treatment=treatment, data=default)


def active_treatments() -> list[Treatment]:
    return list(Treatment.objects.filter(active=True).order_by("code"))
