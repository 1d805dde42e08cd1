"""The tables of the contracts lists (pages and their Excel exports)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhiyang.contracts.models import MeasurementLine
from zhiyang.core.pages import BadgeColumn, Column, DateColumn, NumberColumn, Table


class ContractTable(Table):
    code = Column(_("Code"), link="contracts:contract-detail", sort=True)
    name = Column(_("Name"), sort=True, css="wrap")
    kind = Column(_("Kind"), sort=True)
    owner_name = Column(_("Owner"))
    start_date = DateColumn(pgettext_lazy("contract period", "Start"), sort=True)
    end_date = DateColumn(pgettext_lazy("contract period", "End"), sort=True)
    value_yuan = NumberColumn(_("Value (yuan)"), decimals=2, sort=True)
    status = BadgeColumn(_("Status"), prefix="status-")

    class Meta:
        order_by = ("-start_date", "code")
        empty_text = _("No contracts in your scope.")
        id = "contract-table"


class BoqItemTable(Table):
    code = Column(pgettext_lazy("certificate", "Code"), sort=True)
    name = Column(pgettext_lazy("certificate", "Item"), css="wrap")
    unit = Column(pgettext_lazy("certificate", "Unit"))
    quantity = NumberColumn(_("Quantity"), decimals=3)
    unit_price_yuan = NumberColumn(_("Unit price"), decimals=2)
    amount_yuan = NumberColumn(_("Amount"), decimals=2)
    since_version = NumberColumn(_("Since version"))

    class Meta:
        order_by = ("order", "id")
        per_page = 200
        empty_text = _("No BOQ yet: import the owner's workbook.")
        id = "boq-table"


class PeriodTable(Table):
    contract = Column(_("Contract"), accessor="contract.code")
    number = NumberColumn(_("No."), link="contracts:period-detail", sort=True)
    month = DateColumn(_("Month"), sort=True)
    status = BadgeColumn(_("Status"), prefix="status-")
    owner_at = DateColumn(_("Certified"))

    class Meta:
        order_by = ("-month", "contract")
        empty_text = _("No measurement periods in your scope.")
        id = "period-table"


def _difference(line: MeasurementLine) -> str:
    diff = line.machine_difference
    return "" if diff is None else f"{diff:+,.3f}"


class LineTable(Table):
    code = Column(pgettext_lazy("certificate", "Code"), accessor="item.code")
    name = Column(pgettext_lazy("certificate", "Item"), accessor="item.name", css="wrap")
    unit = Column(pgettext_lazy("certificate", "Unit"), accessor="item.unit")
    reported_quantity = NumberColumn(pgettext_lazy("quantity", "Reported"), decimals=3)
    machine_quantity = NumberColumn(_("Machine-measured"), decimals=3)
    difference = Column(_("Difference"), accessor=_difference, css="nowrap")
    proposed_quantity = NumberColumn(_("Proposed"), decimals=3)
    supervisor_quantity = NumberColumn(_("Supervisor"), decimals=3)
    owner_quantity = NumberColumn(_("Owner"), decimals=3)
    amount = NumberColumn(_("Amount"), accessor="amount_yuan", decimals=2)

    class Meta:
        order_by = ("item__order", "item_id")
        per_page = 500
        id = "line-table"


class VariationTable(Table):
    code = Column(_("Code"), link="contracts:variation-detail", sort=True)
    title = Column(_("Title"), css="wrap")
    contract = Column(_("Contract"), accessor="contract.code")
    status = BadgeColumn(_("Status"), prefix="status-")
    created_at = DateColumn(_("Created"), sort=True)
    boq_version = NumberColumn(_("BOQ version"))

    class Meta:
        order_by = ("-created_at",)
        empty_text = _("No variations in your scope.")
        id = "variation-table"


class AssessmentTable(Table):
    month = DateColumn(_("Month"), link="contracts:assessment-detail", sort=True)
    contract = Column(_("Contract"), accessor="contract.code")
    route = Column(_("Route"), accessor="route.code")
    score = NumberColumn(_("Score"), decimals=2, sort=True)
    deduction_yuan = NumberColumn(_("Deduction (yuan)"), decimals=2, sort=True)
    status = BadgeColumn(_("Status"), prefix="status-")

    class Meta:
        order_by = ("-month", "-id")
        empty_text = _("No assessments in your scope.")
        id = "assessment-table"
