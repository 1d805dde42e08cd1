from django.urls import path
from rest_framework.routers import DefaultRouter

from zhiyang.fleet.api import views

router = DefaultRouter()
router.register("equipment", views.EquipmentViewSet)
router.register("snapshots", views.SnapshotViewSet)
router.register("fault-codes", views.FaultCodeViewSet)
router.register("service-intervals", views.ServiceIntervalViewSet)
router.register("service-records", views.ServiceRecordViewSet)
router.register("assignments", views.AssignmentViewSet)
router.register("sources", views.SourceViewSet)

urlpatterns = [
    path("import/", views.ImportView.as_view(), name="api-fleet-import"),
    path("positions.geojson", views.PositionsView.as_view(), name="api-fleet-positions"),
    *router.urls,
]
