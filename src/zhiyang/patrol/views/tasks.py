"""Repair tasks: list, detail (timeline, photos), the crew's repair form and the
verification (accept and close, or reject back to the crew)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from zhiyang.core.pages import ObjectDetailView, ObjectEditView, ObjectListView
from zhiyang.network.chainage import format_chainage
from zhiyang.patrol import services
from zhiyang.patrol.choices import TaskAction
from zhiyang.patrol.filters import TaskFilter
from zhiyang.patrol.forms import RepairForm, VerifyForm
from zhiyang.patrol.models import RepairTask
from zhiyang.patrol.tables import TaskTable
from zhiyang.patrol.views.base import PatrolPage


class TaskList(PatrolPage, ObjectListView):
    model = RepairTask
    select_related = ("route", "assignee")
    table_class = TaskTable
    filterset_class = TaskFilter
    title, tab = _("Repair tasks"), "tasks"


class TaskDetail(PatrolPage, ObjectDetailView):
    model = RepairTask
    select_related = ("route", "district", "finding", "assignee", "crew", "machine")
    template_name = "patrol/task_detail.html"
    tab = "tasks"

    def get_context_data(self, obj: Any) -> dict[str, Any]:
        steps = services.allowed_steps(self.actor, obj)
        return {
            "task": obj,
            "chainage": format_chainage(obj.chainage_m),
            "overdue": obj.is_overdue(),
            "events": obj.events.select_related("user"),
            "may_repair": TaskAction.REPAIR in steps,
            "may_verify": TaskAction.VERIFY in steps,
        }


class TaskRepair(PatrolPage, ObjectEditView):
    model, form_class = RepairTask, RepairForm
    tab = "tasks"
    edit_title = _("Record the repair")
    submit_label = _("Repaired")
    success_message = _("Repair recorded.")

    def service_update(self, *, obj: Any, data: dict[str, Any]) -> Any:
        obj.refresh_from_db()  # the form wrote its values on the instance
        return services.repair_task(actor=self.actor, task=obj, data=data)


class TaskVerify(PatrolPage, ObjectEditView):
    model, form_class = RepairTask, VerifyForm
    tab = "tasks"
    edit_title = _("Verify the repair")
    submit_label = _("Save")
    success_message = _("Verification saved.")

    def service_update(self, *, obj: Any, data: dict[str, Any]) -> Any:
        if data["decision"] == "reject":
            return services.reject_task(actor=self.actor, task=obj, note=data.get("note", ""))
        return services.verify_task(actor=self.actor, task=obj, note=data.get("note", ""))
