from django.urls import path

from zhiyang.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.scenario_list, name="scenario-list"),
    path("scenarios/new/", views.scenario_create, name="scenario-create"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario-detail"),
    path("scenarios/<int:pk>/run/", views.scenario_run, name="scenario-run"),
    path("scenarios/<int:pk>/approve/", views.scenario_approve, name="scenario-approve"),
    path("scenarios/<int:pk>/plan.xlsx", views.scenario_export, name="scenario-export"),
    path(
        "scenarios/<int:pk>/predictions.xlsx",
        views.scenario_predictions,
        name="scenario-predictions",
    ),
    path("treatments/", views.treatment_list, name="treatment-list"),
    path("treatments/<int:pk>/edit/", views.treatment_edit, name="treatment-edit"),
    path("treatments/<int:pk>/reset/", views.treatment_reset, name="treatment-reset"),
    path("calibration/", views.calibration_page, name="calibration"),
]
