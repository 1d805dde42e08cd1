"""Safety briefings on the page frame: the list (with attendance) and recording one."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy

from zhiyang.core.pages import Link, ObjectEditView, ObjectListView
from zhiyang.people import services
from zhiyang.people.filters import BriefingFilter
from zhiyang.people.forms import BriefingForm, service_values
from zhiyang.people.models import Briefing
from zhiyang.people.tables import BriefingTable
from zhiyang.people.views.base import PeoplePage


class BriefingList(PeoplePage, ObjectListView):
    model = Briefing
    table_class = BriefingTable
    filterset_class = BriefingFilter
    title = gettext_lazy("Safety briefings")
    select_related = ("crew", "work_zone", "given_by")
    actions = (Link.new(gettext_lazy("New briefing"), "people:briefing-create", "people.briefing"),)

    def get_rows(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.annotate(attendance=Count("attendees", distinct=True))


class BriefingCreate(PeoplePage, ObjectEditView):
    model = Briefing
    form_class = BriefingForm
    title = gettext_lazy("New safety briefing")
    success_message = gettext_lazy("The safety briefing was recorded.")

    def form_data(self, form: Any) -> dict[str, Any]:
        return service_values(form)

    def service_create(self, *, data: dict[str, Any]) -> Briefing:
        return services.create_briefing(actor=self.actor, data=data)

    def get_success_url(self, obj: Any) -> str:
        return reverse("people:briefing-list")


briefing_list = BriefingList.as_view()
briefing_create = BriefingCreate.as_view()
