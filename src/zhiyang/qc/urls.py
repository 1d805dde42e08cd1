"""Pages of the qc app: QC reports per project and day."""

from django.urls import URLPattern

app_name = "qc"

urlpatterns: list[URLPattern] = []
