from django.urls import path

from zhiyang.assets.views import imports, inspections, inventory, mqi, structures
from zhiyang.core.pages import object_urls

app_name = "assets"
urlpatterns = [
    *object_urls(
        "asset",
        "",
        list=inventory.AssetList,
        create=inventory.AssetEdit,
        detail=inventory.AssetDetail,
        edit=inventory.AssetEdit,
        delete=inventory.AssetDelete,
    ),
    path("map/", inventory.AssetMap.as_view(), name="map"),
    path("structures/", structures.StructureList.as_view(), name="structure-list"),
    path("inspections/", inspections.InspectionList.as_view(), name="inspection-list"),
    path("inspections/capture/", inspections.InspectionCapture.as_view(), name="capture"),
    path("inspections/<int:pk>/", inspections.InspectionDetail.as_view(), name="inspection-detail"),
    path("mqi/", mqi.MqiPage.as_view(), name="mqi"),
    path("import/", imports.AssetImport.as_view(), name="import"),
]
