from django.urls import path
from rest_framework.routers import SimpleRouter

from zhiyang.standards.api import views

# SimpleRouter: no API root view, because /api/v1/standards/ itself lists the standards.
router = SimpleRouter()
router.register("overrides", views.ParameterOverrideViewSet)

urlpatterns = [
    *router.urls,
    path("", views.StandardListView.as_view(), name="api-standards-list"),
    path("<slug:code>/", views.StandardDetailView.as_view(), name="api-standards-detail"),
]
