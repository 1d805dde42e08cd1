"""Pages of the qc app: QC reports per project and day."""

from django.urls import URLPattern, path

from zhiyang.qc import views

app_name = "qc"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="report-list"),
    path("<int:pk>/<str:day>/", views.report_page, name="report"),
    path("<int:pk>/<str:day>/<str:kind>.png", views.image, name="image"),
    path("<int:pk>/<str:day>/report.<str:fmt>", views.export, name="export"),
]
