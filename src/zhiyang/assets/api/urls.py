from rest_framework.routers import DefaultRouter

from zhiyang.assets.api import views

router = DefaultRouter()
router.register("types", views.AssetTypeViewSet)
router.register("assets", views.AssetViewSet)
router.register("inspections", views.InspectionViewSet)

urlpatterns = router.urls
