"""The tables of the assets lists (pages and their Excel exports)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.assets.models import Asset
from zhiyang.core.pages import BadgeColumn, Column, DateColumn, NumberColumn, Table
from zhiyang.network.tables import ChainageColumn


def _class_badge(asset: Asset) -> str:
    return {4: "badge-warn", 5: "badge-bad"}.get(asset.condition_class or 0, "")


class AssetTable(Table):
    code = Column(_("Code"), link="assets:asset-detail", sort=True, css="nowrap")
    asset_type = Column(_("Type"), accessor="asset_type.display_name")
    name = Column(_("Name"), css="wrap")
    place = ChainageColumn(_("Place"), start="start_m", end="end_m", sort=True)
    side = Column(_("Side"))
    condition_class = BadgeColumn(_("Class"), css_for=_class_badge, sort=True)
    status = Column(_("Status"))

    class Meta:
        order_by = ("route__code", "start_m", "id")
        empty_text = _("No assets in your scope.")
        id = "asset-table"


def _due(asset: Asset) -> str:
    from zhiyang.assets.services.register import due_dates

    today = timezone.localdate()
    parts = []
    for due in due_dates(asset, today):
        label = due.due.isoformat() if due.due else str(_("now (never inspected)"))
        parts.append(f"{'⚠ ' if due.overdue else ''}{label}")
    return " / ".join(parts)


def _overdue(asset: Asset) -> str:
    from zhiyang.assets.services.register import due_dates

    return "assets-overdue" if any(d.overdue for d in due_dates(asset)) else ""


class StructureTable(Table):
    code = Column(_("Code"), link="assets:asset-detail", sort=True, css="nowrap")
    name = Column(_("Name"), css="wrap")
    structure = Column(_("Kind"), accessor=lambda a: a.asset_type.display_name)
    place = ChainageColumn(_("Place"), start="start_m", end="end_m", sort=True)
    condition_class = BadgeColumn(_("Class"), css_for=_class_badge, sort=True)
    condition_on = DateColumn(_("Assessed"), sort=True)
    due = Column(_("Due: routine / periodic"), accessor=_due, css="nowrap")

    class Meta:
        order_by = ("-condition_class", "route__code", "start_m")
        empty_text = _("No bridges, tunnels or culverts in your scope.")
        row_css = _overdue
        id = "structure-table"


class InspectionTable(Table):
    inspected_on = DateColumn(_("Inspected"), link="assets:inspection-detail", sort=True)
    place = ChainageColumn(_("Place"), sort=True)
    asset = Column(_("Asset"), accessor=lambda i: i.asset.code if i.asset else "—")
    kind = Column(_("Kind"))
    technical_class = NumberColumn(_("Class"), decimals=0)
    damages = NumberColumn(_("Damages"), accessor=lambda i: len(i.damages.all()), decimals=0)

    class Meta:
        order_by = ("-inspected_on", "-id")
        empty_text = _("No inspections in your scope.")
        id = "asset-inspection-table"
