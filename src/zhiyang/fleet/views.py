"""Fleet pages: machines (list, detail with history), map, services due, utilisation, import."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhiyang.core import actors
from zhiyang.core.access import access_object, require, restrict
from zhiyang.core.actors import user_of
from zhiyang.core.pagination import page_of
from zhiyang.fleet import services
from zhiyang.fleet.choices import TYPE_COLOURS, EquipmentType, ServiceState
from zhiyang.fleet.filters import EquipmentFilter
from zhiyang.fleet.forms import ServiceRecordForm, TelematicsImportForm
from zhiyang.fleet.geo import positions_collection, route_features
from zhiyang.fleet.models import (
    Equipment,
    EquipmentAssignment,
    FaultCode,
    ServiceInterval,
    ServiceRecord,
    TelematicsSnapshot,
    TelematicsSource,
)
from zhiyang.fleet.policy import policy
from zhiyang.fleet.tasks import poll_sources
from zhiyang.fleet.telematics.parsers import Problem, TelematicsDocumentError
from zhiyang.network import mapview
from zhiyang.network.chainage import format_chainage
from zhiyang.network.models import Route

STATE_BADGES = {
    ServiceState.OVERDUE: "badge-danger",
    ServiceState.DUE: "badge-warn",
    ServiceState.OK: "badge-ok",
    ServiceState.UNKNOWN: "",
}


def _worst_states(machines: list[Equipment], user: Any) -> dict[int, Any]:
    intervals = restrict(
        ServiceInterval.objects.filter(equipment__in=machines), user, "view"
    ).select_related("equipment")
    worst: dict[int, Any] = {}
    rank = {ServiceState.OVERDUE: 0, ServiceState.DUE: 1}
    for row in services.due_services(intervals, only_due=True):
        current = worst.get(row.interval.equipment_id)
        if current is None or rank[ServiceState(row.state)] < rank[ServiceState(current.state)]:
            worst[row.interval.equipment_id] = row
    return worst


@require_GET
def equipment_list(request: HttpRequest) -> HttpResponse:
    """Machines in scope with last hours, last report and the most urgent service."""
    require(request, "fleet.equipment", "view")
    machines = restrict(Equipment.objects.all(), request.user, "view")
    filterset = EquipmentFilter(request.GET, queryset=machines, request=request)
    page = page_of(request, filterset.qs.order_by("code"))
    rows = list(page.object_list)
    can_services = actors.may(request.user, "fleet.serviceinterval", "view")
    worst = _worst_states(rows, request.user) if can_services else {}
    context = {
        "filter": filterset,
        "rows": [
            {
                "machine": m,
                "service": worst.get(m.pk),
                "badge": STATE_BADGES.get(worst[m.pk].state) if m.pk in worst else "",
            }
            for m in rows
        ],
        "page_obj": page,
        "total": filterset.qs.count(),
    }
    return render(request, "fleet/equipment_list.html", context)


def _chart_option(snapshots: list[TelematicsSnapshot]) -> dict[str, Any]:
    """An ECharts option (charts.js): cumulative operating hours and fuel used over time."""
    if not snapshots:
        return {"empty": True}
    times = [timezone.localtime(s.snapshot_at).strftime("%m-%d %H:%M") for s in snapshots]
    return {
        "tooltip": {"trigger": "axis", "valueFormatter": "@fixed1"},
        "legend": {"top": 0},
        "grid": {"left": 48, "right": 48, "top": 32, "bottom": 28},
        "xAxis": {"type": "category", "data": times},
        "yAxis": [
            {"type": "value", "name": _("h"), "scale": True},
            {"type": "value", "name": _("L"), "scale": True},
        ],
        "series": [
            {
                "name": _("Operating hours"),
                "type": "line",
                "showSymbol": False,
                "data": [s.operating_hours for s in snapshots],
            },
            {
                "name": _("Fuel used (L)"),
                "type": "line",
                "yAxisIndex": 1,
                "showSymbol": False,
                "data": [
                    round(s.fuel_used_l, 1) if s.fuel_used_l is not None else None
                    for s in snapshots
                ],
            },
        ],
    }


def _detail_context(
    request: HttpRequest, machine: Equipment, form: ServiceRecordForm | None
) -> dict[str, Any]:
    user = request.user
    snapshots = list(
        restrict(TelematicsSnapshot.objects.filter(equipment=machine), user, "view").order_by(
            "-snapshot_at"
        )[:120]
    )
    snapshots.reverse()
    faults = restrict(FaultCode.objects.filter(equipment=machine), user, "view")[:20]
    intervals = restrict(ServiceInterval.objects.filter(equipment=machine), user, "view")
    due = services.due_services(intervals)
    assignments = list(
        restrict(
            EquipmentAssignment.objects.filter(equipment=machine), user, "view"
        ).select_related("route")[:20]
    )
    today = timezone.localdate()
    start = today - timedelta(days=29)
    usage = services.utilisation([machine], start=start, end=today)[0]
    can_record = actors.may(user, "fleet.servicerecord", "add")
    if form is None and can_record:
        form = ServiceRecordForm(equipment=machine, initial={"date": today})
    return {
        "machine": machine,
        "snapshots": list(reversed(snapshots))[:30],
        "chart_option": _chart_option(snapshots),
        "faults": faults,
        "due": [{"row": r, "badge": STATE_BADGES.get(ServiceState(r.state), "")} for r in due],
        "assignments": [
            {
                "a": a,
                "start": format_chainage(a.start_m) if a.start_m is not None else "",
                "end": format_chainage(a.end_m) if a.end_m is not None else "",
            }
            for a in assignments
        ],
        "usage": usage,
        "usage_start": start,
        "usage_end": today,
        "form": form if can_record else None,
        "records": restrict(ServiceRecord.objects.filter(equipment=machine), user, "view")[:10],
    }


@require_GET
def equipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One machine: facts, last known state, history chart and table, faults, services."""
    machine = access_object(Equipment.objects.all(), request.user, "view", pk=pk)
    return render(request, "fleet/equipment_detail.html", _detail_context(request, machine, None))


@require_POST
def service_record_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The service record form of a machine's page."""
    require(request, "fleet.servicerecord", "add")
    machine = access_object(Equipment.objects.all(), request.user, "change", pk=pk)
    form = ServiceRecordForm(request.POST, equipment=machine)
    if form.is_valid():
        data = {**form.cleaned_data, "equipment": machine}
        try:
            services.record_service(actor=user_of(request), data=data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The service was recorded."))
            return redirect(reverse("fleet:equipment-detail", args=[machine.pk]) + "#services")
    context = _detail_context(request, machine, form)
    return render(request, "fleet/equipment_detail.html", context, status=400)


@require_GET
def fleet_map(request: HttpRequest) -> HttpResponse:
    """Last known positions on the map, coloured by machine type (legend in HTML)."""
    require(request, "fleet.equipment", "view")
    machines = restrict(Equipment.objects.all(), request.user, "view")
    present = set(machines.values_list("equipment_type", flat=True))
    legend = [
        {"label": label, "color": TYPE_COLOURS[value]}
        for value, label in EquipmentType.choices
        if value in present
    ]
    located = machines.filter(last_latitude__isnull=False).count()
    context = {
        "legend": legend,
        "located": located,
        "total": machines.count(),
        "geojson_url": reverse("fleet:map-data"),
        # The map fits this first, then asks for its view only (data-bbox).
        "extent": _map_extent(request.user, machines),
    }
    return render(request, "fleet/map.html", context)


def _map_extent(user: Any, machines: Any) -> str:
    """ "west,south,east,north" around the machines' positions and the routes in scope."""
    from django.db.models import Max, Min

    box = machines.aggregate(
        w=Min("last_longitude"),
        s=Min("last_latitude"),
        e=Max("last_longitude"),
        n=Max("last_latitude"),
    )
    routes = restrict(Route.objects.order_by(), user, "view").aggregate(
        w=Min("min_lon"), s=Min("min_lat"), e=Max("max_lon"), n=Max("max_lat")
    )
    values = []
    for key, pick in (("w", min), ("s", min), ("e", max), ("n", max)):
        known = [v for v in (box[key], routes[key]) if v is not None]
        if not known:
            return ""
        values.append(pick(known))
    return ",".join(f"{v:.5f}" for v in values)


@require_GET
def fleet_map_data(request: HttpRequest) -> JsonResponse:
    """The map page's layer: routes in scope (grey) under the machines' last positions."""
    require(request, "fleet.equipment", "view")
    # Bounded by the map's view (?bbox=&zoom=, network/mapview): machines in the box, route
    # lines overlapping it, simplified to the zoom and cached (no geometry decoded per call).
    view = mapview.parse_view(request.GET)
    machines = mapview.points_in(
        restrict(Equipment.objects.all(), request.user, "view"),
        view,
        "last_longitude",
        "last_latitude",
    )
    collection = positions_collection(machines)
    routes = list(
        mapview.routes_in(
            restrict(Route.objects.only("pk", "code", "name"), request.user, "view"), view
        ).order_by("code")
    )
    lines = mapview.RouteLines([r.pk for r in routes])
    collection["features"] = (
        route_features(routes, lambda r: lines.line(r.pk, None, None, view.zoom))
        + collection["features"]
    )
    return JsonResponse(collection, content_type="application/geo+json")


@require_GET
def service_list(request: HttpRequest) -> HttpResponse:
    """Service intervals by urgency (``?all=1`` includes those not yet due)."""
    require(request, "fleet.serviceinterval", "view")
    show_all = request.GET.get("all") == "1"
    intervals = restrict(ServiceInterval.objects.all(), request.user, "view")
    rows = services.due_services(intervals, only_due=not show_all)
    rules = policy()
    context = {
        "rows": [{"row": r, "badge": STATE_BADGES.get(ServiceState(r.state), "")} for r in rows],
        "show_all": show_all,
        "overdue": sum(1 for r in rows if r.state == ServiceState.OVERDUE),
        "due": sum(1 for r in rows if r.state == ServiceState.DUE),
        "due_percent": round(rules.due_hours_fraction * 100),
        "due_days": rules.due_days_before,
    }
    return render(request, "fleet/service_list.html", context)


@require_GET
def utilisation_view(request: HttpRequest) -> HttpResponse:
    """Engine hours against assigned days over a period (default: the last 30 days)."""
    require(request, "fleet.equipmentassignment", "view")
    today = timezone.localdate()
    end = parse_date(request.GET.get("end") or "") or today
    start = parse_date(request.GET.get("start") or "") or (end - timedelta(days=29))
    if start > end:
        start, end = end, start
    machines = restrict(Equipment.objects.all(), request.user, "view").order_by("code")
    rows = services.utilisation(machines, start=start, end=end)
    context = {
        "rows": rows,
        "start": start,
        "end": end,
        "shift_hours": policy().shift_hours,
    }
    return render(request, "fleet/utilisation.html", context)


@require_http_methods(["GET", "POST"])
def telematics_import(request: HttpRequest) -> HttpResponse:
    """Upload an ISO 15143-3 snapshot; a malformed one lists every problem, nothing written."""
    require(request, "fleet.telematicssnapshot", "add")
    problems: list[Problem] = []
    result = None
    if request.method == "POST":
        form = TelematicsImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = services.import_document(
                    upload.read(),
                    actor=user_of(request),
                    organisation=request.user.organisation,  # type: ignore[union-attr]
                    filename=upload.name or "",
                    content_type=getattr(upload, "content_type", "") or "",
                    create_unknown=form.cleaned_data["create_unknown"],
                )
            except TelematicsDocumentError as exc:
                problems = exc.problems
                messages.error(request, exc.message())
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The fleet snapshot was imported."))
                form = TelematicsImportForm()
    else:
        form = TelematicsImportForm()
    return render(
        request,
        "fleet/import.html",
        {
            "form": form,
            "problems": problems,
            "summary_rows": result.labelled() if result else None,
            "unknown": result.unknown if result else [],
            "sources": restrict(TelematicsSource.objects.all(), request.user, "view"),
            "can_poll": actors.may(request.user, "fleet.telematicssource", "change"),  # type: ignore[union-attr]
        },
    )


@require_POST
def source_poll(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a poll of one source for the worker (a poll may take minutes: not in a request)."""
    source = access_object(TelematicsSource.objects.all(), request.user, "change", pk=pk)
    poll_sources.enqueue(source.pk)
    messages.success(
        request, _("A poll of %(source)s was queued; the worker runs it.") % {"source": source.name}
    )
    return redirect("fleet:import")
