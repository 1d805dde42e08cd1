"""API: alarms, the paving setups (rule settings) and the live device states."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from zhiyang.telemetry.api import alarm_views

router = SimpleRouter()
router.register("alarms", alarm_views.AlarmViewSet)
router.register("paving-setups", alarm_views.PavingSetupViewSet)
router.register("live-states", alarm_views.DeviceStateViewSet)

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
