"""Device and dead-letter pages: list, detail (token issue/rotate, shown once), add."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhiyang.core import actors
from zhiyang.core.access import access_object, require, restrict
from zhiyang.core.actors import user_of
from zhiyang.core.pagination import page_of
from zhiyang.telemetry import services
from zhiyang.telemetry.broker import topic_for
from zhiyang.telemetry.filters import DeadLetterFilter, DeviceFilter
from zhiyang.telemetry.forms import DeviceForm
from zhiyang.telemetry.labels import labelled_values
from zhiyang.telemetry.models import DeadLetter, Device


@require_GET
def device_list(request: HttpRequest) -> HttpResponse:
    require(request, "telemetry.device", "view")
    devices = restrict(Device.objects.select_related("equipment", "state"), request.user, "view")
    filterset = DeviceFilter(request.GET, queryset=devices, request=request)
    page = page_of(request, filterset.qs.order_by("code"))
    return render(
        request,
        "telemetry/device_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "devices": list(page.object_list),
            "total": filterset.qs.count(),
            "can_add": actors.may(request.user, "telemetry.device", "add"),  # type: ignore[union-attr]
        },
    )


def _detail(request: HttpRequest, device: Device, token: str | None = None) -> HttpResponse:
    letters = restrict(DeadLetter.objects.filter(device=device), request.user, "view")
    state = getattr(device, "state", None)
    return render(
        request,
        "telemetry/device_detail.html",
        {
            "device": device,
            "state": state,
            "values": labelled_values(state.values) if state is not None else [],
            "topic": topic_for(device.code),
            "token": token,
            "dead_letters": letters[:10],
            "dead_letter_count": letters.count(),
            "can_change": actors.may(request.user, "telemetry.device", "change"),  # type: ignore[union-attr]
        },
    )


@require_GET
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    device = access_object(Device.objects.select_related("equipment"), request.user, "view", pk=pk)
    return _detail(request, device)


@require_POST
def device_token(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue or rotate the token; the answer is the only time it is shown."""
    require(request, "telemetry.device", "change")
    device = access_object(Device.objects.all(), request.user, "change", pk=pk)
    token = services.issue_token(actor=user_of(request), device=device)
    device.refresh_from_db()
    response = _detail(request, device, token)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def device_active(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "telemetry.device", "change")
    device = access_object(Device.objects.all(), request.user, "change", pk=pk)
    active = request.POST.get("active") == "1"
    services.set_active(actor=user_of(request), device=device, active=active)
    messages.success(
        request, _("The device was reactivated.") if active else _("The device was deactivated.")
    )
    return redirect("telemetry:device-detail", pk=device.pk)


@require_http_methods(["GET", "POST"])
def device_add(request: HttpRequest) -> HttpResponse:
    require(request, "telemetry.device", "add")
    form = DeviceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.create_device(actor=user_of(request), data=form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("The device was registered; now issue its token."))
            return redirect("telemetry:device-detail", pk=device.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "telemetry/device_form.html", {"form": form}, status=status)


@require_GET
def deadletter_list(request: HttpRequest) -> HttpResponse:
    require(request, "telemetry.deadletter", "view")
    letters = restrict(DeadLetter.objects.all(), request.user, "view")
    filterset = DeadLetterFilter(request.GET, queryset=letters, request=request)
    page = page_of(request, filterset.qs)
    return render(
        request,
        "telemetry/deadletter_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "letters": list(page.object_list),
            "total": filterset.qs.count(),
        },
    )
