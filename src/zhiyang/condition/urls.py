from django.urls import path

from zhiyang.condition import views

app_name = "condition"
urlpatterns = [
    path("map/", views.condition_map, name="map"),
    path("map/units.geojson", views.units_geojson, name="units-geojson"),
    path("map/units/<int:pk>/", views.unit_popup, name="unit-popup"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/linear.json", views.linear_chart, name="linear-chart"),
    path("worst/", views.worst_units, name="worst-units"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("report.pdf", views.report_pdf, name="report"),
    path("surveys/", views.survey_list, name="survey-list"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey-detail"),
    path("surveys/<int:pk>/approve/", views.survey_approve, name="survey-approve"),
    path("import/", views.condition_import, name="import"),
    path("distress/report/", views.distress_report, name="distress-report"),
]
