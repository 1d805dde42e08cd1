"""The alarm list (on the page frame, with the API's FilterSet) and its two actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhiyang.core.access import access_object, require
from zhiyang.core.actors import user_of
from zhiyang.core.pages import Link, ObjectListView
from zhiyang.telemetry import alarms as alarm_services
from zhiyang.telemetry.filters import AlarmFilter
from zhiyang.telemetry.models import Alarm
from zhiyang.telemetry.tables import AlarmTable
from zhiyang.telemetry.views.live import alarm_payload


class AlarmList(ObjectListView):
    """Alarms with filters, the open ones unless asked otherwise; acknowledge and resolve
    buttons for those who may."""

    model = Alarm
    table_class = AlarmTable
    filterset_class = AlarmFilter
    title = gettext_lazy("Alarms")
    head_template = "telemetry/includes/live_head.html"
    select_related = ("equipment", "device", "project", "acknowledged_by", "resolved_by")
    actions = (Link(gettext_lazy("Live machines"), "telemetry:live", "telemetry.alarm"),)

    def filter_data(self) -> Any:
        data = self.request.GET.copy()
        if not data.get("status"):
            data["status"] = "open"
        return data


alarm_list = AlarmList.as_view()


@require_POST
def alarm_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Acknowledge or resolve (POST, CSRF); JSON for fetch, a redirect for a form."""
    require(request, "telemetry.alarm", "change")
    alarm = access_object(Alarm.objects.all(), request.user, "change", pk=pk)
    service = {
        "acknowledge": alarm_services.acknowledge_alarm,
        "resolve": alarm_services.resolve_alarm,
    }[action]
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        alarm = service(actor=user_of(request), alarm=alarm)
    except ValidationError as exc:
        if wants_json:
            return JsonResponse(
                {"error": {"code": "invalid", "message": exc.messages[0]}}, status=400
            )
        messages.error(request, exc.messages[0])
    else:
        if wants_json:
            return JsonResponse(alarm_payload(alarm))
        messages.success(request, _("Alarm updated."))
    target = request.POST.get("next") or reverse("telemetry:alarm-list")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = reverse("telemetry:alarm-list")
    return redirect(target)
