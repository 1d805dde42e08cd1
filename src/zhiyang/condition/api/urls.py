from django.urls import path
from rest_framework.routers import DefaultRouter

from zhiyang.condition.api import views

router = DefaultRouter()
router.register("surveys", views.SurveyViewSet)
router.register("intervals", views.SurveyIntervalViewSet)
router.register("units", views.SurveyUnitViewSet)
router.register("distress", views.DistressViewSet)

urlpatterns = [
    path("imports/", views.ImportView.as_view(), name="api-condition-import"),
    path("jobs/<int:pk>/", views.JobView.as_view(), name="api-condition-job"),
    path("template.xlsx", views.TemplateView.as_view(), name="api-condition-template"),
    path("summary/", views.SummaryView.as_view(), name="api-condition-summary"),
    *router.urls,
]
