"""Surveys: create, change (a new edition or unit length re-rates), approve, reopen."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.condition.choices import SurveyStatus
from zhiyang.condition.models import Survey
from zhiyang.condition.services.rating import rate_survey
from zhiyang.core import services
from zhiyang.core.actors import Actor, audit_user


def create_survey(*, actor: Actor, data: Mapping[str, Any]) -> Survey:
    """A new draft survey; the creator is recorded."""
    values = {**data, "status": SurveyStatus.DRAFT, "approved_by": None, "approved_at": None}
    if audit_user(actor) is not None:
        values["created_by"] = audit_user(actor)
    return services.create_object(actor=actor, model=Survey, data=values)


def update_survey(*, actor: Actor, survey: Survey, data: Mapping[str, Any]) -> Survey:
    """Change a survey's description; a new edition or unit length recomputes its units."""
    moved = "route" in data and data["route"] != survey.route
    if moved and (survey.intervals.exists() or survey.distress_records.exists()):
        raise ValidationError(
            {"route": _("The survey already has data on its route; create a new survey.")}
        )
    recompute = any(
        key in data and data[key] != getattr(survey, key) for key in ("edition", "unit_length_m")
    )
    with transaction.atomic():
        survey = services.update_object(actor=actor, obj=survey, data=data)
        if recompute and (survey.intervals.exists() or survey.units.exists()):
            rate_survey(actor=actor, survey=survey)
    return survey


def delete_survey(*, actor: Actor, survey: Survey) -> None:
    services.delete_object(actor=actor, obj=survey)


def approve_survey(*, actor: Actor, survey: Survey) -> Survey:
    """Approve a survey: maps and statistics show it from now on. Needs computed units."""
    if survey.status == SurveyStatus.APPROVED:
        return survey
    if not survey.units.exists():
        raise ValidationError(_("This survey has no evaluation units yet: import data first."))
    return services.update_object(
        actor=actor,
        obj=survey,
        data={
            "status": SurveyStatus.APPROVED,
            "approved_by": audit_user(actor),
            "approved_at": timezone.now(),
        },
    )


def reopen_survey(*, actor: Actor, survey: Survey) -> Survey:
    """Set an approved survey back to draft (to import corrections)."""
    if survey.status == SurveyStatus.DRAFT:
        return survey
    return services.update_object(
        actor=actor,
        obj=survey,
        data={"status": SurveyStatus.DRAFT, "approved_by": None, "approved_at": None},
    )
