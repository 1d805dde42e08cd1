from rest_framework.routers import DefaultRouter

from zhiyang.patrol.api import views

router = DefaultRouter()
router.register("plans", views.PlanViewSet)
router.register("patrols", views.PatrolViewSet)
router.register("findings", views.FindingViewSet)
router.register("tasks", views.TaskViewSet)

urlpatterns = router.urls
