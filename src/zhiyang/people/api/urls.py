from rest_framework.routers import DefaultRouter

from zhiyang.people.api import views

router = DefaultRouter()
router.register("workers", views.WorkerViewSet)
router.register("certificates", views.CertificateViewSet)
router.register("training", views.TrainingRecordViewSet)
router.register("crews", views.CrewViewSet)
router.register("checkins", views.CheckInViewSet)
router.register("briefings", views.BriefingViewSet)

urlpatterns = [*router.urls]
