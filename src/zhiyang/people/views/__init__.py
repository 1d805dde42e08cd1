"""People pages: on the frame, the worker form (``workers``) and the briefings
(``briefings``); by hand, the check-in, attendance, worker list and detail, crews
(``pages``)."""

from zhiyang.people.views.briefings import briefing_create, briefing_list
from zhiyang.people.views.pages import (
    checkin,
    checkin_list,
    checkin_zones,
    crew_list,
    protected_file,
    worker_add_record,
    worker_detail,
    worker_list,
)
from zhiyang.people.views.workers import worker_edit

__all__ = [
    "briefing_create",
    "briefing_list",
    "checkin",
    "checkin_list",
    "checkin_zones",
    "crew_list",
    "protected_file",
    "worker_add_record",
    "worker_detail",
    "worker_edit",
    "worker_list",
]
