from django.urls import path

from zhiyang.works import progress_views, views

app_name = "works"
urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("projects/new/", views.project_create, name="project-create"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:pk>/status/", views.project_status, name="project-status"),
    path("projects/<int:pk>/work-orders/new/", views.workorder_create, name="workorder-create"),
    path("projects/<int:pk>/daily-report/", views.daily_report_form, name="daily-report-form"),
    path(
        "projects/<int:pk>/weekly.<str:fmt>",
        views.weekly_export,
        name="weekly-export",
    ),
    path("work-orders/<int:pk>/", views.workorder_detail, name="workorder-detail"),
    path("work-orders/<int:pk>/edit/", views.workorder_edit, name="workorder-edit"),
    path("work-orders/<int:pk>/<str:step>/", views.workorder_step, name="workorder-step"),
    path("daily-reports/", views.daily_report_list, name="daily-report-list"),
    path("daily-reports/new/", views.daily_report_start, name="daily-report-start"),
    path("daily-reports/approvals/", views.approval_list, name="approval-list"),
    path("daily-reports/<int:pk>/", views.daily_report_detail, name="daily-report-detail"),
    path(
        "daily-reports/<int:pk>/report.<str:fmt>",
        views.daily_report_export,
        name="daily-report-export",
    ),
    path("progress/", progress_views.branch_progress, name="progress"),
    path("projects/<int:pk>/progress/", progress_views.project_progress, name="project-progress"),
]
