"""The inbox: a person's own notifications; opening one marks it read and follows its link."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.core.pages import ObjectListView, PageView
from zhiyang.notify import services
from zhiyang.notify.filters import InboxFilter
from zhiyang.notify.models import InboxItem
from zhiyang.notify.tables import InboxTable
from zhiyang.notify.views.base import NotifyPage


class InboxList(NotifyPage, ObjectListView):
    model = InboxItem
    table_class = InboxTable
    filterset_class = InboxFilter
    title, tab = gettext_lazy("Notifications"), "inbox"
    template_name = "notify/inbox_list.html"
    export = False
    select_related = ("event",)

    def base_queryset(self) -> QuerySet[InboxItem]:
        return super().base_queryset().filter(user_id=self.request.user.pk)

    def extra_context(self) -> dict[str, Any]:
        return {"unread": services.unread_count(self.request.user)}


class InboxOpen(NotifyPage, PageView):
    """Mark the item read and go to what it is about (or back to the inbox)."""

    model = InboxItem

    def base_queryset(self) -> QuerySet[InboxItem]:
        return super().base_queryset().select_related("event").filter(user_id=self.request.user.pk)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = self.get_object("view")
        services.mark_read(actor=self.actor, items=[item])
        url = item.event.url
        if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
            url = reverse("notify:inbox-list")
        return HttpResponseRedirect(url)


class InboxReadAll(NotifyPage, PageView):
    model = InboxItem
    action = "change"
    http_method_names = ["post"]  # type: ignore[misc]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("change")
        count = services.mark_all_read(actor=self.actor)
        messages.success(request, _("%(n)d marked read.") % {"n": count})
        return HttpResponseRedirect(reverse("notify:inbox-list"))
