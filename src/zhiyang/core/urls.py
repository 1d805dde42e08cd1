from django.contrib.auth import views as auth_views
from django.urls import path

from zhiyang.core import jobs, media, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", views.health, name="health"),
    path("audit/", views.audit_log, name="audit-log"),
    path("permissions/", views.permission_matrix, name="permission-matrix"),
    path("jobs/<int:pk>/", jobs.job_status, name="job-status"),
    path("jobs/<int:pk>/progress/", jobs.job_progress, name="job-progress"),
    # Uploaded photos and scans, only for users who may see their record (core/media.py).
    path("media/<path:name>", media.media, name="media"),
]
