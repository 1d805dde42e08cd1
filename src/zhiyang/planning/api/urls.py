from rest_framework.routers import DefaultRouter

from zhiyang.planning.api import views

router = DefaultRouter()
router.register("treatments", views.TreatmentViewSet)
router.register("calibrations", views.CalibrationViewSet)
router.register("scenarios", views.ScenarioViewSet)
router.register("scenario-runs", views.ScenarioRunViewSet)
router.register("plan-items", views.PlanItemViewSet)

urlpatterns = router.urls
