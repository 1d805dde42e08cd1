"""The live page (map, machines, active alarms), its server-sent event stream, the alarm
list with its actions, and the paving setup of a project.

Rows come only through ``core.access.restrict`` / ``access_object``; the stream restricts
every poll the same way, so a user sees the machines of their organisation only.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zhiyang.core.access import access_object, may, require, restrict
from zhiyang.core.actors import user_of
from zhiyang.core.forms import add_service_errors
from zhiyang.fleet.choices import TYPE_COLOURS, EquipmentType
from zhiyang.fleet.geo import route_features
from zhiyang.network.models import Route
from zhiyang.telemetry import alarms as alarm_services
from zhiyang.telemetry.labels import FIELD_LABELS
from zhiyang.telemetry.live import state_payload
from zhiyang.telemetry.models import (
    OPEN_ALARM_STATUSES,
    Alarm,
    AlarmStatus,
    DeviceState,
    PavingSetup,
    Severity,
)
from zhiyang.works.models import Project

#: Rows seen in the last poll window are looked at again: a row written by a process whose
#: clock read ``now`` before another's commit still reaches the page.
OVERLAP = timedelta(seconds=2)


def stream_seconds() -> float:
    return float(getattr(settings, "TELEMETRY_STREAM_SECONDS", 55.0))


def poll_seconds() -> float:
    return float(getattr(settings, "TELEMETRY_STREAM_POLL_SECONDS", 0.5))


def heartbeat_seconds() -> float:
    return float(getattr(settings, "TELEMETRY_STREAM_HEARTBEAT_SECONDS", 15.0))


def alarm_payload(alarm: Alarm) -> dict[str, Any]:
    return {
        "id": alarm.pk,
        "device": alarm.device_id,
        "equipment": alarm.equipment_id,
        "equipment_code": alarm.equipment.code,
        "project": alarm.project_id,
        "rule": alarm.rule,
        "rule_label": alarm_services.rule_label(alarm.rule),
        "message": alarm.message(),
        "severity": alarm.severity,
        "severity_label": alarm.get_severity_display(),
        "status": alarm.status,
        "status_label": alarm.get_status_display(),
        "value": alarm.value,
        "limit": alarm.limit,
        "unit": alarm.unit,
        "started_at": alarm.started_at.isoformat(),
        "raised_at": alarm.raised_at.isoformat(),
        "last_seen_at": alarm.last_seen_at.isoformat(),
        "notified_roles": alarm.notified_roles,
    }


def _project_filter(request: HttpRequest) -> Project | None:
    raw = request.GET.get("project") or ""
    if not raw:
        return None
    return access_object(Project.objects.all(), request.user, "view", pk=raw)


def _states(user: Any, project: Project | None) -> QuerySet[DeviceState]:
    rows = restrict(DeviceState.objects.all(), user, "view").select_related("device__equipment")
    return rows.filter(project=project) if project is not None else rows


def _alarms(user: Any, project: Project | None) -> QuerySet[Alarm]:
    rows = restrict(Alarm.objects.all(), user, "view").select_related("equipment")
    return rows.filter(project=project) if project is not None else rows


def _us(value: datetime) -> int:
    return int(value.timestamp() * 1_000_000)


def _from_us(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1_000_000, UTC)


def _labels() -> dict[str, Any]:
    return {
        "types": {value: str(label) for value, label in EquipmentType.choices},
        "colours": TYPE_COLOURS,
        "severity": {value: str(label) for value, label in Severity.choices},
        "status": {value: str(label) for value, label in AlarmStatus.choices},
        "fields": {name: str(label) for name, label in FIELD_LABELS.items()},
        "acknowledge": _("Acknowledge"),
        "resolve": _("Resolve"),
        "no_alarms": _("No active alarms."),
        "no_machines": _("No machine has reported yet."),
        "ago_s": _("%s s ago"),
        "ago_min": _("%s min ago"),
        "connected": _("Live"),
        "reconnecting": _("Reconnecting…"),
        "on": _("on"),
        "off": _("off"),
        "failed": _("The action failed."),
    }


@require_GET
def live_page(request: HttpRequest) -> HttpResponse:
    """Machines on the map and in a table, with their alarms, updated as readings arrive."""
    require(request, "telemetry.devicestate", "view")
    project = _project_filter(request)
    now = timezone.now()
    states = list(_states(request.user, project).order_by("device__code"))
    open_alarms = list(_alarms(request.user, project).filter(status__in=OPEN_ALARM_STATUSES))
    projects = restrict(Project.objects.all(), request.user, "view").order_by("code")
    stream = reverse("telemetry:live-stream")
    query = f"?since={_us(now)}.{_us(now)}"
    if project is not None:
        query += f"&project={project.pk}"
    context = {
        "project": project,
        "projects": projects[:200],
        "initial": {
            "states": [state_payload(s) for s in states],
            "alarms": [alarm_payload(a) for a in open_alarms],
            "now": now.isoformat(),
        },
        "labels": _labels(),
        "stream_url": stream + query,
        "geojson_url": reverse("telemetry:live-map-data")
        + (f"?project={project.pk}" if project else ""),
        "can_change": may(request.user, Alarm, "change"),
        "can_setup": may(request.user, PavingSetup, "change"),
    }
    return render(request, "telemetry/live.html", context)


@require_GET
def live_map_data(request: HttpRequest) -> JsonResponse:
    """The routes under the machines (the machines themselves are drawn by live.js)."""
    require(request, "telemetry.devicestate", "view")
    project = _project_filter(request)
    routes = restrict(Route.objects.all(), request.user, "view").order_by("code")
    if project is not None:
        routes = routes.filter(pk=project.route_id)
    collection = {"type": "FeatureCollection", "features": route_features(routes)}
    return JsonResponse(collection, content_type="application/geo+json")


def _parse_cursor(raw: str) -> tuple[int, int] | None:
    parts = raw.strip().split(".")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def _event(name: str, data: Any, event_id: str) -> str:
    return f"id: {event_id}\nevent: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _stream(user: Any, project: Project | None, state_us: int, alarm_us: int) -> Iterator[str]:
    """Poll for new states and alarm changes; end after ``stream_seconds`` (the browser's
    EventSource reconnects with Last-Event-ID)."""
    start = time.monotonic()
    deadline = start + stream_seconds()
    beat_every = heartbeat_seconds()
    poll = poll_seconds()
    last_beat = start
    sent_states: dict[int, int] = {}
    sent_alarms: dict[int, int] = {}
    high_s, high_a = state_us, alarm_us
    yield "retry: 1000\n: stream open\n\n"
    while True:
        out: list[str] = []
        since = _from_us(high_s) - OVERLAP
        for state in _states(user, project).filter(updated_at__gt=since).order_by("updated_at"):
            stamp = _us(state.updated_at)
            if stamp > sent_states.get(state.pk, state_us):
                sent_states[state.pk] = stamp
                high_s = max(high_s, stamp)
                out.append(_event("state", state_payload(state), f"{high_s}.{high_a}"))
        since = _from_us(high_a) - OVERLAP
        for alarm in _alarms(user, project).filter(changed_at__gt=since).order_by("changed_at"):
            stamp = _us(alarm.changed_at)
            if stamp > sent_alarms.get(alarm.pk, alarm_us):
                sent_alarms[alarm.pk] = stamp
                high_a = max(high_a, stamp)
                out.append(_event("alarm", alarm_payload(alarm), f"{high_s}.{high_a}"))
        clock = time.monotonic()
        if out:
            yield "".join(out)
        elif clock - last_beat >= beat_every:
            last_beat = clock
            yield ": heartbeat\n\n"
        if clock >= deadline:
            return
        time.sleep(min(poll, max(0.0, deadline - clock)))


@require_GET
def live_stream(request: HttpRequest) -> HttpResponseBase:
    """Server-sent events: ``state`` (a device's latest reading) and ``alarm`` (raised,
    changed or resolved), as JSON, for the user's scope (and ``?project=``)."""
    require(request, "telemetry.devicestate", "view")
    project = _project_filter(request)
    now = _us(timezone.now())
    cursor = _parse_cursor(request.headers.get("Last-Event-ID", "")) or _parse_cursor(
        request.GET.get("since", "")
    )
    state_us, alarm_us = cursor or (now, now)
    # No older than the overlap window's limit: a stale cursor does not replay history.
    floor = now - 10 * 60 * 1_000_000
    state_us, alarm_us = max(state_us, floor), max(alarm_us, floor)
    response = StreamingHttpResponse(
        _stream(request.user, project, state_us, alarm_us), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


# --------------------------------------------------------------------------- setup


class PavingSetupForm(forms.ModelForm):  # type: ignore[type-arg]
    roller_phases = forms.JSONField(label=_("Roller roles"), required=False)
    overrides = forms.JSONField(label=_("Threshold overrides"), required=False)

    class Meta:
        model = PavingSetup
        fields = [
            "binder_grade",
            "season",
            "mix_type",
            "design_thickness_mm",
            "tolerance_mm",
            "max_gap_m",
            "max_gap_s",
            "paver_stop_s",
            "target_passes",
            "spray_base",
            "spray_product",
            "debounce_s",
            "roller_phases",
            "overrides",
        ]

    def clean_roller_phases(self) -> Any:
        return self.cleaned_data.get("roller_phases") or {}

    def clean_overrides(self) -> Any:
        return self.cleaned_data.get("overrides") or {}


@require_http_methods(["GET", "POST"])
def setup_edit(request: HttpRequest, project_pk: int) -> HttpResponse:
    """A project's paving setup: mix, season, roller roles, limits (engineers)."""
    require(request, "telemetry.pavingsetup", "view")
    project = access_object(Project.objects.all(), request.user, "view", pk=project_pk)
    setup = PavingSetup.objects.filter(project=project).first()
    if setup is not None:
        setup = access_object(PavingSetup.objects.all(), request.user, "view", pk=setup.pk)
    action = "add" if setup is None else "change"
    may_edit = may(request.user, PavingSetup, action)
    form = PavingSetupForm(request.POST or None, instance=setup)
    if request.method == "POST":
        require(request, "telemetry.pavingsetup", action)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in PavingSetupForm.Meta.fields}
            data["project"] = project
            try:
                alarm_services.save_setup(actor=user_of(request), data=data, setup=setup)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Paving setup saved."))
                return redirect(reverse("telemetry:setup", kwargs={"project_pk": project.pk}))
    from zhiyang.telemetry.live import config_of_setup

    config = config_of_setup(setup)
    thresholds = [
        {
            "rule": alarm_services.rule_label(rule),
            "min": limit.min,
            "max": limit.max,
            "unit": limit.unit,
            "source": limit.source,
        }
        for rule, limit in config.limits.items()
    ]
    context = {
        "project": project,
        "setup": setup,
        "form": form,
        "may_edit": may_edit,
        "thresholds": thresholds,
    }
    return render(request, "telemetry/setup.html", context)
