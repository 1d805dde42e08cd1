"""The tables of the telemetry lists (core.pages.tables)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhiyang.core.pages import BadgeColumn, Column, DateColumn, Table


class AlarmTable(Table):
    raised_at = DateColumn(_("Raised"), sort=True)
    equipment = Column(
        _("Machine"), accessor="equipment.code", css="nowrap", sort="equipment__code"
    )
    message = Column(_("Alarm"), template="telemetry/cells/alarm_message.html")
    severity = BadgeColumn(_("Severity"), prefix="severity-", sort=True)
    status = Column(_("Status"), sort=True)
    project = Column(_("Project"), accessor="project.code", css="nowrap", sort="project__code")
    actions = Column(
        "",
        accessor=lambda alarm: alarm.status,
        template="telemetry/cells/alarm_actions.html",
        css="nowrap",
        export=False,
        permission=("telemetry.alarm", "change"),
    )

    class Meta:
        order_by = ("-raised_at", "-id")
        empty_text = _("No alarms match.")
        row_css = lambda alarm: f"alarm-row alarm-{alarm.severity}"  # noqa: E731
