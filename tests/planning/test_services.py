"""Planning services: catalogue, calibration, scenario runs, plan → projects."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from zhiyang.condition.models import SurveyUnit
from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import AuditLog
from zhiyang.network.models import Route
from zhiyang.planning import catalogue, services
from zhiyang.planning.models import Calibration, PlanItem, Treatment
from zhiyang.works import services as works_services
from zhiyang.works.models import Project

pytestmark = pytest.mark.django_db


def test_catalogue_is_seeded_from_the_cited_defaults_and_resets(surveyed, make_user):
    assert Treatment.objects.count() == 10
    assert services.seed_catalogue(actor=SYSTEM) == 0  # idempotent
    engineer = make_user("engineer", organisation=surveyed["org_all"])
    row = Treatment.objects.get(code="micro_surfacing")
    services.update_treatment(actor=engineer, treatment=row, data={"unit_cost_yuan_per_m2": 50.0})
    row.refresh_from_db()
    assert row.unit_cost_yuan_per_m2 == 50.0
    services.reset_treatment(actor=engineer, treatment=row)
    row.refresh_from_db()
    assert (
        row.unit_cost_yuan_per_m2
        == catalogue.defaults()["micro_surfacing"]["unit_cost_yuan_per_m2"]
    )
    assert (
        AuditLog.objects.filter(resource="planning.treatment", object_id=str(row.pk)).count() == 3
    )


def test_catalogue_refuses_bad_values(surveyed, make_user):
    engineer = make_user("engineer", organisation=surveyed["org_all"])
    row = Treatment.objects.get(code="fog_seal")
    with pytest.raises(ValidationError):
        services.update_treatment(actor=engineer, treatment=row, data={"reset_to": 90.0})
    with pytest.raises(ValidationError):
        services.update_treatment(actor=engineer, treatment=row, data={"pavements": ["gravel"]})
    viewer = make_user("viewer", organisation=surveyed["org_all"])
    with pytest.raises(PermissionDenied):
        services.update_treatment(actor=viewer, treatment=row, data={"active": False})


def test_calibration_from_pairs_of_surveys(surveyed):
    fits = services.fit_calibrations(actor=SYSTEM, organisation=surveyed["org_all"])
    assert [(c.pavement, c.road_class_group) for c in fits] == [("asphalt", "high")]
    fit = fits[0]
    assert fit.n == 10 and fit.active and fit.rmse >= 0 and len(fit.points) == 10
    # Refitting replaces the active row; the old one stays as history.
    services.fit_calibrations(actor=SYSTEM, organisation=surveyed["org_all"])
    assert Calibration.objects.filter(active=True).count() == 1
    assert Calibration.objects.count() == 2


def test_calibration_needs_history(two_districts):
    with pytest.raises(ValidationError):
        services.fit_calibrations(actor=SYSTEM, organisation=two_districts["org_all"])


def test_run_gives_feasible_plans_and_more_budget_never_less_benefit(scenario):
    summary = services.run_scenario(actor=SYSTEM, scenario=scenario)
    assert summary["units"] == 15 and summary["candidates"] > 0
    runs = list(scenario.runs.order_by("budget_pct"))
    assert [r.budget_pct for r in runs] == [0, 50, 100, 150]
    for run in runs:
        assert run.status == "optimal"
        for year, spend in zip(run.trajectory["years"], run.trajectory["spend_yuan"], strict=True):
            assert spend <= run.budget_per_year_yuan + 1e-6, (run.budget_pct, year)
        items = list(run.items.all())
        assert len({i.unit_id for i in items}) == len(items)  # one treatment per unit
        assert sum(i.cost_yuan for i in items) == pytest.approx(run.spend_yuan)
        for item in items:
            assert set(item.explanation) >= {
                "index_now",
                "index_before",
                "rank_in_unit",
                "treatment",
            }
    benefits = [r.benefit for r in runs]
    assert benefits[0] == 0
    for low, high in pairwise(benefits):
        assert high >= low * (1 - 0.006)  # within the MILP gap
    assert runs[-1].trajectory["mean_pqi"][-1] > runs[0].trajectory["mean_pqi"][-1]
    # MQI is reported beside the PQI benefit (no SCI/BCI/TCI on these units: no MQI).
    assert runs[0].trajectory["mqi"]["rated_units"] == 0
    assert len(runs[0].trajectory["mqi"]["mean_mqi"]) == len(runs[0].trajectory["years"])
    # The per-unit prediction agrees with the network trajectory and with the plan: the
    # length-weighted mean of the units is the chart's mean PQI; units without a plan item
    # follow the no-treatment curve, treated units rise in their treatment year.
    lengths = dict(SurveyUnit.objects.values_list("pk", "length_m"))
    for run in runs:
        table = run.unit_pqi
        assert table["years"] == run.trajectory["years"] and len(table["units"]) == 15
        weights = np.array([lengths[pk] for pk in table["units"]])
        mean = weights @ np.array(table["with_plan"]) / weights.sum()
        assert mean == pytest.approx(run.trajectory["mean_pqi"], abs=0.06)
        treated = {i.unit_id: i for i in run.items.all()}
        for n, pk in enumerate(table["units"]):
            if pk not in treated:
                assert table["with_plan"][n] == table["without"][n]
            else:
                k = table["years"].index(treated[pk].year)
                assert table["with_plan"][n][k] > table["without"][n][k]
    scenario.refresh_from_db()
    assert scenario.status == "solved" and scenario.inputs["units"] == 15


def test_min_cost_to_target(scenario):
    scenario.objective = "min_cost_to_target"
    scenario.target_good_pct = 60.0
    scenario.save()
    services.run_scenario(actor=SYSTEM, scenario=scenario)
    runs = {r.budget_pct: r for r in scenario.runs.all()}
    assert runs[0].status == "infeasible"
    assert runs[150].status == "optimal"
    assert min(runs[150].trajectory["good_rate_pct"]) >= 60.0 - 1e-6


def _item(run, route, start_m, treatment="mill_and_inlay", year=2027):
    return PlanItem.objects.create(
        run=run,
        route=route,
        direction="up",
        start_m=start_m,
        end_m=start_m + 1000,
        width_m=10,
        treatment=treatment,
        year=year,
        cost_yuan=900_000,
        benefit=10,
        pqi_now=70,
        pqi_before=68,
        pqi_after=96,
    )


def test_adjacent_items_merge_into_one_project_and_approving_twice_adds_nothing(
    scenario, make_user
):
    services.run_scenario(actor=SYSTEM, scenario=scenario)
    run = scenario.runs.get(budget_pct=0)  # empty: fill it by hand
    g1 = Route.objects.get(code="G109")
    items = [
        _item(run, g1, 0),
        _item(run, g1, 1000),
        _item(run, g1, 3000),  # a gap: its own project
        _item(run, g1, 4000, treatment="thin_overlay"),  # other treatment
        _item(run, g1, 5000, year=2028),  # other year
    ]
    ranges = services.merge_ranges(items)
    assert [(r.start_m, r.end_m, len(r.items)) for r in ranges] == [
        (0, 2000, 2),
        (3000, 4000, 1),
        (4000, 5000, 1),
        (5000, 6000, 1),
    ]
    manager = make_user("manager", organisation=scenario.organisation)
    projects = services.approve_items(actor=manager, items=items[:3])
    assert len(projects) == 2
    first = Project.objects.get(pk=projects[0].pk)
    assert (first.start_m, first.end_m, first.treatment, first.status, first.source) == (
        0,
        2000,
        "mill_and_inlay",
        "draft",
        "plan",
    )
    assert float(first.contract_value_yuan) == 1_800_000
    assert first.planned_start.year == 2027 and first.created_by == manager
    count = Project.objects.count()
    assert services.approve_items(actor=manager, items=items[:3]) == []
    assert Project.objects.count() == count
    items[0].refresh_from_db()
    assert items[0].approved and items[0].project_id == first.pk
    # Approved items freeze the scenario.
    with pytest.raises(ValidationError):
        services.run_scenario(actor=SYSTEM, scenario=scenario)
    # An engineer deleting a draft project sends its items back: they can be approved again.
    engineer = make_user("engineer", organisation=scenario.organisation)
    works_services.delete_project(actor=engineer, project=first)
    items[0].refresh_from_db()
    assert items[0].approved and items[0].project_id is None
    again = services.approve_items(actor=manager, items=items[:3])
    assert [(p.start_m, p.end_m) for p in again] == [(0, 2000)]
    items[1].refresh_from_db()
    assert items[1].project_id == again[0].pk


def test_only_approvers_approve(scenario, make_user):
    services.run_scenario(actor=SYSTEM, scenario=scenario)
    items = list(PlanItem.objects.filter(run__scenario=scenario)[:2])
    engineer = make_user("engineer", organisation=scenario.organisation)
    with pytest.raises(PermissionDenied):
        services.approve_items(actor=engineer, items=items)


def test_scenario_validation(surveyed, make_user):
    engineer = make_user("engineer", organisation=surveyed["org_all"])
    with pytest.raises(ValidationError):
        services.create_scenario(
            actor=engineer,
            data={
                "name": "x",
                "first_year": 2027,
                "base_budget_yuan": 1.0,
                "budget_levels_pct": [],
            },
        )
    created = services.create_scenario(
        actor=engineer,
        data={
            "name": "x",
            "first_year": 2027,
            "base_budget_yuan": 1.0,
            "budget_levels_pct": [100, 0],
        },
    )
    assert created.organisation == surveyed["org_all"] and created.budget_levels_pct == [0, 100]
