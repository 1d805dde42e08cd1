from django.urls import path

from zhiyang.web import pwa, today, views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("home/", today.home, name="home"),
    path("today/", today.today, name="today"),
    path("map/", views.network_map, name="map"),
    # The PWA (web/pwa.py): manifest and service worker from the root scope, offline pages.
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("offline/", pwa.offline, name="offline"),
    path("offline/token/", pwa.token, name="offline-token"),
    path("outbox/", pwa.outbox, name="outbox"),
]
