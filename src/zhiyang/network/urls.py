from django.urls import path

from zhiyang.network import views

app_name = "network"
urlpatterns = [
    path("routes/", views.route_list, name="route-list"),
    path("routes/<str:code>/", views.route_detail, name="route-detail"),
    path("import/", views.network_import, name="import"),
    path("export/", views.network_export, name="export"),
    path("locate/", views.locate_point, name="locate"),
]
