from django.urls import path
from rest_framework.routers import DefaultRouter

from zhiyang.safety.api import views

router = DefaultRouter()
router.register("workzones", views.WorkZoneViewSet)
router.register("inspection-templates", views.InspectionTemplateViewSet)
router.register("inspections", views.InspectionViewSet)
router.register("hazards", views.HazardViewSet)
router.register("incidents", views.IncidentViewSet)

urlpatterns = [
    # The kernel alone (no write), also under the singular name the issue uses.
    path(
        "workzone/design/",
        views.WorkZoneViewSet.as_view({"post": "design"}),
        name="api-safety-workzone-design",
    ),
    *router.urls,
]
