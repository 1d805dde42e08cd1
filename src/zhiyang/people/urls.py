from django.urls import path

from zhiyang.people import views

app_name = "people"
urlpatterns = [
    path("checkin/", views.checkin, name="checkin"),
    path("checkin/zones/", views.checkin_zones, name="checkin-zones"),
    path("attendance/", views.checkin_list, name="checkin-list"),
    path("workers/", views.worker_list, name="worker-list"),
    path("workers/new/", views.worker_edit, name="worker-create"),
    path("workers/<int:pk>/", views.worker_detail, name="worker-detail"),
    path("workers/<int:pk>/edit/", views.worker_edit, name="worker-edit"),
    path("workers/<int:pk>/<str:kind>/add/", views.worker_add_record, name="worker-add-record"),
    path("files/<str:kind>/<int:pk>/", views.protected_file, name="file"),
    path("crews/", views.crew_list, name="crew-list"),
    path("briefings/", views.briefing_list, name="briefing-list"),
    path("briefings/new/", views.briefing_create, name="briefing-create"),
]
