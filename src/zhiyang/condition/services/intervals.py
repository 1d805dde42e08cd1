"""Raw interval measurements written into a survey (imports, the API)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from zhiyang.condition.models import Survey, SurveyInterval
from zhiyang.condition.services.common import INTERVAL_MEASURES, _audit_bulk, ensure_draft
from zhiyang.condition.services.rating import rate_survey
from zhiyang.core.actors import Actor
from zhiyang.network.chainage import format_chainage


@dataclass
class IntervalWrite:
    """What ``write_intervals`` did."""

    created: int = 0
    updated: int = 0
    replaced: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "replaced": self.replaced}


def _key(start_m: float, end_m: float) -> tuple[int, int]:
    return round(start_m * 100), round(end_m * 100)


def write_intervals(
    *,
    actor: Actor,
    survey: Survey,
    rows: Sequence[Mapping[str, Any]],
    fields: Sequence[str],
    source: str,
    rate: bool = True,
) -> IntervalWrite:
    """Write validated interval rows (``start_m``, ``end_m`` and ``fields``) into a survey.

    A row with the same chainage range (to the centimetre) as an existing interval updates
    only ``fields`` of it (left and right wheel paths may come in separate files); existing
    intervals the rows overlap otherwise are replaced. ``iri`` is the mean of the wheel
    paths where the file gave none. One audit row on the survey; then the units are
    recomputed. All in one transaction.
    """
    ensure_draft(survey)
    outcome = IntervalWrite()
    if not rows:
        return outcome
    low = min(r["start_m"] for r in rows)
    high = max(r["end_m"] for r in rows)
    with transaction.atomic():
        existing = {
            _key(i.start_m, i.end_m): i
            for i in survey.intervals.filter(start_m__lt=high, end_m__gt=low)
        }
        incoming = {_key(r["start_m"], r["end_m"]) for r in rows}
        stale = [i.pk for k, i in existing.items() if k not in incoming]
        if stale:
            SurveyInterval.objects.filter(pk__in=stale).delete()
        outcome.replaced = len(stale)
        to_create: list[SurveyInterval] = []
        to_update: list[SurveyInterval] = []
        for row in rows:
            current = existing.get(_key(row["start_m"], row["end_m"]))
            interval = current or SurveyInterval(
                survey=survey, start_m=row["start_m"], end_m=row["end_m"]
            )
            for name in fields:
                setattr(interval, name, row.get(name))
            if "iri" not in fields:
                paths = [v for v in (interval.iri_left, interval.iri_right) if v is not None]
                interval.iri = sum(paths) / len(paths) if paths else interval.iri
            (to_update if current else to_create).append(interval)
        SurveyInterval.objects.bulk_create(to_create, batch_size=2000)
        update_fields = sorted({*fields, "iri"} & set(INTERVAL_MEASURES))
        SurveyInterval.objects.bulk_update(to_update, update_fields, batch_size=2000)
        outcome.created, outcome.updated = len(to_create), len(to_update)
        _audit_bulk(
            actor=actor,
            survey=survey,
            what={
                "source": source,
                "intervals": outcome.as_dict(),
                "range": [format_chainage(low), format_chainage(high)],
            },
        )
        if rate:
            rate_survey(actor=actor, survey=survey, audit_row=False)
    return outcome
