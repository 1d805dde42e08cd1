"""The contracts app's tab bar (a tab the role may not open is not drawn)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhiyang.core.pages import Tab, Tabs

TABS = Tabs(
    "contracts",
    _("Contracts"),
    (
        Tab("contracts", _("Contracts"), "contracts:contract-list", "contracts.contract"),
        Tab(
            "periods",
            pgettext_lazy("contracts", "Measurement"),
            "contracts:period-list",
            "contracts.measurementperiod",
        ),
        Tab("variations", _("Variations"), "contracts:variation-list", "contracts.variation"),
        Tab("assessments", _("Assessments"), "contracts:assessment-list", "contracts.assessment"),
    ),
)
