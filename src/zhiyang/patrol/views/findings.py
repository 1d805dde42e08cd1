"""Findings: the phone report (offline), list, detail with the triage form."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhiyang.core import offline
from zhiyang.core.pages import Link, ObjectDetailView, ObjectEditView, ObjectListView
from zhiyang.network.chainage import format_chainage
from zhiyang.patrol import services
from zhiyang.patrol.choices import KINDS_BY_CATEGORY, FindingKind
from zhiyang.patrol.filters import FindingFilter
from zhiyang.patrol.forms import FindingForm, TriageForm
from zhiyang.patrol.models import Finding
from zhiyang.patrol.tables import FindingTable
from zhiyang.patrol.views.base import PatrolPage


def kinds_json() -> str:
    """The quick-entry list per category, for the phone page's type menu."""
    labels = dict(FindingKind.choices)
    return json.dumps(
        {c: [[k, str(labels[k])] for k in kinds] for c, kinds in KINDS_BY_CATEGORY.items()},
        ensure_ascii=False,
    )


class FindingList(PatrolPage, ObjectListView):
    model = Finding
    select_related = ("route",)
    table_class = FindingTable
    filterset_class = FindingFilter
    title, tab = _("Findings"), "findings"
    actions = (Link.new(_("Report finding"), "patrol:finding-create", "patrol.finding"),)


class FindingReport(PatrolPage, ObjectEditView):
    model, form_class = Finding, FindingForm
    offline = True
    tab = "findings"
    template_name = "patrol/finding_report.html"
    create_title = _("Report finding")
    submit_label = _("Send finding")
    success_message = _("Finding reported.")
    error_aliases = {"chainage_m": "chainage_m"}

    def get_initial(self) -> dict[str, Any]:
        return {"client_uuid": offline.new_client_uuid()}

    def service_create(self, *, data: dict[str, Any]) -> Any:
        return services.report_finding(actor=self.actor, data=data)

    def get_success_url(self, obj: Any) -> str:
        # From a patrol in progress, back to it (the track goes on recording).
        if obj.patrol_uuid and obj.patrol_id is None:
            return reverse("patrol:record")
        return str(obj.get_absolute_url())

    def extra_context(self, obj: Any, form: Any) -> dict[str, Any]:
        return {"locate_url": reverse("network:locate"), "kinds": kinds_json()}


class FindingDetail(PatrolPage, ObjectDetailView):
    model = Finding
    select_related = ("route", "district", "patrol", "reported_by", "triaged_by", "hazard")
    template_name = "patrol/finding_detail.html"
    tab = "findings"

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        may = services.may_triage(self.actor, obj)
        return {
            "finding": obj,
            "chainage": format_chainage(obj.chainage_m),
            "task": getattr(obj, "task", None) if hasattr(obj, "task") else None,
            "triage_form": TriageForm(user=self.actor) if may else None,
        }


class FindingTriage(PatrolPage, ObjectEditView):
    model, form_class = Finding, TriageForm
    tab = "findings"
    edit_title = _("Triage finding")
    submit_label = _("Decide")
    success_message = _("Triage saved.")

    def service_update(self, *, obj: Any, data: dict[str, Any]) -> Any:
        decision = data.pop("decision")
        return services.triage_finding(actor=self.actor, finding=obj, decision=decision, data=data)
