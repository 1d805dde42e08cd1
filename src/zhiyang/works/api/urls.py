from rest_framework.routers import DefaultRouter

from zhiyang.works.api import progress, views

router = DefaultRouter()
router.register("projects", views.ProjectViewSet)
router.register("work-orders", views.WorkOrderViewSet)
router.register("daily-reports", views.DailyReportViewSet)

urlpatterns = progress.urlpatterns + router.urls
