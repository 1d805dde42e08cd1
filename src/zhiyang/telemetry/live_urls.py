"""The live page, its event stream and the alarm pages."""

from django.urls import URLPattern, path

from zhiyang.telemetry import live_views

urlpatterns: list[URLPattern] = [
    path("live/", live_views.live_page, name="live"),
    path("live/stream/", live_views.live_stream, name="live-stream"),
    path("live/map.geojson", live_views.live_map_data, name="live-map-data"),
    path("alarms/", live_views.alarm_list, name="alarm-list"),
    path(
        "alarms/<int:pk>/acknowledge/",
        live_views.alarm_action,
        {"action": "acknowledge"},
        name="alarm-acknowledge",
    ),
    path(
        "alarms/<int:pk>/resolve/",
        live_views.alarm_action,
        {"action": "resolve"},
        name="alarm-resolve",
    ),
    path("setup/<int:project_pk>/", live_views.setup_edit, name="setup"),
]
