"""The safety app's tab bar (shown on every safety page; a tab the role may not open is
not drawn)."""

from django.utils.translation import gettext_lazy as _

from zhiyang.core.pages import Tab, Tabs

TABS = Tabs(
    "safety",
    _("Safety"),
    (
        Tab("dashboard", _("Dashboard"), "safety:dashboard", "safety.hazard"),
        Tab("hazards", _("Hazards"), "safety:hazard-list", "safety.hazard"),
        Tab("workzones", _("Work zones"), "safety:workzone-list", "safety.workzone"),
        Tab("inspections", _("Inspections"), "safety:inspection-list", "safety.inspection"),
        Tab("incidents", _("Incidents"), "safety:incident-list", "safety.incident"),
    ),
)
