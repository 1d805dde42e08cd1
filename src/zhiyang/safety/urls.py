from django.urls import path

from zhiyang.core.pages import object_urls
from zhiyang.safety.views import dashboard, hazards, incidents, inspections, workzones

app_name = "safety"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("hazards/", hazards.HazardList.as_view(), name="hazard-list"),
    path("hazards/report/", hazards.hazard_report, name="hazard-report"),
    path("hazards/<int:pk>/", hazards.hazard_detail, name="hazard-detail"),
    *object_urls(
        "workzone",
        "workzones/",
        list=workzones.WorkZoneList,
        create=workzones.WorkZoneEdit,
        detail=workzones.WorkZoneDetail,
        edit=workzones.WorkZoneEdit,
    ),
    path("workzones/<int:pk>/geojson/", workzones.workzone_geojson, name="workzone-geojson"),
    path("workzones/<int:pk>/layout.pdf", workzones.workzone_pdf, name="workzone-pdf"),
    path("inspections/", inspections.InspectionList.as_view(), name="inspection-list"),
    path("inspections/new/", inspections.InspectionPlan.as_view(), name="inspection-create"),
    path("inspections/<int:pk>/", inspections.inspection_detail, name="inspection-detail"),
    path(
        "inspections/<int:pk>/items/<int:item>/hazard/",
        inspections.inspection_raise,
        name="inspection-raise",
    ),
    *object_urls(
        "incident",
        "incidents/",
        list=incidents.IncidentList,
        create=incidents.IncidentEdit,
        detail=incidents.IncidentDetail,
        edit=incidents.IncidentEdit,
    ),
]
