"""Condition services: surveys, evaluation units (``rate_survey``), distress records.

Every write is keyword-only with ``actor: Actor`` (a user, or ``core.actors.SYSTEM`` for the
demo, imports run by an operator and commands), in one transaction, with its audit row in
the same transaction. Bulk child rows (intervals, units) are covered by one audit row on
their survey that says what was written (``common._audit_bulk``).

By topic: ``surveys`` (create, change, approve, reopen), ``intervals`` (raw measurements),
``rating`` (units and indices; how units are derived is in its docstring), ``distress``
(records entered, reported from a phone, imported), ``summary`` (statistics), ``common``
(the measure columns, the network sections of a survey, the draft guard). Callers import
from this package: ``from zhiyang.condition import services``.
"""

from zhiyang.condition.services.common import (
    GRADE_OUTPUTS,
    INTERVAL_MEASURES,
    MIN_UNIT_M,
    UNIT_COUNTS,
    UNIT_EXTRA_INPUTS,
    UNIT_MEASURES,
    UNIT_OUTPUTS,
    ensure_draft,
    section_at,
    sections_for,
)
from zhiyang.condition.services.distress import (
    create_distress,
    delete_distress,
    new_client_uuid,
    pavement_at,
    replace_imported_distress,
    report_distress,
    update_distress,
    validate_distress_kind,
)
from zhiyang.condition.services.intervals import IntervalWrite, write_intervals
from zhiyang.condition.services.rating import (
    RATING_STANDARDS,
    distress_item_index,
    distress_quantities,
    pro_rata_sums,
    rate_survey,
    rating_parameters,
    unit_bounds,
    weighted_means,
)
from zhiyang.condition.services.summary import SUMMARY_INDICES, condition_summary
from zhiyang.condition.services.surveys import (
    approve_survey,
    create_survey,
    delete_survey,
    reopen_survey,
    update_survey,
)

__all__ = [
    "GRADE_OUTPUTS",
    "INTERVAL_MEASURES",
    "MIN_UNIT_M",
    "RATING_STANDARDS",
    "SUMMARY_INDICES",
    "UNIT_COUNTS",
    "UNIT_EXTRA_INPUTS",
    "UNIT_MEASURES",
    "UNIT_OUTPUTS",
    "IntervalWrite",
    "approve_survey",
    "condition_summary",
    "create_distress",
    "create_survey",
    "delete_distress",
    "delete_survey",
    "distress_item_index",
    "distress_quantities",
    "ensure_draft",
    "new_client_uuid",
    "pavement_at",
    "pro_rata_sums",
    "rate_survey",
    "rating_parameters",
    "reopen_survey",
    "replace_imported_distress",
    "report_distress",
    "section_at",
    "sections_for",
    "unit_bounds",
    "update_distress",
    "update_survey",
    "validate_distress_kind",
    "weighted_means",
    "write_intervals",
]
