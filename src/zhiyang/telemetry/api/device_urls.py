"""API: the ingest endpoint, devices, dead letters, the schema."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from zhiyang.telemetry.api import device_views as views

router = SimpleRouter()
router.register("devices", views.DeviceViewSet)
router.register("dead-letters", views.DeadLetterViewSet)

urlpatterns: list[URLPattern | URLResolver] = [
    path("ingest/", views.IngestView.as_view(), name="api-telemetry-ingest"),
    path("schema/", views.SchemaView.as_view(), name="api-telemetry-schema"),
    *router.urls,
]
