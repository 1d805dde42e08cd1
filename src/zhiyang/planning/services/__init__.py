"""Planning services: the catalogue, calibration, scenarios (run and solve), plan → projects.

Keyword-only, each write in one transaction with its audit row. Running a scenario reads
the latest approved survey of every route (main lane) in the scenario organisation's
scope, builds the candidates with the lifecycle kernel (calibrated decay where the
organisation has one, else the defaults) and solves every budget level with the optimiser;
the results replace the previous ones in one transaction.

One module per topic; ``from zhiyang.planning import services`` re-exports them all, so callers
say ``services.x(...)`` whatever module ``x`` lives in.
"""

from __future__ import annotations

from zhiyang.planning.services.approval import (
    APPROVAL,
    MERGE_GAP_M,
    SEASON,
    Range,
    approve_items,
    merge_ranges,
)
from zhiyang.planning.services.calibrations import (
    fit_calibrations,
    latest_units,
    model_for,
    organisation_scope,
    set_calibration_active,
    units_in_scope,
)
from zhiyang.planning.services.runs import (
    INLINE_MAX_UNITS,
    SOLVER_TIME_LIMIT_S,
    Submitted,
    explanation,
    run_scenario,
    submit_run,
)
from zhiyang.planning.services.scenarios import (
    SCENARIO_FIELDS,
    create_scenario,
    delete_scenario,
    update_scenario,
)
from zhiyang.planning.services.treatments import (
    active_treatments,
    reset_treatment,
    seed_catalogue,
    update_treatment,
)

__all__ = [
    "APPROVAL",
    "INLINE_MAX_UNITS",
    "MERGE_GAP_M",
    "SCENARIO_FIELDS",
    "SEASON",
    "SOLVER_TIME_LIMIT_S",
    "Range",
    "Submitted",
    "active_treatments",
    "approve_items",
    "create_scenario",
    "delete_scenario",
    "explanation",
    "fit_calibrations",
    "latest_units",
    "merge_ranges",
    "model_for",
    "organisation_scope",
    "reset_treatment",
    "run_scenario",
    "seed_catalogue",
    "set_calibration_active",
    "submit_run",
    "units_in_scope",
    "update_scenario",
    "update_treatment",
]
