"""Pages of the telemetry app: devices and dead letters (device_urls), the live page and
alarms (live_urls)."""

from zhiyang.telemetry.device_urls import urlpatterns as device_urls
from zhiyang.telemetry.live_urls import urlpatterns as live_urls

app_name = "telemetry"

urlpatterns = [*live_urls, *device_urls]
