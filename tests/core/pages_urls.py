"""The site's URLs plus frame pages only the frame's tests use (a generic delete page and a
list with the generic default template), so the generic views are tested on a real model."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from zhiyang.core.pages import Link, ObjectDeleteView, ObjectListView
from zhiyang.safety.filters import IncidentFilter
from zhiyang.safety.models import Incident
from zhiyang.safety.tables import IncidentTable
from zhiyang.urls import urlpatterns as site


class IncidentDelete(ObjectDeleteView):
    model = Incident
    success_url_name = "safety:incident-list"


class PlainIncidentList(ObjectListView):
    model = Incident
    table_class = IncidentTable
    filterset_class = IncidentFilter
    title = _("Incidents")
    actions = (Link.new(_("Record incident"), "safety:incident-create", "safety.incident"),)


urlpatterns = [
    path("frame/incidents/", PlainIncidentList.as_view(), name="frame-incident-list"),
    path("frame/incidents/<int:pk>/delete/", IncidentDelete.as_view(), name="frame-delete"),
    *site,
]
