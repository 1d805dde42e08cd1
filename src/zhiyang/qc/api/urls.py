"""API of the qc app."""

from django.urls import URLPattern, URLResolver, path

from zhiyang.qc.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/<int:pk>/<str:day>/", views.QcReportView.as_view(), name="api-qc-report"),
]
