"""The structures register: bridges, tunnels and culverts, class and due dates."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from zhiyang.assets import services
from zhiyang.assets.filters import StructureFilter
from zhiyang.assets.models import Asset
from zhiyang.assets.tables import StructureTable
from zhiyang.assets.views.base import AssetsPage
from zhiyang.core.pages import ObjectListView


class StructureList(AssetsPage, ObjectListView):
    model = Asset
    table_class = StructureTable
    filterset_class = StructureFilter
    title = _("Structures register")
    intro = _(
        "Latest technical condition class of every bridge, tunnel and culvert and when its "
        "routine (经常) and periodic (定期) inspections are due; class 4 and 5 are notified."
    )
    tab = "structures"
    export_name = "structures"

    def get_rows(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return services.structures(queryset)
