"""The navigation menu: only pages that exist, and only those the user's role may open.

Later modules add their pages to ``MENU``; an entry whose URL does not resolve yet (the
page is not built) is left out rather than shown as a dead link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhiyang.core import actors


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    # Matrix resource and action needed to see the entry; None = any signed-in user.
    resource: str | None
    icon: str
    group: str | Promise
    action: str = "view"
    staff_only: bool = False


OVERVIEW = _("Overview")
NETWORK = _("Road network")
CONDITION = _("Condition")
PEOPLE = _("People")
FLEET = _("Equipment")
MONITORING = _("Monitoring")
SAFETY = _("Safety")
ASSETS = _("Road assets")
WORKS = _("Works")
PLANNING = _("Planning")
PATROL = _("Patrol")
CONTRACTS = _("Contracts")
ADMINISTRATION = _("Administration")

MENU: tuple[NavItem, ...] = (
    NavItem(pgettext_lazy("home page", "Today"), "web:today", None, "checklist", OVERVIEW),
    NavItem(_("Dashboard"), "web:dashboard", None, "dashboard", OVERVIEW),
    NavItem(_("Map"), "web:map", "network.section", "map", OVERVIEW),
    NavItem(_("Notifications"), "notify:inbox-list", "notify.inboxitem", "megaphone", OVERVIEW),
    NavItem(_("Routes"), "network:route-list", "network.route", "route", NETWORK),
    NavItem(_("Import"), "network:import", "network.section", "upload", NETWORK, action="add"),
    NavItem(_("Condition map"), "condition:map", "condition.surveyunit", "map", CONDITION),
    NavItem(
        _("Condition statistics"),
        "condition:statistics",
        "condition.surveyunit",
        "chart",
        CONDITION,
    ),
    NavItem(_("Surveys"), "condition:survey-list", "condition.survey", "gauge", CONDITION),
    NavItem(
        _("Import survey data"),
        "condition:import",
        "condition.survey",
        "upload",
        CONDITION,
        action="add",
    ),
    NavItem(
        _("Report distress"),
        "condition:distress-report",
        "condition.distress",
        "pin",
        CONDITION,
        action="add",
    ),
    NavItem(_("Road assets"), "assets:asset-list", "assets.asset", "route", ASSETS),
    NavItem(_("Asset map"), "assets:map", "assets.asset", "map", ASSETS),
    NavItem(_("Structures"), "assets:structure-list", "assets.asset", "checklist", ASSETS),
    NavItem(
        _("Capture inspection"),
        "assets:capture",
        "assets.inspection",
        "pin",
        ASSETS,
        action="add",
    ),
    NavItem(_("MQI"), "assets:mqi", "assets.asset", "chart", ASSETS),
    NavItem(_("Check in"), "people:checkin", "people.checkin", "pin", PEOPLE, action="add"),
    NavItem(_("Workers"), "people:worker-list", "people.worker", "users", PEOPLE),
    NavItem(_("Crews"), "people:crew-list", "people.crew", "users", PEOPLE),
    NavItem(_("Safety briefings"), "people:briefing-list", "people.briefing", "megaphone", PEOPLE),
    NavItem(_("Attendance"), "people:checkin-list", "people.checkin", "checklist", PEOPLE),
    NavItem(
        pgettext_lazy("ledger", "Machines"),
        "fleet:equipment-list",
        "fleet.equipment",
        "truck",
        FLEET,
    ),
    NavItem(_("Fleet map"), "fleet:map", "fleet.equipment", "map", FLEET),
    NavItem(_("Service due"), "fleet:service-list", "fleet.serviceinterval", "wrench", FLEET),
    NavItem(
        _("Import telematics"), "fleet:import", "fleet.equipment", "upload", FLEET, action="change"
    ),
    NavItem(_("Live machines"), "telemetry:live", "telemetry.devicestate", "map", MONITORING),
    NavItem(_("Alarms"), "telemetry:alarm-list", "telemetry.alarm", "alert", MONITORING),
    NavItem(_("QC reports"), "qc:report-list", "qc.report", "chart", MONITORING),
    NavItem(_("Devices"), "telemetry:device-list", "telemetry.device", "gauge", MONITORING),
    NavItem(
        _("Dead letters"),
        "telemetry:deadletter-list",
        "telemetry.deadletter",
        "incident",
        MONITORING,
    ),
    NavItem(_("Safety dashboard"), "safety:dashboard", "safety.hazard", "shield", SAFETY),
    NavItem(
        _("Report hazard"), "safety:hazard-report", "safety.hazard", "alert", SAFETY, action="add"
    ),
    NavItem(_("Hazards"), "safety:hazard-list", "safety.hazard", "alert", SAFETY),
    NavItem(_("Work zones"), "safety:workzone-list", "safety.workzone", "cone", SAFETY),
    NavItem(_("Inspections"), "safety:inspection-list", "safety.inspection", "checklist", SAFETY),
    NavItem(_("Incidents"), "safety:incident-list", "safety.incident", "incident", SAFETY),
    NavItem(_("Patrol now"), "patrol:record", "patrol.patrol", "map", PATROL, action="add"),
    NavItem(_("Patrol calendar"), "patrol:calendar", "patrol.patrolplan", "checklist", PATROL),
    NavItem(_("Findings"), "patrol:finding-list", "patrol.finding", "alert", PATROL),
    NavItem(_("Repair tasks"), "patrol:task-list", "patrol.repairtask", "wrench", PATROL),
    NavItem(_("Scenarios"), "planning:scenario-list", "planning.scenario", "chart", PLANNING),
    NavItem(
        _("Treatment catalogue"),
        "planning:treatment-list",
        "planning.treatment",
        "wrench",
        PLANNING,
    ),
    NavItem(_("Calibration"), "planning:calibration", "planning.calibration", "gauge", PLANNING),
    NavItem(_("Projects"), "works:project-list", "works.project", "route", WORKS),
    NavItem(
        _("New daily report"),
        "works:daily-report-start",
        "works.dailyreport",
        "report",
        WORKS,
        action="add",
    ),
    NavItem(_("Daily reports"), "works:daily-report-list", "works.dailyreport", "report", WORKS),
    NavItem(_("Progress"), "works:progress", "works.project", "chart", WORKS),
    NavItem(
        _("Run a checklist"),
        "sop:run-start-list",
        "sop.checklistrun",
        "checklist",
        WORKS,
        action="add",
    ),
    NavItem(_("Checklist runs"), "sop:run-list", "sop.checklistrun", "checklist", WORKS),
    NavItem(_("Non-conformances"), "sop:ncr-list", "sop.nonconformance", "alert", WORKS),
    NavItem(_("Work instructions"), "sop:instruction-list", "sop.workinstruction", "report", WORKS),
    NavItem(_("Contracts"), "contracts:contract-list", "contracts.contract", "report", CONTRACTS),
    NavItem(
        pgettext_lazy("contracts", "Measurement"),
        "contracts:period-list",
        "contracts.measurementperiod",
        "chart",
        CONTRACTS,
    ),
    NavItem(
        _("Assess"),
        "contracts:assessment-create",
        "contracts.assessment",
        "checklist",
        CONTRACTS,
        action="add",
    ),
    NavItem(
        _("Standards"), "standards:list", "standards.parameteroverride", "report", ADMINISTRATION
    ),
    NavItem(_("Audit log"), "audit-log", "core.auditlog", "audit", ADMINISTRATION),
    NavItem(_("Permissions"), "permission-matrix", "core.user", "lock", ADMINISTRATION),
    NavItem(_("Admin site"), "admin:index", None, "settings", ADMINISTRATION, staff_only=True),
    NavItem(
        _("Notification channels"),
        "notify:channel-list",
        "notify.channel",
        "megaphone",
        ADMINISTRATION,
    ),
)


def _allowed(item: NavItem, user: Any) -> bool:
    if item.staff_only and not user.is_staff:
        return False
    return item.resource is None or actors.may(user, item.resource, item.action)


def menu_for(user: Any, current_url_name: str | None = None) -> list[dict[str, Any]]:
    """Menu entries for ``user`` (empty when signed out), the current page marked active."""
    if not getattr(user, "is_authenticated", False):
        return []
    entries = []
    for item in MENU:
        if not _allowed(item, user):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # the page does not exist (yet)
        entries.append(
            {
                "label": item.label,
                "url": url,
                "url_name": item.url_name,
                "icon": item.icon,
                "group": item.group,
                "active": _is_active(item.url_name, current_url_name),
            }
        )
    return entries


def _is_active(url_name: str, current: str | None) -> bool:
    """A list entry stays active on its detail pages (network:route-detail → Routes)."""
    if not current:
        return False
    if current == url_name:
        return True
    namespace, _sep, name = url_name.rpartition(":")
    cur_namespace, _sep, cur_name = current.rpartition(":")
    return (
        namespace == cur_namespace
        and name.endswith("-list")
        and cur_name.startswith(name.removesuffix("-list") + "-")
    )


def current_url_name(request: HttpRequest) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else None
