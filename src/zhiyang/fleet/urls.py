from django.urls import path

from zhiyang.fleet import views

app_name = "fleet"
urlpatterns = [
    path("", views.equipment_list, name="equipment-list"),
    path("machines/<int:pk>/", views.equipment_detail, name="equipment-detail"),
    path("machines/<int:pk>/service/", views.service_record_add, name="service-record-add"),
    path("map/", views.fleet_map, name="map"),
    path("map/data.geojson", views.fleet_map_data, name="map-data"),
    path("services/", views.service_list, name="service-list"),
    path("utilisation/", views.utilisation_view, name="utilisation"),
    path("import/", views.telematics_import, name="import"),
    path("sources/<int:pk>/poll/", views.source_poll, name="source-poll"),
]
