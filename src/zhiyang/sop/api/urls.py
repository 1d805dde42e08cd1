from rest_framework.routers import DefaultRouter

from zhiyang.sop.api import views

router = DefaultRouter()
router.register("instructions", views.WorkInstructionViewSet)
router.register("versions", views.InstructionVersionViewSet)
router.register("runs", views.ChecklistRunViewSet)
router.register("ncrs", views.NonConformanceViewSet)

urlpatterns = router.urls
