"""Network pages: route list, route detail with its sections, import and export."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zhiyang.core import actors
from zhiyang.core.access import access_object, require, restrict
from zhiyang.core.actors import user_of
from zhiyang.core.pagination import page_of
from zhiyang.network import importexport
from zhiyang.network.api.views import export_response, template_response
from zhiyang.network.chainage import format_chainage
from zhiyang.network.filters import RouteFilter
from zhiyang.network.forms import NetworkImportForm
from zhiyang.network.models import Route, Section
from zhiyang.network.services import locate_field_point


@require_GET
def route_list(request: HttpRequest) -> HttpResponse:
    """Routes in the user's scope, filterable, with length, districts and section counts."""
    require(request, "network.route", "view")
    routes = restrict(Route.objects.all(), request.user, "view")
    filterset = RouteFilter(request.GET, queryset=routes, request=request)
    page = page_of(request, filterset.qs.order_by("code"))
    route_rows = list(page.object_list)
    # Totals of every matching route, not just this page.
    totals = Route.objects.filter(pk__in=filterset.qs.values("pk")).aggregate(
        routes=Count("pk"), length_m=Sum(F("end_m") - F("start_m"))
    )
    sections = restrict(
        Section.objects.filter(route__in=[r.pk for r in route_rows]).select_related("district"),
        request.user,
        "view",
    )
    counts: dict[int, int] = defaultdict(int)
    districts: dict[int, dict[str, str]] = defaultdict(dict)
    for section in sections:
        counts[section.route_id] += 1
        districts[section.route_id][section.district.code] = section.district.display_name
    rows = [
        {
            "route": route,
            "length_km": route.length_m / 1000.0,
            "districts": [districts[route.pk][c] for c in sorted(districts[route.pk])],
            "sections": counts[route.pk],
        }
        for route in route_rows
    ]
    context = {
        "filter": filterset,
        "rows": rows,
        "page_obj": page,
        "total_routes": totals["routes"],
        "total_km": (totals["length_m"] or 0.0) / 1000.0,
        "can_import": actors.may(request.user, "network.section", "add"),  # type: ignore[union-attr]
    }
    return render(request, "network/route_list.html", context)


@require_GET
def route_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One route (404 when missing or outside the scope) with its sections by chainage."""
    route = access_object(Route.objects.all(), request.user, "view", code=code)
    sections = restrict(
        Section.objects.filter(route=route).select_related("district"), request.user, "view"
    ).order_by("start_m", "direction")
    rows = [
        {
            "section": s,
            "start": format_chainage(s.start_m),
            "end": format_chainage(s.end_m),
            "length_km": s.length_m / 1000.0,
        }
        for s in sections
    ]
    geojson_url = reverse("section-geojson") + "?" + urlencode({"route": route.code})
    context = {
        "route": route,
        "rows": rows,
        "start": format_chainage(route.start_m),
        "end": format_chainage(route.end_m),
        "length_km": route.length_m / 1000.0,
        "geojson_url": geojson_url,
    }
    return render(request, "network/route_detail.html", context)


@require_http_methods(["GET", "POST"])
def network_import(request: HttpRequest) -> HttpResponse:
    """Upload a network file; every error is listed by row and column, nothing half-done."""
    require(request, "network.section", "add")
    errors: list[importexport.RowError] = []
    summary_rows: list[tuple[str, int]] | None = None
    if request.method == "POST":
        form = NetworkImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = importexport.import_network_data(
                    upload.read(), filename=upload.name, actor=user_of(request)
                )
            except importexport.ImportValidationError as exc:
                errors = exc.errors
                messages.error(request, exc.message())
            else:
                summary_rows = result.labelled()
                messages.success(request, _("The network file was imported."))
                form = NetworkImportForm()
    else:
        form = NetworkImportForm()
    return render(
        request,
        "network/import.html",
        {"form": form, "errors": errors, "summary_rows": summary_rows},
    )


@require_GET
def network_export(request: HttpRequest) -> HttpResponse:
    """Download the network in the user's scope (``?format=geojson|xlsx``) or the template
    (``?format=template``)."""
    require(request, "network.section", "view")
    kind = request.GET.get("format", "geojson")
    if kind == "template":
        return template_response()
    if kind not in ("geojson", "xlsx"):
        kind = "geojson"
    try:
        return export_response(request.user, kind)
    except importexport.ExportError as exc:
        messages.error(request, str(exc))
        return redirect("network:route-list")


@require_GET
def locate_point(request: HttpRequest) -> JsonResponse:
    """Where a GPS point lies: route and chainage (JSON for the phone forms' GPS button,
    web/static/web/locate.js); 404 with a message when no route in scope is near."""
    require(request, "network.route", "view")
    try:
        lon = float(request.GET["lon"])
        lat = float(request.GET["lat"])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError
    except (KeyError, ValueError):
        return JsonResponse({"error": _("Give lon and lat in degrees.")}, status=400)
    try:
        found = locate_field_point(actor=user_of(request), lon=lon, lat=lat)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=404)
    return JsonResponse(
        {
            "route": found.route.code,
            "route_id": found.route.pk,
            "route_name": found.route.name,
            "chainage_m": round(found.chainage_m, 1),
            "chainage": format_chainage(found.chainage_m),
            "distance_m": round(found.distance_m, 1),
        }
    )
