"""Planning services: the catalogue, calibration, scenarios (run and solve), plan → projects.

Keyword-only, each write in one transaction with its audit row. Running a scenario reads
the latest approved survey of every route (main lane) in the scenario organisation's
scope, builds the candidates with the lifecycle kernel (calibrated decay where the
organisation has one, else the defaults) and solves every budget level with the optimiser;
the results replace the previous ones in one transaction.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.analytics import lifecycle, optimize
from zhiyang.analytics.deterioration import (
    CLASS_GROUPS,
    DeteriorationModel,
    StandardDecay,
    default_decay,
)
from zhiyang.condition.choices import SurveyStatus
from zhiyang.condition.models import SurveyUnit
from zhiyang.core import audit, roles
from zhiyang.core import services as core_services
from zhiyang.core.access import Scope, network_scope_q
from zhiyang.core.choices import AuditAction
from zhiyang.core.models import Organisation
from zhiyang.network.chainage import format_chainage
from zhiyang.notify import hooks as notify_hooks
from zhiyang.planning import calibration as calib
from zhiyang.planning import catalogue
from zhiyang.planning.choices import Objective, ScenarioStatus
from zhiyang.planning.models import Calibration, PlanItem, Scenario, ScenarioRun, Treatment

APPROVAL = "planning.approval"
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
#: Adjacent plan items closer than this (m) are one chainage range.
MERGE_GAP_M = 1.0
#: Construction season of a project made from the plan (北方: April to October).
SEASON = ((4, 1), (10, 31))
#: A run of more units than this goes to the background worker.
INLINE_MAX_UNITS = 1500
SOLVER_TIME_LIMIT_S = 120.0


def _require(user: Any, resource: str, action: str, message: str) -> None:
    if user is not None and not user.may(resource, action):
        raise PermissionDenied(message)


def may_approve(user: Any) -> bool:
    """True if ``user`` may approve plan items. ``planning.approval`` is granted only by its
    own explicit entry in the matrix (``planning.*`` lets engineers plan, not approve)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return "change" in roles.matrix().get(user.role, {}).get(APPROVAL, frozenset())


# =========================================================================== catalogue


def seed_catalogue(*, user: Any = None) -> int:
    """Create the catalogue rows missing from the database from the cited defaults."""
    existing = set(Treatment.objects.values_list("code", flat=True))
    created = 0
    with transaction.atomic():
        for code, values in catalogue.defaults().items():
            if code in existing:
                continue
            core_services.create_object(
                user=user, model=Treatment, data={"code": code, **values}, check_scope=False
            )
            created += 1
    return created


def update_treatment(*, user: Any, treatment: Treatment, data: Mapping[str, Any]) -> Treatment:
    """Edit a catalogue row (audited). Edited values are no longer the cited ones, so the
    row is marked unconfirmed unless the editor says otherwise."""
    _require(user, "planning.treatment", "change", _("You may not change the catalogue."))
    values = {k: v for k, v in data.items() if k != "code"}
    values.setdefault("updated_by", user if getattr(user, "is_authenticated", False) else None)
    values.setdefault("updated_at", timezone.now())
    return core_services.update_object(user=user, obj=treatment, data=values, check_scope=False)


def reset_treatment(*, user: Any, treatment: Treatment) -> Treatment:
    """Copy the cited default values of the treatment back (audited)."""
    default = catalogue.defaults().get(treatment.code)
    if default is None:
        raise ValidationError(_("This treatment has no cited default."))
    return update_treatment(user=user, treatment=treatment, data=default)


def active_treatments() -> list[Treatment]:
    return list(Treatment.objects.filter(active=True).order_by("code"))


# =========================================================================== scope and units


def organisation_scope(organisation: Organisation) -> Scope:
    """The part of the network an organisation covers (as ``core.access.scope_of``)."""
    return Scope(
        everything=organisation.whole_network,
        district_ids=frozenset(organisation.districts.values_list("pk", flat=True)),
        route_ids=frozenset(organisation.routes.values_list("pk", flat=True)),
        organisation_ids=frozenset({organisation.pk}),
    )


def units_in_scope(organisation: Organisation) -> Any:
    """Main-lane units of approved surveys in the organisation's scope (every year)."""
    units = SurveyUnit.objects.filter(survey__status=SurveyStatus.APPROVED, survey__lane=1)
    scope = organisation_scope(organisation)
    if not scope.everything:
        units = units.filter(network_scope_q(scope)).distinct()
    return units


def latest_units(organisation: Organisation) -> list[SurveyUnit]:
    """Units of the latest approved survey of each route and direction, with a PQI."""
    units = units_in_scope(organisation).filter(pqi__isnull=False)
    latest = (
        units.order_by()
        .values("survey__route_id", "survey__direction")
        .annotate(last=Max("survey__survey_date"))
    )
    condition = Q(pk__in=[])
    for row in latest:
        condition |= Q(
            survey__route_id=row["survey__route_id"],
            survey__direction=row["survey__direction"],
            survey__survey_date=row["last"],
        )
    return list(
        units.filter(condition)
        .select_related("route", "survey")
        .order_by("route__code", "survey__direction", "start_m", "pk")
    )


# =========================================================================== calibration


def fit_calibrations(*, user: Any, organisation: Organisation, index: str = "pqi") -> list[Any]:
    """Fit α, β per pavement and road-class group from the organisation's survey history
    (``planning.calibration``); the new rows replace the active ones. Groups with fewer than
    ``calibration.MIN_PAIRS`` pairs keep the default."""
    _require(user, "planning.calibration", "add", _("You may not calibrate."))
    rows = units_in_scope(organisation).values(
        "route_id",
        "survey__direction",
        "start_m",
        "end_m",
        "survey__survey_date",
        "pavement",
        "road_class",
        index,
    )
    observations = [
        {
            "key": (r["route_id"], r["survey__direction"], round(r["start_m"]), round(r["end_m"])),
            "date": r["survey__survey_date"],
            "value": r[index],
            "pavement": r["pavement"],
            "road_class": r["road_class"],
        }
        for r in rows
    ]
    years = sorted({o["date"].year for o in observations})
    groups = calib.pairs_by_group(observations)
    fits = [
        calib.fit_group(pavement, group, pairs, index)
        for (pavement, group), pairs in sorted(groups.items())
        if len(pairs) >= calib.MIN_PAIRS
    ]
    if not fits:
        raise ValidationError(
            _(
                "Not enough history to calibrate: each group needs %(n)d units surveyed in two "
                "approved surveys."
            )
            % {"n": calib.MIN_PAIRS}
        )
    created = []
    now = timezone.now()
    with transaction.atomic():
        for fit in fits:
            old = Calibration.objects.filter(
                organisation=organisation,
                index=index,
                pavement=fit.pavement,
                road_class_group=fit.group,
                active=True,
            )
            for row in old:
                core_services.update_object(
                    user=user, obj=row, data={"active": False}, check_scope=False
                )
            created.append(
                core_services.create_object(
                    user=user,
                    model=Calibration,
                    check_scope=False,
                    data={
                        "organisation": organisation,
                        "index": index,
                        "pavement": fit.pavement,
                        "road_class_group": fit.group,
                        "alpha": round(fit.alpha, 4),
                        "beta": round(fit.beta, 4),
                        "r2": None if fit.r2 is None else round(fit.r2, 4),
                        "rmse": round(fit.rmse, 4),
                        "n": fit.n,
                        "default_alpha": fit.default_alpha,
                        "default_beta": fit.default_beta,
                        "default_rmse": round(fit.default_rmse, 4),
                        "points": fit.points,
                        "years": "–".join(str(y) for y in years),
                        "fitted_at": now,
                        "fitted_by": user if getattr(user, "is_authenticated", False) else None,
                        "active": True,
                    },
                )
            )
    return created


def set_calibration_active(*, user: Any, calibration: Calibration, active: bool) -> Calibration:
    """Use (or stop using) a calibration; activating one deactivates its group's other."""
    _require(user, "planning.calibration", "change", _("You may not change calibrations."))
    with transaction.atomic():
        if active:
            for other in Calibration.objects.filter(
                organisation=calibration.organisation_id,
                index=calibration.index,
                pavement=calibration.pavement,
                road_class_group=calibration.road_class_group,
                active=True,
            ).exclude(pk=calibration.pk):
                core_services.update_object(
                    user=user, obj=other, data={"active": False}, check_scope=False
                )
        return core_services.update_object(
            user=user, obj=calibration, data={"active": active}, check_scope=False
        )


def model_for(organisation: Organisation, index: str = "pqi") -> Callable[[str, str], Any]:
    """``model_for(pavement, road_class)`` for the kernel: the organisation's active
    calibration of the group, else the default curve."""
    fitted = {
        (c.pavement, c.road_class_group): StandardDecay(c.alpha, c.beta)
        for c in Calibration.objects.filter(organisation=organisation, index=index, active=True)
    }

    def lookup(pavement: str, road_class: str) -> DeteriorationModel:
        group = CLASS_GROUPS.get(road_class, "low")
        model = fitted.get((pavement, group))
        if model is not None:
            return model
        return default_decay(
            pavement if pavement in ("asphalt", "concrete") else "asphalt",
            road_class if road_class in CLASS_GROUPS else "class2",
            index,
        )

    return lookup


# =========================================================================== scenarios


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


def create_scenario(*, user: Any, data: Mapping[str, Any]) -> Scenario:
    """A new scenario (not run yet); the organisation defaults to the user's."""
    _require(user, "planning.scenario", "add", _("You may not create scenarios."))
    unknown = set(data) - set(SCENARIO_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    values = _check_levels(data)
    if values.get("organisation") is None:
        organisation = getattr(user, "organisation", None)
        if organisation is None:
            raise ValidationError({"organisation": _("Choose the scenario's organisation.")})
        values["organisation"] = organisation
    values["created_by"] = user if getattr(user, "is_authenticated", False) else None
    return core_services.create_object(user=user, model=Scenario, data=values)


def update_scenario(*, user: Any, scenario: Scenario, data: Mapping[str, Any]) -> Scenario:
    _require(user, "planning.scenario", "change", _("You may not change scenarios."))
    unknown = set(data) - set(SCENARIO_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(names)s") % {"names": ", ".join(sorted(unknown))}
        )
    _ensure_not_frozen(scenario)
    return core_services.update_object(user=user, obj=scenario, data=_check_levels(data))


def delete_scenario(*, user: Any, scenario: Scenario) -> None:
    _require(user, "planning.scenario", "delete", _("You may not delete scenarios."))
    _ensure_not_frozen(scenario)
    core_services.delete_object(user=user, obj=scenario)


def _ensure_not_frozen(scenario: Scenario) -> None:
    if PlanItem.objects.filter(run__scenario=scenario, approved=True).exists():
        raise ValidationError(
            _("Plan items of this scenario are approved: copy it into a new scenario instead.")
        )


@dataclass
class Submitted:
    """What ``submit_run`` did: a queued ``job`` or the ``summary`` of an inline run."""

    job: Any = None
    summary: dict[str, Any] | None = None


def submit_run(*, user: Any, scenario: Scenario, background: bool = False) -> Submitted:
    """Run inline when the scope is small, else queue a background job."""
    _require(user, "planning.scenario", "change", _("You may not run scenarios."))
    _ensure_not_frozen(scenario)
    if background or len(latest_units(scenario.organisation)) > INLINE_MAX_UNITS:
        from zhiyang.planning.tasks import start_run

        return Submitted(job=start_run(user=user, scenario=scenario))
    return Submitted(summary=run_scenario(user=user, scenario=scenario))


def _set_status(scenario: Scenario, status: str, message: str = "") -> None:
    Scenario.objects.filter(pk=scenario.pk).update(status=status, message=message[:500])


def run_scenario(
    *,
    user: Any,
    scenario: Scenario,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, Any]:
    """Build the candidates and solve every budget level; store runs and items atomically.

    Returns a summary ``{"units", "candidates", "levels": [{"pct", "status", ...}]}``.
    """
    report = progress or (lambda _p, _m: None)
    _ensure_not_frozen(scenario)
    _set_status(scenario, ScenarioStatus.RUNNING)
    try:
        report(5, _("Reading the latest surveys"))
        units = latest_units(scenario.organisation)
        rows = active_treatments()
        if not units:
            raise ValidationError(
                _("No approved survey with PQI values in the scenario's part of the network.")
            )
        if not rows:
            raise ValidationError(_("The treatment catalogue has no active treatment."))
        kernel_units = lifecycle.Units.from_columns(
            id=np.array([u.pk for u in units]),
            length_m=[u.length_m for u in units],
            width_m=[u.width_m for u in units],
            pqi_now=[min(100.0, max(0.0, float(u.pqi or 0.0))) for u in units],
            pavement=np.array([u.pavement for u in units], dtype=object),
            road_class=np.array([u.road_class for u in units], dtype=object),
        )
        report(15, _("Building the candidates"))
        candidates = lifecycle.build_candidates(
            kernel_units,
            catalogue.kernel_treatments(rows),
            scenario.years,
            model_for(scenario.organisation),
        )
        levels = [float(v) for v in scenario.budget_levels_pct]
        solved = []
        for n, pct in enumerate(levels):
            report(
                20 + 70 * n / len(levels),
                _("Solving the %(pct)s %% budget level") % {"pct": f"{pct:g}"},
            )
            solved.append((pct, _solve_level(scenario, candidates, pct)))
        report(92, _("Saving the plan"))
        summary = _store(scenario, user, units, candidates, solved)
    except Exception as exc:
        text = (
            " ".join(str(m) for m in exc.messages) if isinstance(exc, ValidationError) else str(exc)
        )
        _set_status(scenario, ScenarioStatus.FAILED, text)
        raise
    notify_hooks.plan_ready(scenario, actor=user)
    return summary


def _solve_level(
    scenario: Scenario, candidates: lifecycle.Candidates, pct: float
) -> optimize.Solution:
    budget = scenario.base_budget_yuan * pct / 100.0
    budgets = {year: budget for year in scenario.years}
    if len(candidates) == 0:
        return optimize.solve([], [], [], [], budgets, method=scenario.method)
    if scenario.objective == Objective.MIN_COST_TO_TARGET:
        gain, baseline, required = candidates.target(scenario.target_good_pct)
        return optimize.min_cost_to_target(
            candidates.unit,
            candidates.year,
            candidates.cost_yuan,
            gain,
            baseline,
            required,
            budgets=budgets,
            time_limit_s=SOLVER_TIME_LIMIT_S,
        )
    return optimize.solve(
        **candidates.for_solver(),
        budgets=budgets,
        method=scenario.method,
        time_limit_s=SOLVER_TIME_LIMIT_S if scenario.method == "milp" else None,
    )


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 3) if math.isfinite(value) else None
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def explanation(candidates: lifecycle.Candidates, k: int, selected: np.ndarray) -> dict[str, Any]:
    """The kernel's explanation of candidate ``k`` plus the same treatment in other years."""
    data = candidates.explain(k, selection=selected)
    same = np.flatnonzero(
        (candidates.unit == candidates.unit[k]) & (candidates.treatment == candidates.treatment[k])
    )
    data["other_years"] = [
        {
            "year": int(candidates.year[j]),
            "benefit": float(candidates.benefit[j]),
            "cost_yuan": float(candidates.cost_yuan[j]),
        }
        for j in same
        if j != k
    ]
    return _rounded(data)


def _unit_pqi(candidates: lifecycle.Candidates, outcome: lifecycle.Trajectories) -> dict[str, Any]:
    """Predicted PQI per unit and year (end of year), without treatment and with the plan."""
    n_years = len(outcome.years)

    def table(values: np.ndarray) -> list[list[float]]:
        return np.round(values[:, :n_years], 1).tolist()  # type: ignore[no-any-return]

    return {
        "units": [int(v) for v in candidates.units.id],
        "years": list(outcome.years),
        "now": np.round(candidates.units.pqi_now, 1).tolist(),
        "without": table(candidates.base),
        "with_plan": table(outcome.pqi),
    }


def _store(
    scenario: Scenario,
    user: Any,
    units: Sequence[SurveyUnit],
    candidates: lifecycle.Candidates,
    solved: list[tuple[float, optimize.Solution]],
) -> dict[str, Any]:
    by_pk = {u.pk: u for u in units}
    levels = []
    with transaction.atomic():
        before = audit.snapshot(scenario)
        ScenarioRun.objects.filter(scenario=scenario).delete()
        for pct, solution in solved:
            selected = solution.selected if solution.ok else np.zeros(0, np.int64)
            outcome = candidates.trajectories(selected)
            trajectory = outcome.as_dict()
            run = ScenarioRun.objects.create(
                scenario=scenario,
                budget_pct=pct,
                budget_per_year_yuan=scenario.base_budget_yuan * pct / 100.0,
                status=solution.status,
                objective=float(solution.objective) if math.isfinite(solution.objective) else 0.0,
                gap=solution.gap if solution.gap is None or math.isfinite(solution.gap) else None,
                seconds=round(solution.seconds, 3),
                spend_yuan=float(candidates.cost_yuan[selected].sum()),
                benefit=float(candidates.benefit[selected].sum()),
                trajectory=_rounded(trajectory),
                unit_pqi=_unit_pqi(candidates, outcome),
                message=solution.message[:500],
            )
            items = []
            for k in selected.tolist():
                unit = by_pk[int(candidates.units.id[candidates.unit[k]])]
                items.append(
                    PlanItem(
                        run=run,
                        unit=unit,
                        route_id=unit.route_id,
                        direction=unit.survey.direction,
                        start_m=unit.start_m,
                        end_m=unit.end_m,
                        width_m=unit.width_m,
                        treatment=candidates.treatments[int(candidates.treatment[k])].code,
                        year=int(candidates.year[k]),
                        cost_yuan=float(candidates.cost_yuan[k]),
                        benefit=float(candidates.benefit[k]),
                        pqi_now=float(candidates.units.pqi_now[candidates.unit[k]]),
                        pqi_before=float(candidates.index_before[k]),
                        pqi_after=float(candidates.index_after[k]),
                        explanation=explanation(candidates, k, selected),
                    )
                )
            PlanItem.objects.bulk_create(items)
            levels.append(
                {
                    "pct": pct,
                    "status": solution.status,
                    "items": len(items),
                    "spend_yuan": run.spend_yuan,
                    "objective": run.objective,
                    "gap": run.gap,
                }
            )
        summary = {"units": len(units), "candidates": len(candidates), "levels": levels}
        Scenario.objects.filter(pk=scenario.pk).update(
            status=ScenarioStatus.SOLVED,
            message="",
            solved_at=timezone.now(),
            inputs={
                "units": len(units),
                "candidates": len(candidates),
                "surveys": sorted({u.survey.survey_date.isoformat() for u in units}),
                "calibrated": sorted(
                    f"{c.pavement}/{c.road_class_group}"
                    for c in Calibration.objects.filter(
                        organisation=scenario.organisation, index="pqi", active=True
                    )
                ),
            },
        )
        scenario.refresh_from_db()
        audit.record(
            user=user,
            action=AuditAction.UPDATE,
            obj=scenario,
            before=before,
            after=audit.snapshot(scenario),
        )
    return summary


# =========================================================================== plan → works


@dataclass
class Range:
    """Adjacent plan items of one route, direction, treatment and year."""

    items: list[PlanItem]

    @property
    def first(self) -> PlanItem:
        return self.items[0]

    @property
    def start_m(self) -> float:
        return min(i.start_m for i in self.items)

    @property
    def end_m(self) -> float:
        return max(i.end_m for i in self.items)

    @property
    def cost_yuan(self) -> float:
        return sum(i.cost_yuan for i in self.items)

    @property
    def area_m2(self) -> float:
        return sum(i.area_m2 for i in self.items)

    @property
    def length_m(self) -> float:
        return sum(i.length_m for i in self.items)


def merge_ranges(items: Iterable[PlanItem]) -> list[Range]:
    """Group items into chainage ranges: same route, direction, treatment and year, each
    starting where the previous ended (within ``MERGE_GAP_M``). Ordered by year, route,
    direction, chainage."""
    ordered = sorted(
        items,
        key=lambda i: (
            i.run_id,
            i.year,
            i.route.code,
            i.direction,
            i.treatment,
            i.start_m,
            i.pk or 0,
        ),
    )
    ranges: list[Range] = []
    for item in ordered:
        last = ranges[-1] if ranges else None
        if (
            last is not None
            and last.first.run_id == item.run_id
            and last.first.route_id == item.route_id
            and last.first.direction == item.direction
            and last.first.treatment == item.treatment
            and last.first.year == item.year
            and item.start_m <= last.end_m + MERGE_GAP_M
        ):
            last.items.append(item)
        else:
            ranges.append(Range([item]))
    return sorted(
        ranges, key=lambda r: (r.first.year, r.first.route.code, r.first.direction, r.start_m)
    )


def approve_items(*, user: Any, items: Iterable[PlanItem]) -> list[Any]:
    """Approve plan items and turn them into draft works projects, one per merged chainage
    range (estimated cost = the sum of the items' costs). Items already approved are left
    alone, so approving twice creates nothing new; an approved item whose draft project was
    deleted (the project's ``on_delete`` cleared the link) can be approved again. Returns the
    new projects."""
    from zhiyang.works import services as works_services
    from zhiyang.works.choices import ProjectSource
    from zhiyang.works.choices import Treatment as TreatmentCode

    if not may_approve(user):
        raise PermissionDenied(_("You may not approve plan items."))
    pks = [i.pk for i in items]
    projects = []
    with transaction.atomic():
        pending = list(
            PlanItem.objects.select_for_update()
            .filter(Q(approved=False) | Q(project__isnull=True), pk__in=pks)
            .select_related("route", "run__scenario__organisation")
            .order_by("pk")
        )
        now = timezone.now()
        for block in merge_ranges(pending):
            first = block.first
            scenario = first.run.scenario
            name = _("%(route)s %(start)s–%(end)s %(treatment)s (%(year)d)") % {
                "route": first.route.code,
                "start": format_chainage(block.start_m),
                "end": format_chainage(block.end_m),
                "treatment": TreatmentCode(first.treatment).label,
                "year": first.year,
            }
            project = works_services.create_project(
                # Approval is a planning right; the project is made by the system for the
                # approver (managers may approve plans without creating projects by hand).
                user=None,
                created_by=user if getattr(user, "is_authenticated", False) else None,
                organisation=scenario.organisation,
                name=name[:200],
                route=first.route,
                start_m=block.start_m,
                end_m=block.end_m,
                treatment=first.treatment,
                contract_value_yuan=Decimal(str(round(block.cost_yuan, 2))),
                planned_start=dt.date(first.year, *SEASON[0]),
                planned_end=dt.date(first.year, *SEASON[1]),
                source=ProjectSource.PLAN,
                description=_(
                    "From scenario “%(scenario)s”, budget level %(pct)s %%: %(n)d evaluation units."
                )
                % {
                    "scenario": scenario.name,
                    "pct": f"{first.run.budget_pct:g}",
                    "n": len(block.items),
                },
            )
            projects.append(project)
            for item in block.items:
                before = audit.snapshot(item)
                item.approved = True
                item.approved_by = user if getattr(user, "is_authenticated", False) else None
                item.approved_at = now
                item.project = project
                item.save(update_fields=["approved", "approved_by", "approved_at", "project"])
                audit.record(
                    user=user,
                    action=AuditAction.UPDATE,
                    obj=item,
                    before=before,
                    after=audit.snapshot(item),
                )
    return projects
