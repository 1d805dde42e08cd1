from django.urls import path

from zhiyang.web import views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("map/", views.network_map, name="map"),
]
