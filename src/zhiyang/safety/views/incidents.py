"""Incidents: list, record and edit (audited through the safety services), detail."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhiyang.core.pages import Link, ObjectDetailView, ObjectEditView, ObjectListView
from zhiyang.network.chainage import format_chainage
from zhiyang.safety import services
from zhiyang.safety.choices import CauseCategory
from zhiyang.safety.filters import IncidentFilter
from zhiyang.safety.forms import IncidentForm
from zhiyang.safety.models import Incident
from zhiyang.safety.tables import IncidentTable
from zhiyang.safety.views.base import SafetyPage


class IncidentList(SafetyPage, ObjectListView):
    model = Incident
    select_related = ("route",)
    table_class = IncidentTable
    filterset_class = IncidentFilter
    title = _("Incidents")
    tab = "incidents"
    actions = (Link.new(_("Record incident"), "safety:incident-create", "safety.incident"),)


class IncidentEdit(SafetyPage, ObjectEditView):
    model = Incident
    form_class = IncidentForm
    tab = "incidents"
    create_title = _("Record incident")
    edit_title = _("Edit incident")
    success_message = _("The incident was saved.")
    success_url_name = "safety:incident-detail"

    def service_create(self, *, data: dict[str, Any]) -> Incident:
        return services.create_incident(actor=self.actor, data=data)

    def service_update(self, *, obj: Any, data: dict[str, Any]) -> Incident:
        return services.update_incident(actor=self.actor, incident=obj, data=data)


class IncidentDetail(SafetyPage, ObjectDetailView):
    model = Incident
    select_related = ("route", "district", "work_zone", "reported_by")
    template_name = "safety/incident_detail.html"
    tab = "incidents"
    actions = (
        Link(_("Edit"), "safety:incident-edit", "safety.incident", "change", for_object=True),
    )

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        labels = dict(CauseCategory.choices)
        return {
            "incident": obj,
            "chainage": format_chainage(obj.chainage_m) if obj.chainage_m is not None else "",
            "categories": [labels.get(c, c) for c in obj.cause_categories or []],
        }
