from django.urls import path

from zhiyang.standards import views

app_name = "standards"
urlpatterns = [
    path("", views.standard_list, name="list"),
    path(
        "overrides/<int:pk>/deactivate/",
        views.override_deactivate,
        name="override-deactivate",
    ),
    path("<slug:code>/", views.standard_detail, name="detail"),
]
