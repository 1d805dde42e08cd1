"""Device and dead-letter pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
