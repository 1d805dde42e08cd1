from django.urls import path

from zhiyang.contracts.views import assessments, contracts, periods, variations
from zhiyang.core.pages import object_urls

app_name = "contracts"
urlpatterns = [
    *object_urls(
        "contract",
        "",
        list=contracts.ContractList,
        create=contracts.ContractEdit,
        detail=contracts.ContractDetail,
        edit=contracts.ContractEdit,
    ),
    path("<int:pk>/boq/import/", contracts.BoqImport.as_view(), name="boq-import"),
    path("<int:pk>/periods/open/", periods.PeriodOpen.as_view(), name="period-open"),
    path("periods/", periods.PeriodList.as_view(), name="period-list"),
    path("periods/<int:pk>/", periods.PeriodDetail.as_view(), name="period-detail"),
    path(
        "periods/<int:pk>/certificate.<str:fmt>",
        periods.PeriodCertificate.as_view(),
        name="period-certificate",
    ),
    path("variations/", variations.VariationList.as_view(), name="variation-list"),
    path("variations/<int:pk>/", variations.VariationDetail.as_view(), name="variation-detail"),
    path("assessments/", assessments.AssessmentList.as_view(), name="assessment-list"),
    path("assessments/new/", assessments.AssessmentRecord.as_view(), name="assessment-create"),
    path(
        "assessments/<int:pk>/",
        assessments.AssessmentDetail.as_view(),
        name="assessment-detail",
    ),
]
