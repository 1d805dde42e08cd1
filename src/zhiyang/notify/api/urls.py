"""REST API of the notify app: the inbox."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from zhiyang.notify.api import views

router = SimpleRouter()
router.register("inbox", views.InboxViewSet)

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
