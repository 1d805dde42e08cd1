"""URL map: pages, the public health check, and the REST API under /api/v1/."""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("zhiyang.core.urls")),
    path("", include("zhiyang.web.urls")),
    path("network/", include("zhiyang.network.urls")),
    path("condition/", include("zhiyang.condition.urls")),
    path("people/", include("zhiyang.people.urls")),
    path("fleet/", include("zhiyang.fleet.urls")),
    path("safety/", include("zhiyang.safety.urls")),
    path("patrol/", include("zhiyang.patrol.urls")),
    path("contracts/", include("zhiyang.contracts.urls")),
    path("works/", include("zhiyang.works.urls")),
    path("planning/", include("zhiyang.planning.urls")),
    path("sop/", include("zhiyang.sop.urls")),
    path("telemetry/", include("zhiyang.telemetry.urls")),
    path("qc/", include("zhiyang.qc.urls")),
    path("standards/", include("zhiyang.standards.urls")),
    path("notifications/", include("zhiyang.notify.urls")),
    path("assets/", include("zhiyang.assets.urls")),
    # The language switch works before login too (the login page offers it).
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("zhiyang.api_urls")),
]

# A request Django refuses early (body or file too large, too many fields): JSON under /api/.
handler400 = "zhiyang.core.views.bad_request"
