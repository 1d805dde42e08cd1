"""One's own notification settings: quiet hours, digest hour, language, and per kind the
channels (or the role's default) and the daily digest."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy

from zhiyang.core.forms import add_service_errors
from zhiyang.core.pages import PageView
from zhiyang.notify import services
from zhiyang.notify.forms import PreferenceForm
from zhiyang.notify.models import InboxItem, Preference
from zhiyang.notify.views.base import NotifyPage


class Preferences(NotifyPage, PageView):
    model = InboxItem  # everyone with an inbox has settings
    template_name = "notify/preferences.html"
    title, tab = gettext_lazy("My notification settings"), "preferences"
    intro = gettext_lazy(
        "What reaches you and how. Group robots are set per organisation by administrators."
    )
    http_method_names = ["get", "head", "post"]  # type: ignore[misc]

    def form(self) -> PreferenceForm:
        user = self.actor
        pref = Preference.objects.filter(user=user).first()
        data = self.request.POST if self.request.method == "POST" else None
        return PreferenceForm(data, user=user, preference=pref)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("view")
        return self.render({**self.page_context(), "form": self.form()})

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.require("view")
        form = self.form()
        if form.is_valid():
            own, reset = form.subscription_data()
            try:
                services.save_preferences(
                    actor=self.actor,
                    user=self.actor,
                    preference=form.preference_data(),
                    subscriptions=own,
                )
                for kind in reset:
                    services.reset_subscription(actor=self.actor, user=self.actor, kind=kind)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, str(gettext_lazy("Saved.")))
                return HttpResponseRedirect(reverse("notify:preferences"))
        return self.render({**self.page_context(), "form": form}, status=200)
