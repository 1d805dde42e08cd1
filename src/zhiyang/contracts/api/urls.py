from rest_framework.routers import DefaultRouter

from zhiyang.contracts.api import views

router = DefaultRouter()
router.register("contracts", views.ContractViewSet)
router.register("boq-items", views.BoqItemViewSet)
router.register("periods", views.PeriodViewSet)
router.register("lines", views.LineViewSet)
router.register("variations", views.VariationViewSet)
router.register("assessment-templates", views.TemplateViewSet)
router.register("assessments", views.AssessmentViewSet)
router.register("mappings", views.MappingViewSet)

urlpatterns = router.urls
