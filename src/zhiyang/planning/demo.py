"""Demo planning data: the cited treatment catalogue, a decay calibration from the 2025 and
2026 surveys, and one solved scenario with four budget levels for 阳高天镇工区 (its 22
evaluation units keep the demo fast). Idempotent: the scenario is made and solved once."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM
from zhiyang.planning import services
from zhiyang.planning.models import Calibration, Scenario, Treatment

SCENARIO_NAME = "2027–2031 五年养护规划（演示）"
BASE_BUDGET_YUAN = 2_000_000.0


def load_demo_data(*, context: Any) -> str:
    seeded = services.seed_catalogue(actor=SYSTEM)
    calibrated = 0
    for organisation in (context.branch, context.works_area):
        if Calibration.objects.filter(organisation=organisation, active=True).exists():
            continue
        try:
            calibrated += len(services.fit_calibrations(actor=SYSTEM, organisation=organisation))
        except ValidationError:
            continue  # not enough history in this organisation's scope
    organisation = context.works_area
    scenario = Scenario.objects.filter(organisation=organisation, name=SCENARIO_NAME).first()
    solved = False
    if scenario is None:
        scenario = services.create_scenario(
            actor=SYSTEM,
            data={
                "organisation": organisation,
                "name": SCENARIO_NAME,
                "first_year": 2027,
                "horizon_years": 5,
                "base_budget_yuan": BASE_BUDGET_YUAN,
                "budget_levels_pct": [0, 50, 100, 150],
                "objective": "max_benefit",
                "method": "milp",
            },
        )
    if not scenario.runs.exists():
        services.run_scenario(actor=SYSTEM, scenario=scenario)
        solved = True
    return _(
        "Planning: %(treatments)d catalogue treatments (%(seeded)d new), %(calibrations)d "
        "active calibrations (%(calibrated)d new), scenario %(state)s."
    ) % {
        "treatments": Treatment.objects.count(),
        "seeded": seeded,
        "calibrations": Calibration.objects.filter(active=True).count(),
        "calibrated": calibrated,
        "state": _("solved") if solved else _("already there"),
    }
