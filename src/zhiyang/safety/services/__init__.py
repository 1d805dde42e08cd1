"""Safety services: every write of the safety app, audited, in one transaction each; one
module per topic (``from zhiyang.safety import services`` re-exports them all).

Work zones get their layout from the JTG H30-2015 kernel (analytics/workzone.py) placed on
the route's chainage (``workzones``). Hazards follow a closed loop whose steps are separate
services with their own permission rule (``hazards.HAZARD_STEPS``): who may assign, rectify,
verify, reject and close. Each step writes a ``HazardEvent`` (the timeline) and an audit row
(before/after); overdue hazards are escalated once a day (``escalation``). Checklist
inspections raise hazards from failed items (``inspections``); incidents are plain audited
records (``incidents``).
"""

from __future__ import annotations

from zhiyang.safety.services.escalation import escalate_overdue, overdue_hazards
from zhiyang.safety.services.hazards import (
    HAZARD_STEPS,
    SAFETY_ROLES,
    Step,
    allowed_steps,
    assign_hazard,
    check_step,
    close_hazard,
    may_take,
    rectify_hazard,
    reject_hazard,
    report_hazard,
    take_step,
    verify_hazard,
)
from zhiyang.safety.services.incidents import create_incident, delete_incident, update_incident
from zhiyang.safety.services.inspections import (
    ItemEntry,
    create_template,
    plan_inspection,
    raise_hazard_from_result,
    record_inspection,
)
from zhiyang.safety.services.workzones import (
    SIGN_COLOR,
    SIGN_OFFSET_M,
    STANDARD_CODE,
    ZONE_COLORS,
    create_work_zone,
    delete_work_zone,
    design,
    place_layout,
    standard_overrides,
    update_work_zone,
    work_zone_geojson,
)

__all__ = [
    "HAZARD_STEPS",
    "SAFETY_ROLES",
    "SIGN_COLOR",
    "SIGN_OFFSET_M",
    "STANDARD_CODE",
    "ZONE_COLORS",
    "ItemEntry",
    "Step",
    "allowed_steps",
    "assign_hazard",
    "check_step",
    "close_hazard",
    "create_incident",
    "create_template",
    "create_work_zone",
    "delete_incident",
    "delete_work_zone",
    "design",
    "escalate_overdue",
    "may_take",
    "overdue_hazards",
    "place_layout",
    "plan_inspection",
    "raise_hazard_from_result",
    "record_inspection",
    "rectify_hazard",
    "reject_hazard",
    "report_hazard",
    "standard_overrides",
    "take_step",
    "update_incident",
    "update_work_zone",
    "verify_hazard",
    "work_zone_geojson",
]
