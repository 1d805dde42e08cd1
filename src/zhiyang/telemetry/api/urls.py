"""REST API of the telemetry app: ingest and devices (device_urls), alarms (alarm_urls)."""

from zhiyang.telemetry.api.alarm_urls import urlpatterns as alarm_urls
from zhiyang.telemetry.api.device_urls import urlpatterns as device_urls

urlpatterns = [*device_urls, *alarm_urls]
