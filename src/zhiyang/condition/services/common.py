"""What the condition services share: the measure columns, the survey's sections on the
network, the draft guard and the one audit row of a bulk write."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhiyang.condition.choices import SurveyDirection, SurveyStatus
from zhiyang.condition.models import Survey
from zhiyang.core import audit
from zhiyang.core.actors import Actor
from zhiyang.core.choices import AuditAction
from zhiyang.network.models import Route, Section

INTERVAL_MEASURES = (
    "iri_left",
    "iri_right",
    "iri",
    "rd_mm",
    "sfc",
    "mpd",
    "mpdc",
    "pb_light",
    "pb_medium",
    "pb_heavy",
)
# Length-weighted means over the unit.
UNIT_MEASURES = ("iri", "rd_mm", "sfc", "mpd", "mpdc")
# Counts, summed over the unit (an interval partly inside counts pro rata).
UNIT_COUNTS = ("pb_light", "pb_medium", "pb_heavy")
# Unit inputs of the rating engine taken from the road-asset inventory (zhiyang.assets).
UNIT_EXTRA_INPUTS = ("sci", "bci", "tci")
# What the engine computes, stored on the unit.
UNIT_OUTPUTS = ("dr", "pci", "rqi", "rdi", "sri", "pbi", "pwi", "pssi", "pqi", "mqi")
GRADE_OUTPUTS = ("grade_pqi", "grade_mqi")
# A last unit shorter than this joins the previous one.
MIN_UNIT_M = 1.0


def sections_for(route: Route, direction: str = SurveyDirection.BOTH) -> list[Section]:
    """The route's sections of a direction (with the two-way ones), else all of them."""
    sections = list(route.sections.select_related("district").order_by("start_m"))
    if direction in (SurveyDirection.UP, SurveyDirection.DOWN):
        matching = [s for s in sections if s.direction in (direction, SurveyDirection.BOTH)]
        if matching:
            return matching
    return sections


def section_at(sections: Sequence[Section], chainage_m: float) -> Section | None:
    """The section containing the chainage (the nearest one when it falls in a gap)."""
    best: Section | None = None
    best_gap = math.inf
    for section in sections:
        if section.start_m <= chainage_m <= section.end_m:
            return section
        gap = min(abs(section.start_m - chainage_m), abs(section.end_m - chainage_m))
        if gap < best_gap:
            best, best_gap = section, gap
    return best


def ensure_draft(survey: Survey) -> None:
    """Refuse to change the data of an approved survey."""
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(
            _("The survey is approved; set it back to draft before importing into it.")
        )


def _audit_bulk(*, actor: Actor, survey: Survey, what: Mapping[str, Any]) -> None:
    """One audit row on the survey describing a bulk write of its child rows."""
    snapshot = audit.snapshot(survey)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=survey,
        before=snapshot,
        after={**snapshot, **{f"bulk_{k}": v for k, v in what.items()}},
    )
