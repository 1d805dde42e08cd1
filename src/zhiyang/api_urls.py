"""The REST API under /api/v1/: one router per app, the OpenAPI schema and Swagger UI.

The schema and its UI are readable without login (they describe, they hold no data); every
data endpoint needs a session or a token.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from zhiyang.core.api.views import ObtainTokenView

schema_view = SpectacularAPIView.as_view(permission_classes=[AllowAny], authentication_classes=[])
docs_view = SpectacularSwaggerView.as_view(
    url_name="api-schema", permission_classes=[AllowAny], authentication_classes=[]
)

urlpatterns = [
    path("schema/", login_not_required(schema_view), name="api-schema"),
    path("docs/", login_not_required(docs_view), name="api-docs"),
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("core/", include("zhiyang.core.api.urls")),
    path("network/", include("zhiyang.network.api.urls")),
    path("condition/", include("zhiyang.condition.api.urls")),
    path("people/", include("zhiyang.people.api.urls")),
    path("fleet/", include("zhiyang.fleet.api.urls")),
    path("safety/", include("zhiyang.safety.api.urls")),
    path("works/", include("zhiyang.works.api.urls")),
    path("planning/", include("zhiyang.planning.api.urls")),
    path("sop/", include("zhiyang.sop.api.urls")),
    path("telemetry/", include("zhiyang.telemetry.api.urls")),
    path("qc/", include("zhiyang.qc.api.urls")),
    path("standards/", include("zhiyang.standards.api.urls")),
    path("notify/", include("zhiyang.notify.api.urls")),
    path("patrol/", include("zhiyang.patrol.api.urls")),
    path("assets/", include("zhiyang.assets.api.urls")),
    path("contracts/", include("zhiyang.contracts.api.urls")),
]
