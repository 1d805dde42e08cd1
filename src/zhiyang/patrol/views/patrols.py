"""Patrols: the phone's recording page (start, GPS track, quick findings, end: works
offline, the end is sent once through the outbox), the upload form, list and detail."""

from __future__ import annotations

import json
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhiyang.core import offline
from zhiyang.core.access import restrict
from zhiyang.core.pages import Link, ObjectDetailView, ObjectEditView, ObjectListView, PageView
from zhiyang.network.chainage import format_chainage
from zhiyang.patrol import services
from zhiyang.patrol.filters import PatrolFilter
from zhiyang.patrol.forms import PatrolUploadForm, QuickFindingForm
from zhiyang.patrol.models import Patrol, PatrolPlan
from zhiyang.patrol.tables import PatrolTable
from zhiyang.patrol.views.base import PatrolPage, section_text
from zhiyang.patrol.views.findings import kinds_json


class PatrolList(PatrolPage, ObjectListView):
    model = Patrol
    select_related = ("route", "patroller")
    table_class = PatrolTable
    filterset_class = PatrolFilter
    title, tab = _("Patrols"), "patrols"
    actions = (
        Link(_("Patrol now"), "patrol:record", "patrol.patrol", "add"),
        Link(_("Patrol log (PDF)"), "patrol:log-pdf", "patrol.patrol"),
    )

    def get_rows(self, queryset: Any) -> Any:
        return queryset.annotate(n_findings=Count("findings"))


class PatrolUpload(PatrolPage, ObjectEditView):
    """Where the recording page sends the finished patrol (JSON answer to the outbox)."""

    model, form_class = Patrol, PatrolUploadForm
    offline = True
    tab = "record"
    create_title = _("End patrol")
    submit_label = _("End patrol and send")

    def service_create(self, *, data: dict[str, Any]) -> Any:
        return services.record_patrol(actor=self.actor, data=data)


class PatrolRecord(PatrolPage, PageView):
    """The phone page of a patrol in progress (state kept on the phone: patrol.js)."""

    model = Patrol
    action = "add"
    template_name = "patrol/record.html"
    title, tab = _("Patrol now"), "record"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("add")
        plans = restrict(PatrolPlan.objects.filter(active=True), self.actor).select_related("route")
        upload = PatrolUploadForm(user=self.actor, initial={"client_uuid": ""})
        finding = QuickFindingForm(
            user=self.actor, initial={"client_uuid": offline.new_client_uuid()}
        )
        context = {
            **self.page_context(),
            "upload": upload,
            "finding": finding,
            "plans": [
                {
                    "id": p.pk,
                    "route": p.route_id,
                    "name": str(p),
                    "place": section_text(p.route.code, p.start_m, p.end_m),
                }
                for p in plans
            ],
            "kinds": kinds_json(),
            "upload_url": reverse("patrol:patrol-create"),
            "finding_url": reverse("patrol:finding-create"),
            "locate_url": reverse("network:locate"),
        }
        context["plans_json"] = json.dumps(context["plans"], ensure_ascii=False)
        return self.render(context)


class PatrolDetail(PatrolPage, ObjectDetailView):
    model = Patrol
    select_related = ("route", "district", "plan", "patroller", "vehicle")
    template_name = "patrol/patrol_detail.html"
    tab = "patrols"

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        return {
            "patrol": obj,
            "covered": [f"{format_chainage(a)}–{format_chainage(b)}" for a, b in obj.covered],
            "findings": obj.findings.select_related("route"),
            "track_json": json.dumps(
                {"type": "LineString", "coordinates": [p[:2] for p in obj.track]}
            ),
        }
