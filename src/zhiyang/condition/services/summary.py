"""Condition statistics over the units an actor may see (per route, district, network)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from zhiyang.condition.choices import SurveyStatus
from zhiyang.condition.models import Survey, SurveyUnit
from zhiyang.core.access import restrict
from zhiyang.core.actors import Actor

SUMMARY_INDICES = ("pqi", "pci", "rqi", "rdi", "sri", "pbi", "pwi", "mqi", "sci", "bci", "tci")


def _json_number(value: Any) -> Any:
    """NaN and infinities as None (JSON has no NaN), other floats rounded to 0.01."""
    if isinstance(value, float):
        return round(value, 2) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _json_number(v) for k, v in value.items()}
    return value


def condition_summary(
    *,
    actor: Actor,
    year: int | None = None,
    survey: Survey | None = None,
    route: str = "",
    district: str = "",
    approved_only: bool = True,
) -> dict[str, Any]:
    """Length-weighted indices, grade shares, 优良率 and 次差率 per route, per district and
    for the network, over the units ``actor`` may see.

    Units: of one survey when given; otherwise of the main lane (lane 1) of approved
    surveys (all surveys with ``approved_only=False``) of ``year`` (default: the latest
    year that has units in scope).
    """
    from zhiyang.analytics.rating import summarise

    units = restrict(SurveyUnit.objects.all(), actor, "view")
    if survey is not None:
        units = units.filter(survey=survey)
    else:
        units = units.filter(survey__lane=1)
        if approved_only:
            units = units.filter(survey__status=SurveyStatus.APPROVED)
        if year is None:
            latest = (
                units.order_by("-survey__survey_date")
                .values_list("survey__survey_date", flat=True)
                .first()
            )
            year = latest.year if latest else None
        if year is not None:
            units = units.filter(survey__survey_date__year=year)
    if route:
        units = units.filter(route__code__iexact=route)
    if district:
        units = units.filter(district__code=district)
    rows = list(
        units.values_list(
            "route__code", "district__code", "district__name", "length_m", *SUMMARY_INDICES
        )
    )
    out: dict[str, Any] = {
        "year": year if survey is None else survey.year,
        "survey": survey.pk if survey is not None else None,
        "network": None,
        "routes": [],
        "districts": [],
    }
    if not rows:
        return out
    table = np.array([r[3:] for r in rows], dtype=float)
    lengths = table[:, 0]
    values = {name: table[:, 1 + j] for j, name in enumerate(SUMMARY_INDICES)}

    def groups(labels: list[Any]) -> dict[Any, dict[str, Any]]:
        result = summarise(values, lengths, np.array(labels, dtype=object))
        return {k: _json_number(v) for k, v in result.items()}

    out["network"] = groups(["network"] * len(rows))["network"]
    names = {r[1]: r[2] for r in rows}
    out["routes"] = [{"route": k, **v} for k, v in sorted(groups([r[0] for r in rows]).items())]
    out["districts"] = [
        {"district": k, "district_name": names[k], **v}
        for k, v in sorted(groups([r[1] for r in rows]).items())
    ]
    return out
