"""Device and dead-letter pages."""

from django.urls import URLPattern, path

from zhiyang.telemetry.views import devices as device_views

urlpatterns: list[URLPattern] = [
    path("devices/", device_views.device_list, name="device-list"),
    path("devices/add/", device_views.device_add, name="device-add"),
    path("devices/<int:pk>/", device_views.device_detail, name="device-detail"),
    path("devices/<int:pk>/token/", device_views.device_token, name="device-token"),
    path("devices/<int:pk>/active/", device_views.device_active, name="device-active"),
    path("dead-letters/", device_views.deadletter_list, name="deadletter-list"),
]
