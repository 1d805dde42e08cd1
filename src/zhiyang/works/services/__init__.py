"""Works services: every write of the works app, audited, in one transaction each.

Projects move draft → approved → in_progress → completed → closed (``PROJECT_TRANSITIONS``);
approving needs the ``works.approval`` grant. Work orders get a crew (people.Crew, every
member qualified on the start day) and machines (fleet.Equipment in service), start,
complete, and close once no close guard (``works.guards``) objects. Daily reports are
idempotent by ``client_uuid`` (an offline phone retrying gets the first report) and approved
or rejected by a supervisor (``works.approval``).

One module per topic; ``from zhiyang.works import services`` re-exports them all, so callers
say ``services.x(...)`` whatever module ``x`` lives in.
"""

from __future__ import annotations

from zhiyang.works.services.common import APPROVAL_RESOURCE
from zhiyang.works.services.daily import (
    REPORT_FIELDS,
    add_daily_photo,
    approve_daily_report,
    existing_report,
    reject_daily_report,
    resubmit_daily_report,
    submit_daily_report,
)
from zhiyang.works.services.projects import (
    PROJECT_FIELDS,
    PROJECT_TRANSITIONS,
    create_project,
    delete_project,
    next_project_code,
    project_status_blockers,
    set_project_status,
    update_project,
)
from zhiyang.works.services.workorders import (
    WORK_ORDER_FIELDS,
    assign_work_order,
    close_blockers,
    close_work_order,
    complete_work_order,
    create_work_order,
    delete_work_order,
    reopen_work_order,
    start_work_order,
    update_work_order,
)

__all__ = [
    "APPROVAL_RESOURCE",
    "PROJECT_FIELDS",
    "PROJECT_TRANSITIONS",
    "REPORT_FIELDS",
    "WORK_ORDER_FIELDS",
    "add_daily_photo",
    "approve_daily_report",
    "assign_work_order",
    "close_blockers",
    "close_work_order",
    "complete_work_order",
    "create_project",
    "create_work_order",
    "delete_project",
    "delete_work_order",
    "existing_report",
    "next_project_code",
    "project_status_blockers",
    "reject_daily_report",
    "reopen_work_order",
    "resubmit_daily_report",
    "set_project_status",
    "start_work_order",
    "submit_daily_report",
    "update_project",
    "update_work_order",
]
