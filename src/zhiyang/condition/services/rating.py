"""Evaluation units of a survey (``rate_survey``), and how they are derived:

- The units cut the survey's extent (the chainage range its intervals cover; the route's
  range when it only has distress records) at multiples of ``unit_length_m`` counted from
  K0+000, so 1000 m units run K12+000–K13+000. A remainder shorter than 1 m joins the
  previous unit.
- Measurements (IRI, rut depth, SFC, MPD) are length-weighted means of the intervals over
  the part of the unit they cover; a measure no interval gives stays blank.
- Distress: the survey's distress records are summed per ``<distress>_<severity>`` column,
  a record spanning several units shared in proportion to its overlap, a point record
  counted in the unit holding its chainage. A survey with no distress record at all leaves
  DR (and so PCI) blank: no distress survey is not the same as no distress.
- Road class and width come from the network: the route's technical class, the width and
  pavement of the section (of the survey's direction, else any) containing the unit's
  midpoint, whose district the unit belongs to.
- The indices and grades are those of ``zhiyang.analytics.rating.rate`` for the survey's
  edition of the standard.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from zhiyang.condition.models import Distress, Survey, SurveyUnit
from zhiyang.condition.services.common import (
    GRADE_OUTPUTS,
    MIN_UNIT_M,
    UNIT_COUNTS,
    UNIT_EXTRA_INPUTS,
    UNIT_MEASURES,
    UNIT_OUTPUTS,
    _audit_bulk,
    section_at,
    sections_for,
)
from zhiyang.core.actors import Actor
from zhiyang.standards.services import parameters_for


def unit_bounds(start_m: float, end_m: float, unit_length_m: float) -> list[tuple[float, float]]:
    """Units from ``start_m`` to ``end_m`` cut at multiples of ``unit_length_m``."""
    if end_m - start_m <= 0:
        return []
    cuts = [start_m]
    k = math.floor(start_m / unit_length_m + 1e-9) + 1
    while k * unit_length_m < end_m - 1e-6:
        cuts.append(k * unit_length_m)
        k += 1
    cuts.append(end_m)
    bounds = list(itertools.pairwise(cuts))
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] < MIN_UNIT_M:
        last = bounds.pop()
        bounds[-1] = (bounds[-1][0], last[1])
    if len(bounds) > 1 and bounds[0][1] - bounds[0][0] < MIN_UNIT_M:
        first = bounds.pop(0)
        bounds[0] = (first[0], bounds[0][1])
    return bounds


def _integrals(
    starts: np.ndarray,
    ends: np.ndarray,
    density: np.ndarray,
    unit_starts: np.ndarray,
    unit_ends: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(∫ density dx, metres with a value) over each unit, for piecewise-constant values.

    The intervals are sorted and do not overlap, so both integrals are piecewise-linear
    functions of chainage: a unit's integral is their difference at its ends, without an
    interval × unit matrix (10 m intervals on 100 km stay cheap).
    """
    valid = np.isfinite(density)
    lengths = ends - starts
    xs = np.column_stack([starts, ends]).ravel()
    out = []
    for per_interval in (np.where(valid, density, 0.0) * lengths, np.where(valid, lengths, 0.0)):
        cumulative = np.concatenate([[0.0], np.cumsum(per_interval)])
        ys = np.column_stack([cumulative[:-1], cumulative[1:]]).ravel()
        out.append(np.interp(unit_ends, xs, ys) - np.interp(unit_starts, xs, ys))
    return out[0], out[1]


def weighted_means(
    starts: np.ndarray,
    ends: np.ndarray,
    values: np.ndarray,
    unit_starts: np.ndarray,
    unit_ends: np.ndarray,
) -> np.ndarray:
    """Length-weighted means of interval values over each unit (NaN = no data there)."""
    if len(starts) == 0:
        return np.full(len(unit_starts), np.nan)
    total, covered = _integrals(starts, ends, values, unit_starts, unit_ends)
    safe = np.where(covered > 1e-9, covered, 1.0)
    return np.where(covered > 1e-9, total / safe, np.nan)


def pro_rata_sums(
    starts: np.ndarray,
    ends: np.ndarray,
    counts: np.ndarray,
    unit_starts: np.ndarray,
    unit_ends: np.ndarray,
) -> np.ndarray:
    """Counts per unit: an interval partly inside a unit counts in proportion (NaN = none
    of the unit was counted)."""
    if len(starts) == 0:
        return np.full(len(unit_starts), np.nan)
    total, covered = _integrals(starts, ends, counts / (ends - starts), unit_starts, unit_ends)
    return np.where(covered > 1e-9, total, np.nan)


def distress_item_index(pavement: str, edition: str) -> dict[tuple[str, str], Any]:
    """The rating engine's distress items by (distress, severity)."""
    from zhiyang.analytics.rating import distress_items

    return {(item.type, item.severity): item for item in distress_items(pavement, edition)}


def distress_quantities(
    records: Sequence[Distress],
    bounds: Sequence[tuple[float, float]],
    pavements: Sequence[str],
    edition: str,
) -> dict[str, np.ndarray]:
    """Quantity columns ``<distress>_<severity>`` per unit (the engine's item keys)."""
    n = len(bounds)
    columns: dict[str, np.ndarray] = {}
    indexes = {p: distress_item_index(p, edition) for p in set(pavements)}
    starts = np.array([b[0] for b in bounds])
    ends = np.array([b[1] for b in bounds])
    for record in records:
        if record.end_m is not None and record.end_m > record.start_m:
            overlap = np.clip(
                np.minimum(ends, record.end_m) - np.maximum(starts, record.start_m), 0, None
            )
            shares = overlap / (record.end_m - record.start_m)
        else:
            shares = np.zeros(n)
            inside = np.nonzero((starts <= record.start_m) & (record.start_m <= ends))[0]
            if len(inside) == 0:
                continue
            shares[inside[0]] = 1.0
        for i in (int(k) for k in np.nonzero(shares)[0]):
            item = indexes[pavements[i]].get((record.distress, record.severity))
            if item is None:
                continue  # a concrete distress on an asphalt unit: not rated
            column = columns.setdefault(item.key, np.zeros(n))
            column[i] += record.quantity * shares[i]
    # The distress survey covered every unit: a unit without records has DR 0, not blank
    # (the engine treats a unit with any quantity column as surveyed).
    for index in indexes.values():
        first = next(iter(index.values()), None)
        if first is not None:
            columns.setdefault(first.key, np.zeros(n))
    return columns


def _float_or_none(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


RATING_STANDARDS = {"2018": "jtg5210_2018", "2007": "jtg_h20_2007"}

#: Providers of the unit inputs no survey measures (SCI, BCI, TCI …): callables
#: ``(route=, bounds=, on=, parameters=) -> {column: array per unit}``, registered by the
#: apps that hold them (zhiyang.assets in its AppConfig.ready), so condition imports none.
UnitInputProvider = Callable[..., dict[str, Any]]
UNIT_INPUT_PROVIDERS: list[UnitInputProvider] = []


def register_unit_inputs(provider: UnitInputProvider) -> None:
    """Let ``provider`` fill unit inputs of every rating (idempotent)."""
    if provider not in UNIT_INPUT_PROVIDERS:
        UNIT_INPUT_PROVIDERS.append(provider)


def _unit_inputs(
    route: Any, bounds: list[tuple[float, float]], survey: Survey, params: Any
) -> dict[str, Any]:
    """SCI/BCI/TCI per unit: NaN unless a registered provider (the road-asset inventory)
    has values; the one place the rating reads them."""
    columns: dict[str, Any] = {name: np.full(len(bounds), np.nan) for name in UNIT_EXTRA_INPUTS}
    for provider in UNIT_INPUT_PROVIDERS:
        columns.update(
            provider(route=route, bounds=bounds, on=survey.survey_date, parameters=params)
        )
    return columns


def rating_parameters(survey: Survey) -> Any:
    """The rating parameters for ``survey``: its edition's data file with the active
    overrides (zhiyang.standards) of the organisation that owns the survey - the
    organisation of the user who created it - or only the global ones without one."""
    creator = survey.created_by
    owner = creator.organisation_id if creator is not None else None
    return parameters_for(RATING_STANDARDS[survey.edition], owner)


def rate_survey(*, actor: Actor, survey: Survey, audit_row: bool = True) -> int:
    """Recompute all evaluation units of a survey in one transaction; returns their count.

    See the module docstring for how units are derived. ``audit_row=False`` is for callers
    that write their own audit row on the survey in the same transaction (imports).
    """
    from zhiyang.analytics.rating import rate

    route = survey.route
    sections = sections_for(route, survey.direction)
    intervals = list(
        survey.intervals.order_by("start_m").values_list(
            "start_m", "end_m", *UNIT_MEASURES, *UNIT_COUNTS
        )
    )
    records = list(survey.distress_records.all())
    if intervals:
        extent = (min(i[0] for i in intervals), max(i[1] for i in intervals))
    elif records:
        extent = (route.start_m, route.end_m)
    else:
        extent = (0.0, 0.0)
    bounds = unit_bounds(*extent, survey.unit_length_m) if sections else []
    units: list[SurveyUnit] = []
    with transaction.atomic():
        survey.units.all().delete()
        if bounds:
            starts = np.array([b[0] for b in bounds])
            ends = np.array([b[1] for b in bounds])
            mids = [section_at(sections, (a + b) / 2) for a, b in bounds]
            pavements = [s.pavement if s else route.pavement for s in mids]
            columns: dict[str, Any] = {
                "road_class": [route.tech_class] * len(bounds),
                "pavement": pavements,
                "length_m": ends - starts,
                "width_m": np.array([s.width_m if s else np.nan for s in mids]),
            }
            table = np.array(intervals, dtype=float).reshape(
                -1, 2 + len(UNIT_MEASURES) + len(UNIT_COUNTS)
            )
            for j, name in enumerate((*UNIT_MEASURES, *UNIT_COUNTS)):
                combine = pro_rata_sums if name in UNIT_COUNTS else weighted_means
                columns[name] = combine(table[:, 0], table[:, 1], table[:, 2 + j], starts, ends)
            params = rating_parameters(survey)
            columns.update(_unit_inputs(route, bounds, survey, params))
            if records:
                columns.update(distress_quantities(records, bounds, pavements, survey.edition))
            else:
                columns["dr"] = np.full(len(bounds), np.nan)
            results = rate(columns, edition=survey.edition, parameters=params)
            for i, (start_m, end_m) in enumerate(bounds):
                section = mids[i]
                assert section is not None
                unit = SurveyUnit(
                    survey=survey,
                    route=route,
                    district_id=section.district_id,
                    start_m=start_m,
                    end_m=end_m,
                    length_m=end_m - start_m,
                    width_m=section.width_m,
                    road_class=route.tech_class,
                    pavement=pavements[i],
                )
                for name in (*UNIT_MEASURES, *UNIT_COUNTS, *UNIT_EXTRA_INPUTS):
                    setattr(unit, name, _float_or_none(columns[name][i]))
                for name in UNIT_OUTPUTS:
                    if name in results:
                        setattr(unit, name, _float_or_none(results[name][i]))
                for name in GRADE_OUTPUTS:
                    grade = results.get(name)
                    setattr(unit, name, str(grade[i] or "") if grade is not None else "")
                units.append(unit)
            SurveyUnit.objects.bulk_create(units, batch_size=2000)
        Survey.objects.filter(pk=survey.pk).update(rated_at=timezone.now())
        survey.rated_at = timezone.now()
        if audit_row:
            _audit_bulk(actor=actor, survey=survey, what={"units": len(units)})
    return len(units)
