"""The live page, its event stream and the alarm pages."""

from django.urls import URLPattern, path

from zhiyang.telemetry.views import alarms, live

urlpatterns: list[URLPattern] = [
    path("live/", live.live_page, name="live"),
    path("live/stream/", live.live_stream, name="live-stream"),
    path("live/map.geojson", live.live_map_data, name="live-map-data"),
    path("alarms/", alarms.alarm_list, name="alarm-list"),
    path(
        "alarms/<int:pk>/acknowledge/",
        alarms.alarm_action,
        {"action": "acknowledge"},
        name="alarm-acknowledge",
    ),
    path(
        "alarms/<int:pk>/resolve/",
        alarms.alarm_action,
        {"action": "resolve"},
        name="alarm-resolve",
    ),
    path("setup/<int:project_pk>/", live.setup_edit, name="setup"),
]
