"""The tables of the safety lists (pages and their Excel exports)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhiyang.core.pages import BadgeColumn, Column, DateColumn, NumberColumn, Table
from zhiyang.network.tables import ChainageColumn
from zhiyang.safety.choices import InspectionStatus, WorkZoneStatus
from zhiyang.safety.models import Hazard, Inspection, WorkZone


def _overdue(hazard: Hazard) -> str:
    return "safety-overdue" if hazard.is_overdue(timezone.localdate()) else ""


class HazardTable(Table):
    description = Column(
        _("Hazard"),
        link="safety:hazard-detail",
        template="safety/cells/hazard_description.html",
        css="safety-desc wrap",
    )
    level = BadgeColumn(_("Level"), prefix="safety-level-", sort=True)
    status = Column(_("Status"), sort=True, css="nowrap")
    place = ChainageColumn(_("Place"), sort=True)
    deadline = DateColumn(_("Deadline"), sort=True, template="safety/cells/hazard_deadline.html")
    reported_at = DateColumn(pgettext_lazy("time", "Reported"), sort=True)

    class Meta:
        order_by = ("-reported_at", "-id")
        empty_text = _("No hazards in your scope.")
        row_css = _overdue
        id = "hazard-table"


def _zone_status_badge(zone: WorkZone) -> str:
    badges = {str(WorkZoneStatus.ACTIVE): "badge-warn", str(WorkZoneStatus.CLOSED): "badge-ok"}
    return badges.get(zone.status, "")


class WorkZoneTable(Table):
    name = Column(_("Name"), link="safety:workzone-detail", sort=True)
    work_area = ChainageColumn(_("Work area"), start="start_m", end="end_m", sort=True)
    direction = Column(_("Direction"))
    speed = Column(
        _("Speed (km/h)"),
        accessor=lambda z: f"{z.normal_speed_kmh} → {z.speed_limit_kmh}",
        css="nowrap",
    )
    planned_start = DateColumn(_("Planned start"), sort=True)
    planned_end = DateColumn(_("Planned end"))
    status = BadgeColumn(_("Status"), css_for=_zone_status_badge, sort=True)

    class Meta:
        order_by = ("-planned_start", "-id")
        empty_text = _("No work zones in your scope.")
        id = "workzone-table"


def _inspection_badge(inspection: Inspection) -> str:
    if inspection.status == InspectionStatus.DONE:
        return "badge-ok"
    return "badge-danger" if inspection.planned_date < timezone.localdate() else ""


class InspectionTable(Table):
    planned_date = DateColumn(_("Planned"), link="safety:inspection-detail", sort=True)
    checklist = Column(_("Checklist"), accessor="template.name", sort="template__name")
    place = Column(_("Place"), accessor=lambda i: i.work_zone.name if i.work_zone else i.route.code)
    status = BadgeColumn(_("Status"), css_for=_inspection_badge, sort=True)
    done_at = DateColumn(_("Done"), sort=True)

    class Meta:
        order_by = ("-planned_date", "-id")
        empty_text = _("No inspections in your scope.")
        id = "inspection-table"


class IncidentTable(Table):
    occurred_at = DateColumn(_("Occurred"), link="safety:incident-detail", sort=True)
    incident_type = Column(_("Type"), sort=True)
    severity = Column(_("Severity"), sort=True)
    injuries = NumberColumn(_("Injured"), sort=True)
    place = Column(_("Place"), accessor=lambda i: f"{i.route.code} {i.location}".strip())
    status = Column(_("Status"), sort=True)

    class Meta:
        order_by = ("-occurred_at", "-id")
        empty_text = _("No incidents in your scope.")
        id = "incident-table"
