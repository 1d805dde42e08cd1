"""The complete MQI: per 1000 m unit and by route, district and network, with 优良率."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from zhiyang.assets import services
from zhiyang.assets.models import Asset
from zhiyang.assets.views.base import AssetsPage
from zhiyang.core.pages import PageView

INDICES = ("mqi", "pqi", "sci", "bci", "tci")


class MqiPage(AssetsPage, PageView):
    model = Asset
    template_name = "assets/mqi.html"
    title = _("MQI (公路技术状况指数)")
    intro = _(
        "MQI = w·PQI + w·SCI + w·BCI + w·TCI per 1000 m unit: PQI from the latest condition "
        "survey, SCI/TCI from a year of inspections, BCI from the worst structure."
    )
    tab = "mqi"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("view")
        route = request.GET.get("route", "").strip()
        district = request.GET.get("district", "").strip()
        result = services.network_mqi(user=self.actor, route=route, district=district)
        groups = [("network", _("Network"), [result["network"]] if result["network"] else [])]
        groups.append(("route", _("By route"), result["routes"]))
        groups.append(("district", _("By district"), result["districts"]))
        return self.render(
            {
                **self.page_context(),
                "result": result,
                "groups": groups,
                "indices": INDICES,
                "route": route,
                "district": district,
                "show_units": bool(route),
            }
        )
