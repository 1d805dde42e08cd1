from django.contrib.auth import views as auth_views
from django.urls import path

from zhiyang.core import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", views.health, name="health"),
    path("audit/", views.audit_log, name="audit-log"),
    path("permissions/", views.permission_matrix, name="permission-matrix"),
]
