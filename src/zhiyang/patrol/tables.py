"""The tables of the patrol lists (pages and their Excel exports)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhiyang.core.pages import BadgeColumn, Column, DateColumn, NumberColumn, Table
from zhiyang.network.tables import ChainageColumn
from zhiyang.patrol.models import RepairTask


class PlanTable(Table):
    name = Column(_("Patrol plan"), link="patrol:plan-detail", sort=True)
    section = ChainageColumn(_("Section"), start="start_m", end="end_m", sort=True)
    interval_days = NumberColumn(_("Every (days)"))
    crew = Column(_("Crew"))
    vehicle = Column(_("Vehicle"))
    active = Column(_("Active"))

    class Meta:
        order_by = ("route__code", "start_m")
        empty_text = _("No patrol plans in your scope.")
        id = "plan-table"


class PatrolTable(Table):
    started_at = DateColumn(_("Started"), link="patrol:patrol-detail", sort=True)
    route = Column(_("Route"), accessor="route.code")
    patroller = Column(_("Patroller"))
    covered_km = NumberColumn(_("Covered (km)"), decimals=2, sort=True)
    findings = NumberColumn(_("Findings"), accessor="n_findings")

    class Meta:
        order_by = ("-started_at", "-id")
        empty_text = _("No patrols in your scope.")
        id = "patrol-table"


class FindingTable(Table):
    kind = Column(_("Finding"), link="patrol:finding-detail")
    category = Column(_("Category"), sort=True)
    severity = Column(_("Severity"))
    quantity = NumberColumn(_("Quantity"), decimals=1)
    unit = Column(_("Unit"))
    place = ChainageColumn(_("Place"), sort=True)
    status = BadgeColumn(_("Status"), prefix="patrol-status-", sort=True)
    reported_at = DateColumn(pgettext_lazy("time", "Reported"), sort=True)

    class Meta:
        order_by = ("-reported_at", "-id")
        empty_text = _("No findings in your scope.")
        id = "finding-table"


def _late(task: RepairTask) -> str:
    return "patrol-late" if task.is_overdue() else ""


class TaskTable(Table):
    description = Column(_("Task"), link="patrol:task-detail", css="wrap")
    place = ChainageColumn(_("Place"), sort=True)
    deadline = DateColumn(_("Repair deadline"), sort=True)
    status = BadgeColumn(_("Status"), prefix="patrol-status-", sort=True)
    assignee = Column(_("Assignee"))
    work_item_code = Column(_("Work item"))
    quantity_done = NumberColumn(_("Quantity done"), decimals=1)
    unit = Column(_("Unit"))
    escalation_level = NumberColumn(_("Escalation"), sort=True)

    class Meta:
        order_by = ("deadline", "id")
        empty_text = _("No repair tasks in your scope.")
        row_css = _late
        id = "task-table"
