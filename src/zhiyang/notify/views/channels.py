"""An organisation's channels: list, settings form (errors by field, secrets never shown
back), detail with the delivery log, a test message, delete; and the delivery log."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhiyang.core.pages import (
    Link,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    PageView,
)
from zhiyang.notify import services
from zhiyang.notify.channels import adapter_for
from zhiyang.notify.choices import ChannelKind
from zhiyang.notify.delivery import secrets_of
from zhiyang.notify.filters import DeliveryFilter
from zhiyang.notify.forms import SETTINGS_KINDS, ChannelForm, TestMessageForm
from zhiyang.notify.models import Channel, Delivery, DeliveryAttempt
from zhiyang.notify.tables import ChannelTable, DeliveryTable
from zhiyang.notify.views.base import NotifyPage


class ChannelList(NotifyPage, ObjectListView):
    model = Channel
    table_class = ChannelTable
    title, tab = gettext_lazy("Notification channels"), "channels"
    intro = gettext_lazy(
        "Group robots (WeCom, DingTalk, Feishu), a signed webhook, the e-mail server and the "
        "SMS gateway of each organisation."
    )
    select_related = ("organisation",)
    export = False
    actions = (Link.new(gettext_lazy("New channel"), "notify:channel-create", "notify.channel"),)


class ChannelEdit(NotifyPage, ObjectEditView):
    model = Channel
    form_class = ChannelForm
    create_title, edit_title = gettext_lazy("New channel"), gettext_lazy("Channel settings")
    success_url_name = "notify:channel-detail"

    def channel_kind(self, obj: Channel | None) -> str:
        if obj is not None:
            return obj.kind
        kind = self.request.GET.get("kind") or self.request.POST.get("channel_kind") or ""
        return kind if kind in SETTINGS_KINDS else ""

    def get_form_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"kind": self.channel_kind(obj), "instance": obj, "user": self.actor}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.current_object()
        if obj is None and not self.channel_kind(None):
            kinds = [(k, ChannelKind(k).label) for k in SETTINGS_KINDS]
            return render_kinds(self, kinds)
        return self.render_form(obj, self.get_form(obj))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.creating and not self.channel_kind(None):
            raise Http404
        return super().post(request, *args, **kwargs)

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        organisation = data.pop("organisation")
        return services.save_channel(
            actor=self.actor, organisation=organisation, kind=self.channel_kind(None), values=data
        )

    def service_update(self, *, obj: Any, data: dict[str, Any]) -> models.Model:
        return services.save_channel(
            actor=self.actor,
            organisation=obj.organisation,
            kind=obj.kind,
            values=data,
            channel=obj,
        )

    def get_title(self, obj: Any = None) -> Any:
        kind = self.channel_kind(obj)
        base = super().get_title(obj)
        return f"{base}: {ChannelKind(kind).label}" if kind else base

    def extra_context(self, obj: Any, form: Any) -> dict[str, Any]:
        return {"channel_kind": self.channel_kind(obj)}


def render_kinds(view: ChannelEdit, kinds: list[tuple[str, Any]]) -> HttpResponse:
    from django.shortcuts import render

    return render(
        view.request, "notify/channel_kinds.html", {**view.page_context(None), "kinds": kinds}
    )


class ChannelDetail(NotifyPage, ObjectDetailView):
    model = Channel
    template_name = "notify/channel_detail.html"
    select_related = ("organisation",)
    actions = (
        Link(
            gettext_lazy("Edit"), "notify:channel-edit", "notify.channel", "change", for_object=True
        ),
        Link(
            gettext_lazy("Delete"),
            "notify:channel-delete",
            "notify.channel",
            "delete",
            for_object=True,
        ),
    )

    def get_context_data(self, obj: Channel) -> dict[str, Any]:
        stored = secrets_of(obj)
        settings_rows = []
        for spec in adapter_for(obj.kind).fields:
            if spec.secret:
                value = _("stored (hidden)") if stored.get(spec.name) else _("not set")
            else:
                value = obj.config.get(spec.name, "")
                value = dict(spec.choices).get(value, value) if spec.choices else value
            settings_rows.append({"label": spec.label, "value": value})
        log = DeliveryAttempt.objects.filter(delivery__channel=obj).select_related(
            "delivery__event"
        )[:20]
        return {
            "settings_rows": settings_rows,
            "log": log,
            "test_form": TestMessageForm(),
            "personal": obj.kind in (ChannelKind.EMAIL, ChannelKind.SMS),
            "may_test": self.may("change"),
        }


class ChannelTest(NotifyPage, PageView):
    """Queue a test message (the worker sends it; the log on the detail page shows how)."""

    model = Channel
    action = "change"
    http_method_names = ["post"]  # type: ignore[misc]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        channel = self.get_object("change")
        form = TestMessageForm(request.POST)
        address = form.cleaned_data["address"] if form.is_valid() else ""
        try:
            services.send_test_message(actor=self.actor, channel=channel, address=address)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("Test message queued: its outcome appears in the log below.")
            )
        return HttpResponseRedirect(reverse("notify:channel-detail", args=[channel.pk]))


class ChannelDelete(NotifyPage, ObjectDeleteView):
    model = Channel
    success_url_name = "notify:channel-list"

    def service_delete(self, *, obj: Any) -> None:
        services.delete_channel(actor=self.actor, channel=obj)


class DeliveryList(NotifyPage, ObjectListView):
    model = Delivery
    table_class = DeliveryTable
    filterset_class = DeliveryFilter
    title, tab = gettext_lazy("Delivery log"), "deliveries"
    select_related = ("event", "channel")
