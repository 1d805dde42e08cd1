"""The patrol app's tab bar (a tab the role may not open is not drawn)."""

from django.utils.translation import gettext_lazy as _

from zhiyang.core.pages import Tab, Tabs

TABS = Tabs(
    "patrol",
    _("Patrol"),
    (
        Tab("record", _("Patrol now"), "patrol:record", "patrol.patrol", "add"),
        Tab("calendar", _("Calendar"), "patrol:calendar", "patrol.patrolplan"),
        Tab("plans", _("Plans"), "patrol:plan-list", "patrol.patrolplan"),
        Tab("patrols", _("Patrols"), "patrol:patrol-list", "patrol.patrol"),
        Tab("findings", _("Findings"), "patrol:finding-list", "patrol.finding"),
        Tab("tasks", _("Repairs"), "patrol:task-list", "patrol.repairtask"),
        Tab("measures", _("Measures"), "patrol:measures", "patrol.repairtask"),
    ),
)
