"""Running a scenario (inline for small networks, on the worker otherwise): candidates from
the lifecycle kernel, every budget level solved by the optimiser, the plan items and their
explanations stored in one transaction.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.analytics import lifecycle, optimize
from zhiyang.condition.models import SurveyUnit
from zhiyang.core import actors, audit
from zhiyang.core.actors import Actor
from zhiyang.core.choices import AuditAction
from zhiyang.notify import hooks as notify_hooks
from zhiyang.planning import catalogue
from zhiyang.planning.choices import Objective, ScenarioStatus
from zhiyang.planning.models import Calibration, PlanItem, Scenario, ScenarioRun
from zhiyang.planning.services.calibrations import latest_units, model_for
from zhiyang.planning.services.treatments import active_treatments

#: A run of more units than this goes to the background worker.
INLINE_MAX_UNITS = 1500
SOLVER_TIME_LIMIT_S = 120.0


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


def submit_run(*, actor: Actor, scenario: Scenario, background: bool = False) -> Submitted:
    """Run inline when the scope is small, else queue a background job."""
    actors.require(actor, "planning.scenario", "change", _("You may not run scenarios."))
    _ensure_not_frozen(scenario)
    if background or len(latest_units(scenario.organisation)) > INLINE_MAX_UNITS:
        from zhiyang.planning.tasks import start_run

        return Submitted(job=start_run(actor=actor, scenario=scenario))
    return Submitted(summary=run_scenario(actor=actor, scenario=scenario))


def _set_status(scenario: Scenario, status: str, message: str = "") -> None:
    Scenario.objects.filter(pk=scenario.pk).update(status=status, message=message[:500])


def run_scenario(
    *,
    actor: Actor,
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
        summary = _store(scenario, actor, units, candidates, solved)
    except Exception as exc:
        text = (
            " ".join(str(m) for m in exc.messages) if isinstance(exc, ValidationError) else str(exc)
        )
        _set_status(scenario, ScenarioStatus.FAILED, text)
        raise
    notify_hooks.plan_ready(scenario, actor=actor)
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


def _mqi_report(
    units: Sequence[SurveyUnit], candidates: lifecycle.Candidates, outcome: lifecycle.Trajectories
) -> dict[str, Any]:
    """MQI figures of the plan (reported; the optimiser's benefit stays PQI): see
    ``zhiyang.assets.services.mqi.plan_mqi_report``."""
    from zhiyang.assets.services.mqi import plan_mqi_report

    by_pk = {u.pk: u for u in units}
    rows = [by_pk[int(pk)] for pk in candidates.units.id]
    return plan_mqi_report(
        sci=[u.sci for u in rows],
        bci=[u.bci for u in rows],
        tci=[u.tci for u in rows],
        lengths_m=[u.length_m for u in rows],
        pqi_by_year=outcome.pqi[:, : len(outcome.years)],
        pqi_now=candidates.units.pqi_now.tolist(),
    )


def _store(
    scenario: Scenario,
    actor: Actor,
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
            trajectory["mqi"] = _mqi_report(units, candidates, outcome)
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
            actor=actor,
            action=AuditAction.UPDATE,
            obj=scenario,
            before=before,
            after=audit.snapshot(scenario),
        )
    return summary
