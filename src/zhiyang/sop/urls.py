from django.urls import path

from zhiyang.sop import views

app_name = "sop"

urlpatterns = [
    path("", views.instruction_list, name="instruction-list"),
    path("runs/", views.run_list, name="run-list"),
    path("runs/start/", views.run_start_list, name="run-start-list"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
    path("runs/<int:pk>/sign-off/", views.run_sign_off, name="run-sign-off"),
    path("runs/<int:pk>/ncr/", views.ncr_raise, name="ncr-raise"),
    path("work-orders/<int:pk>/checklist/", views.run_create, name="run-create"),
    path("work-orders/<int:pk>/ranges/", views.run_ranges, name="run-ranges"),
    path("ncrs/", views.ncr_list, name="ncr-list"),
    path("ncrs/<int:pk>/", views.ncr_detail, name="ncr-detail"),
    path("<str:code>/", views.instruction_detail, name="instruction-detail"),
    path("<str:code>/publish/", views.instruction_publish, name="instruction-publish"),
]
