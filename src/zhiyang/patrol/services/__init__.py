"""Patrol services: every write of the patrol app, audited, one transaction each; one
module per topic (``from zhiyang.patrol import services`` re-exports them).

``patrols``: plans and the phone's patrol upload (track → covered km); ``findings``: the
phone's finding report and triage; ``tasks``: the repair loop (repair → verify/reject),
overdue escalation through ``core.escalation`` and the contracts hook
``completed_repairs``; ``rules``: the frequency and response-time table; ``measures``.
"""

from __future__ import annotations

from zhiyang.patrol.services.findings import may_triage, report_finding, triage_finding
from zhiyang.patrol.services.patrols import (
    coverage,
    create_plan,
    delete_plan,
    parse_track,
    record_patrol,
    update_plan,
)
from zhiyang.patrol.services.rules import plan_interval_days, response_rule, season_of
from zhiyang.patrol.services.tasks import (
    allowed_steps,
    completed_repairs,
    create_task,
    escalate_overdue_tasks,
    may_repair,
    may_verify,
    overdue_tasks,
    reject_task,
    repair_task,
    verify_task,
)

__all__ = [
    "allowed_steps",
    "completed_repairs",
    "coverage",
    "create_plan",
    "create_task",
    "delete_plan",
    "escalate_overdue_tasks",
    "may_repair",
    "may_triage",
    "may_verify",
    "overdue_tasks",
    "parse_track",
    "plan_interval_days",
    "record_patrol",
    "reject_task",
    "repair_task",
    "report_finding",
    "response_rule",
    "season_of",
    "triage_finding",
    "update_plan",
    "verify_task",
]
