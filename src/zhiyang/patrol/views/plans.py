"""Patrol plans (list, edit, detail) and the patrol calendar (due / done / missed)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhiyang.core.pages import Link, ObjectDetailView, ObjectEditView, ObjectListView, PageView
from zhiyang.patrol import services
from zhiyang.patrol.filters import PlanFilter
from zhiyang.patrol.forms import PlanForm
from zhiyang.patrol.models import PatrolPlan
from zhiyang.patrol.services import measures
from zhiyang.patrol.tables import PlanTable
from zhiyang.patrol.views.base import PatrolPage, section_text


class PlanList(PatrolPage, ObjectListView):
    model = PatrolPlan
    select_related = ("route", "crew", "vehicle")
    table_class = PlanTable
    filterset_class = PlanFilter
    title, tab = _("Patrol plans"), "plans"
    actions = (Link.new(_("New plan"), "patrol:plan-create", "patrol.patrolplan"),)


class PlanEdit(PatrolPage, ObjectEditView):
    model, form_class = PatrolPlan, PlanForm
    tab = "plans"
    create_title, edit_title = _("New patrol plan"), _("Edit patrol plan")
    success_url_name = "patrol:plan-detail"

    def service_create(self, *, data: dict[str, Any]) -> PatrolPlan:
        return services.create_plan(actor=self.actor, data=data)

    def service_update(self, *, obj: Any, data: dict[str, Any]) -> PatrolPlan:
        return services.update_plan(actor=self.actor, plan=obj, data=data)


class PlanDetail(PatrolPage, ObjectDetailView):
    model = PatrolPlan
    select_related = ("route", "district", "crew", "vehicle")
    template_name = "patrol/plan_detail.html"
    tab = "plans"
    actions = (Link(_("Edit"), "patrol:plan-edit", "patrol.patrolplan", "change", for_object=True),)

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        today = timezone.localdate()
        return {
            "plan": obj,
            "section": section_text(obj.route.code, obj.start_m, obj.end_m),
            "interval": services.plan_interval_days(obj, today),
            "season": services.season_of(today),
            "patrols": obj.patrols.select_related("patroller")[:20],
        }


class PatrolCalendar(PatrolPage, PageView):
    """Two weeks back and one ahead: each plan's due days, done, missed or still due."""

    model = PatrolPlan
    template_name = "patrol/calendar.html"
    title, tab = _("Patrol calendar"), "calendar"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("view")
        today = timezone.localdate()
        since = today - datetime.timedelta(days=13)
        until = today + datetime.timedelta(days=7)
        plans = list(self.restricted().filter(active=True).select_related("route"))
        rows = measures.calendar(plans, since, until)
        return self.render({**self.page_context(), "rows": rows, "today": today})
