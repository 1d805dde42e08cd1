from django.urls import path

from zhiyang.safety import views

app_name = "safety"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("hazards/", views.hazard_list, name="hazard-list"),
    path("hazards/report/", views.hazard_report, name="hazard-report"),
    path("hazards/<int:pk>/", views.hazard_detail, name="hazard-detail"),
    path("workzones/", views.workzone_list, name="workzone-list"),
    path("workzones/new/", views.workzone_create, name="workzone-create"),
    path("workzones/<int:pk>/", views.workzone_detail, name="workzone-detail"),
    path("workzones/<int:pk>/edit/", views.workzone_edit, name="workzone-edit"),
    path("workzones/<int:pk>/geojson/", views.workzone_geojson, name="workzone-geojson"),
    path("workzones/<int:pk>/layout.pdf", views.workzone_pdf, name="workzone-pdf"),
    path("inspections/", views.inspection_list, name="inspection-list"),
    path("inspections/new/", views.inspection_create, name="inspection-create"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path(
        "inspections/<int:pk>/items/<int:item>/hazard/",
        views.inspection_raise,
        name="inspection-raise",
    ),
    path("incidents/", views.incident_list, name="incident-list"),
    path("incidents/new/", views.incident_create, name="incident-create"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident-detail"),
    path("incidents/<int:pk>/edit/", views.incident_edit, name="incident-edit"),
]
