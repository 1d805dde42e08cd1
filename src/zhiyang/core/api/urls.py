from django.urls import path
from rest_framework.routers import DefaultRouter

from zhiyang.core.api import views

router = DefaultRouter()
router.register("users", views.UserViewSet)
router.register("organisations", views.OrganisationViewSet)
router.register("audit-log", views.AuditLogViewSet)

urlpatterns = [path("me/", views.MeView.as_view(), name="api-me"), *router.urls]
