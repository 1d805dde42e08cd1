"""Condition services: surveys, evaluation units (``rate_survey``), distress records.

Every write is keyword-only, in one transaction, with its audit row in the same transaction.
Bulk child rows (intervals, units) are covered by one audit row on their survey that says
what was written (see ``_audit_bulk``).

How units are derived from a survey (``rate_survey``):

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
import uuid as uuid_module
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.condition.choices import DistressSource, SurveyDirection, SurveyStatus
from zhiyang.condition.models import Distress, Survey, SurveyInterval, SurveyUnit
from zhiyang.core import audit, services
from zhiyang.core.access import restrict
from zhiyang.core.actors import SYSTEM, Actor
from zhiyang.core.choices import AuditAction
from zhiyang.network.chainage import format_chainage
from zhiyang.network.models import Route, Section
from zhiyang.network.services import locate_field_point

# Measurements averaged from intervals into units.
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


# --------------------------------------------------------------------------- network


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


# --------------------------------------------------------------------------- surveys


def _actor(user: Any) -> Actor:
    """The actor of a condition write. TRANSITIONAL (issue 15): condition's services still
    take ``user`` (``None`` = the system) until condition/views.py, rewritten on another
    branch, moves to ``actor=``; everything below them already gets an ``Actor``."""
    return SYSTEM if user is None else user  # type: ignore[no-any-return]


def create_survey(*, user: Any, data: Mapping[str, Any]) -> Survey:
    """A new draft survey; the creator is recorded."""
    values = {**data, "status": SurveyStatus.DRAFT, "approved_by": None, "approved_at": None}
    if getattr(user, "is_authenticated", False):
        values["created_by"] = user
    return services.create_object(actor=_actor(user), model=Survey, data=values)


def update_survey(*, user: Any, survey: Survey, data: Mapping[str, Any]) -> Survey:
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
        survey = services.update_object(actor=_actor(user), obj=survey, data=data)
        if recompute and (survey.intervals.exists() or survey.units.exists()):
            rate_survey(user=user, survey=survey)
    return survey


def delete_survey(*, user: Any, survey: Survey) -> None:
    services.delete_object(actor=_actor(user), obj=survey)


def approve_survey(*, user: Any, survey: Survey) -> Survey:
    """Approve a survey: maps and statistics show it from now on. Needs computed units."""
    if survey.status == SurveyStatus.APPROVED:
        return survey
    if not survey.units.exists():
        raise ValidationError(_("This survey has no evaluation units yet: import data first."))
    return services.update_object(
        actor=_actor(user),
        obj=survey,
        data={"status": SurveyStatus.APPROVED, "approved_by": user, "approved_at": timezone.now()},
    )


def reopen_survey(*, user: Any, survey: Survey) -> Survey:
    """Set an approved survey back to draft (to import corrections)."""
    if survey.status == SurveyStatus.DRAFT:
        return survey
    return services.update_object(
        actor=_actor(user),
        obj=survey,
        data={"status": SurveyStatus.DRAFT, "approved_by": None, "approved_at": None},
    )


def ensure_draft(survey: Survey) -> None:
    """Refuse to change the data of an approved survey."""
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(
            _("The survey is approved; set it back to draft before importing into it.")
        )


def _audit_bulk(*, user: Any, survey: Survey, what: Mapping[str, Any]) -> None:
    """One audit row on the survey describing a bulk write of its child rows."""
    snapshot = audit.snapshot(survey)
    audit.record(
        actor=_actor(user),
        action=AuditAction.UPDATE,
        obj=survey,
        before=snapshot,
        after={**snapshot, **{f"bulk_{k}": v for k, v in what.items()}},
    )


# --------------------------------------------------------------------------- intervals


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
    user: Any,
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
            user=user,
            survey=survey,
            what={
                "source": source,
                "intervals": outcome.as_dict(),
                "range": [format_chainage(low), format_chainage(high)],
            },
        )
        if rate:
            rate_survey(user=user, survey=survey, audit_row=False)
    return outcome


# --------------------------------------------------------------------------- rating


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


def rating_parameters(survey: Survey) -> Any:
    """The rating parameters for ``survey``: its edition's data file with the active
    overrides (zhiyang.standards) of the organisation that owns the survey - the
    organisation of the user who created it - or only the global ones without one."""
    from zhiyang.standards.services import parameters_for

    creator = survey.created_by
    owner = creator.organisation_id if creator is not None else None
    return parameters_for(RATING_STANDARDS[survey.edition], owner)


def _inventory_inputs(
    route: Route, bounds: list[tuple[float, float]], survey: Survey, params: Any
) -> dict[str, Any]:
    """SCI/BCI/TCI of the units from the road-asset inventory (zhiyang.assets), NaN where it
    has nothing; the one place the rating reads the inventory."""
    from zhiyang.assets.services.mqi import survey_inputs

    return survey_inputs(route=route, bounds=bounds, on=survey.survey_date, parameters=params)


def rate_survey(*, user: Any, survey: Survey, audit_row: bool = True) -> int:
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
            columns.update(_inventory_inputs(route, bounds, survey, params))
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
            _audit_bulk(user=user, survey=survey, what={"units": len(units)})
    return len(units)


# --------------------------------------------------------------------------- distress


def validate_distress_kind(*, pavement: str, edition: str, distress: str, severity: str) -> Any:
    """The engine's item for a distress and severity on a pavement, or a ValidationError."""
    item = distress_item_index(pavement, edition).get((distress, severity))
    if item is None:
        raise ValidationError(
            {
                "distress": _(
                    "“%(distress)s” with severity “%(severity)s” is not a distress of this "
                    "pavement; see the template's list of distress keys."
                )
                % {"distress": distress, "severity": severity}
            }
        )
    return item


def create_distress(
    *, user: Any, data: Mapping[str, Any], source: str = DistressSource.API
) -> tuple[Distress, bool]:
    """Create a distress record; returns (record, created).

    With a ``client_uuid`` already stored, the existing record is returned unchanged (an
    offline form sent twice): ``created`` is then False. The district comes from the
    section at the chainage, the unit from the engine's item when not given.
    """
    values = dict(data)
    client_uuid = values.get("client_uuid")
    if client_uuid:
        existing = Distress.objects.filter(client_uuid=client_uuid).first()
        if existing is not None:
            return existing, False
    route: Route = values["route"]
    survey: Survey | None = values.get("survey")
    if survey is not None and survey.route_id != route.pk:
        raise ValidationError({"survey": _("The survey is of another route.")})
    edition = survey.edition if survey is not None else "2018"
    section = section_at(sections_for(route), float(values["start_m"]))
    pavement = section.pavement if section else route.pavement
    item = validate_distress_kind(
        pavement=pavement,
        edition=edition,
        distress=str(values.get("distress", "")),
        severity=str(values.get("severity", "")),
    )
    values.setdefault("unit", item.unit)
    if not values.get("unit"):
        values["unit"] = item.unit
    values["district"] = section.district if section else None
    values["source"] = source
    if getattr(user, "is_authenticated", False):
        values.setdefault("reported_by", user)
    try:
        with transaction.atomic():
            record = services.create_object(actor=_actor(user), model=Distress, data=values)
    except IntegrityError:
        # Two copies of the same offline report raced: the first one won.
        if client_uuid:
            existing = Distress.objects.filter(client_uuid=client_uuid).first()
            if existing is not None:
                return existing, False
        raise
    return record, True


def update_distress(*, user: Any, distress: Distress, data: Mapping[str, Any]) -> Distress:
    """Change a record; the district follows the chainage, the kind is checked again."""
    values = dict(data)
    values.pop("client_uuid", None)
    route = values.get("route") or distress.route
    values["route"] = route
    start_m = float(values.get("start_m", distress.start_m))
    section = section_at(sections_for(route), start_m)
    values["district"] = section.district if section else None
    item = validate_distress_kind(
        pavement=section.pavement if section else route.pavement,
        edition=distress.survey.edition if distress.survey is not None else "2018",
        distress=str(values.get("distress", distress.distress)),
        severity=str(values.get("severity", distress.severity)),
    )
    if "unit" not in values:
        values["unit"] = item.unit
    return services.update_object(actor=_actor(user), obj=distress, data=values)


def delete_distress(*, user: Any, distress: Distress) -> None:
    services.delete_object(actor=_actor(user), obj=distress)


def report_distress(*, user: Any, data: Mapping[str, Any]) -> tuple[Distress, bool]:
    """A phone report: GPS point (+ optional route) → route and chainage, then a record.

    Without ``start_m`` the chainage comes from linear referencing within
    ``network.services.FIELD_LOCATE_TOLERANCE_M``; with it (typed by hand) the route must be given.
    """
    values = dict(data)
    client_uuid = values.get("client_uuid")
    if client_uuid:
        existing = Distress.objects.filter(client_uuid=client_uuid).first()
        if existing is not None:
            return existing, False
    if values.get("start_m") is None:
        lon, lat = values.get("lon"), values.get("lat")
        if lon is None or lat is None:
            raise ValidationError({"lon": _("Give the GPS position, or the route and chainage.")})
        found = locate_field_point(actor=_actor(user), lon=lon, lat=lat, route=values.get("route"))
        values["route"] = found.route
        values["start_m"] = round(found.chainage_m, 1)
        values["end_m"] = None
    elif values.get("route") is None:
        raise ValidationError({"route": _("Choose the route of the chainage.")})
    values.setdefault("client_uuid", client_uuid or None)
    return create_distress(user=user, data=values, source=DistressSource.PHONE)


def new_client_uuid() -> uuid_module.UUID:
    return uuid_module.uuid4()


def replace_imported_distress(
    *, user: Any, survey: Survey, rows: Sequence[Mapping[str, Any]], rate: bool = True
) -> int:
    """Replace the survey's Excel-imported distress records by ``rows`` (validated), then
    recompute the units; one audit row on the survey, one transaction."""
    ensure_draft(survey)
    route = survey.route
    sections = sections_for(route, survey.direction)
    with transaction.atomic():
        removed, _detail = survey.distress_records.filter(source=DistressSource.EXCEL).delete()
        records = []
        for row in rows:
            section = section_at(sections, row["start_m"])
            records.append(
                Distress(
                    route=route,
                    district_id=section.district_id if section else None,
                    survey=survey,
                    start_m=row["start_m"],
                    end_m=row.get("end_m"),
                    distress=row["distress"],
                    severity=row["severity"],
                    quantity=row["quantity"],
                    unit=row["unit"],
                    note=row.get("note", ""),
                    source=DistressSource.EXCEL,
                    reported_by=user if getattr(user, "is_authenticated", False) else None,
                    reported_at=timezone.now(),
                )
            )
        Distress.objects.bulk_create(records, batch_size=2000)
        _audit_bulk(
            user=user,
            survey=survey,
            what={
                "source": "distress import",
                "distress": {"created": len(records), "replaced": removed},
            },
        )
        if rate:
            rate_survey(user=user, survey=survey, audit_row=False)
    return len(records)


def pavement_at(survey: Survey) -> Any:
    """A function chainage -> pavement on the survey's route (for validating distress)."""
    sections = sections_for(survey.route, survey.direction)

    def at(chainage_m: float) -> str:
        section = section_at(sections, chainage_m)
        return section.pavement if section else survey.route.pavement

    return at


# --------------------------------------------------------------------------- summary

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
    user: Any,
    year: int | None = None,
    survey: Survey | None = None,
    route: str = "",
    district: str = "",
    approved_only: bool = True,
) -> dict[str, Any]:
    """Length-weighted indices, grade shares, 优良率 and 次差率 per route, per district and
    for the network, over the units ``user`` may see.

    Units: of one survey when given; otherwise of the main lane (lane 1) of approved
    surveys (all surveys with ``approved_only=False``) of ``year`` (default: the latest
    year that has units in scope).
    """
    from zhiyang.analytics.rating import summarise

    units = restrict(SurveyUnit.objects.all(), user, "view")
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
