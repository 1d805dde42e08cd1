"""The live page, its event stream and the alarm pages."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
