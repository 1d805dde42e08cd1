from django.urls import path
from rest_framework.routers import DefaultRouter

from zhiyang.network.api import views

router = DefaultRouter()
router.register("districts", views.DistrictViewSet)
router.register("routes", views.RouteViewSet)
router.register("sections", views.SectionViewSet)

urlpatterns = [
    path("locate/", views.LocateView.as_view(), name="api-network-locate"),
    path("chainage/", views.ChainagePointView.as_view(), name="api-network-chainage"),
    path("export/", views.ExportView.as_view(), name="api-network-export"),
    path("import/", views.ImportView.as_view(), name="api-network-import"),
    path("template.xlsx", views.TemplateView.as_view(), name="api-network-template"),
    *router.urls,
]
