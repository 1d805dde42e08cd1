"""API: the ingest endpoint, devices, dead letters."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
