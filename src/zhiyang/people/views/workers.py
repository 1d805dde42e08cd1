"""Creating and editing a worker (with photo) on the page frame."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.core.pages import ObjectEditView
from zhiyang.people import services
from zhiyang.people.forms import WorkerForm, service_values
from zhiyang.people.models import Worker
from zhiyang.people.views.base import PeoplePage


class WorkerEdit(PeoplePage, ObjectEditView):
    model = Worker
    form_class = WorkerForm
    create_title = gettext_lazy("New worker")
    success_message = gettext_lazy("The worker was saved.")
    success_url_name = "people:worker-detail"

    def get_title(self, obj: Any = None) -> Any:
        if obj is None:
            return self.create_title
        return _("Edit %(name)s") % {"name": obj.name}

    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        # The form validates a copy; the service changes the real object (audit: before/after).
        copy = Worker.objects.get(pk=obj.pk) if obj is not None else None
        return {"instance": copy, "user": self.actor}

    def form_data(self, form: Any) -> dict[str, Any]:
        return service_values(form)

    def service_create(self, *, data: dict[str, Any]) -> Worker:
        return services.create_worker(actor=self.actor, data=data)

    def service_update(self, *, obj: Any, data: dict[str, Any]) -> Worker:
        return services.update_worker(actor=self.actor, worker=obj, data=data)


worker_edit = WorkerEdit.as_view()
