from django.urls import path

from zhiyang.web import views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("map/", views.network_map, name="map"),
    # Shadows django.conf.urls.i18n's path (same URL, so {% url 'set_language' %} still
    # points here) with a copy that works before login; see views.set_language.
    path("i18n/setlang/", views.set_language, name="set-language"),
]
