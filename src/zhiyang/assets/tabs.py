"""The assets app's tab bar (a tab the role may not open is not drawn)."""

from django.utils.translation import gettext_lazy as _

from zhiyang.core.pages import Tab, Tabs

TABS = Tabs(
    "assets",
    _("Road assets"),
    (
        Tab("assets", _("Inventory"), "assets:asset-list", "assets.asset"),
        Tab("map", _("Map"), "assets:map", "assets.asset"),
        Tab("structures", _("Structures"), "assets:structure-list", "assets.asset"),
        Tab("inspections", _("Inspections"), "assets:inspection-list", "assets.inspection"),
        Tab("mqi", _("MQI"), "assets:mqi", "assets.asset"),
        Tab("import", _("Import"), "assets:import", "assets.asset"),
    ),
)
