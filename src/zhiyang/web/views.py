"""Pages of the UI shell: the network dashboard and the network map."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from zhiyang.core.access import restrict, restrict_for_totals, scope_of
from zhiyang.network.choices import AdminLevel, Direction, Pavement, TechClass
from zhiyang.network.models import District, Route, Section
from zhiyang.web.tiles import tiles_for

# Length of a row in metres, computed in the database.
LENGTH_M = F("end_m") - F("start_m")


def _bars(rows: list[tuple[Any, float]]) -> dict[str, Any]:
    """Bar chart rows (largest first) with widths relative to the largest bar."""
    rows = sorted((r for r in rows if r[1] > 0), key=lambda r: -r[1])
    total_km = sum(km for _label, km in rows)
    top_km = rows[0][1] if rows else 0.0
    return {
        "total_km": total_km,
        "rows": [
            {
                "label": label,
                "km": km,
                "width": round(100 * km / top_km, 1) if top_km else 0,
                "share": round(100 * km / total_km) if total_km else 0,
            }
            for label, km in rows
        ],
    }


def _grouped_km(queryset: QuerySet[Any], field: str) -> dict[Any, float]:
    rows = queryset.values(field).annotate(length_m=Sum(LENGTH_M)).order_by()
    return {row[field]: (row["length_m"] or 0.0) / 1000 for row in rows}


def network_kpis(user: Any) -> dict[str, Any]:
    """Network KPIs for the user's scope, aggregated in the database.

    Which lengths are summed: the total and the breakdowns by technical class and by
    administrative level use route lengths (class and level are route attributes, and the
    total then agrees with ``zhiyang network summary``). Districts and the surface actually
    laid are attributes of sections, so those breakdowns sum section lengths; a divided
    highway's down-direction sections are left out there so each stretch of road counts once.
    """
    routes = restrict_for_totals(Route.objects.order_by(), user)
    sections = restrict_for_totals(Section.objects.order_by(), user)
    road_sections = sections.filter(~Q(direction=Direction.DOWN))

    totals = routes.aggregate(length_m=Sum(LENGTH_M))
    by_class = _grouped_km(routes, "tech_class")
    by_level = _grouped_km(routes, "admin_level")
    by_pavement = _grouped_km(road_sections, "pavement")
    by_district_id = _grouped_km(road_sections, "district")

    districts = District.objects.filter(pk__in=by_district_id.keys()).only("name", "name_en")
    district_names = {d.pk: d.display_name for d in districts}

    return {
        "length_km": (totals["length_m"] or 0.0) / 1000,
        "routes": routes.count(),
        "sections": sections.count(),
        "districts": restrict(District.objects.all(), user, "view").count(),
        "by_class": _bars(
            [(label, by_class.get(value, 0.0)) for value, label in TechClass.choices]
        ),
        "by_level": _bars(
            [(label, by_level.get(value, 0.0)) for value, label in AdminLevel.choices]
        ),
        "by_pavement": _bars(
            [(label, by_pavement.get(value, 0.0)) for value, label in Pavement.choices]
        ),
        "by_district": _bars(
            [(district_names.get(pk) or str(pk), km) for pk, km in by_district_id.items()]
        ),
    }


def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    organisation = getattr(user, "organisation", None)
    context = {
        "kpis": network_kpis(user),
        "tiles": tiles_for(user),
        "scope_everything": scope_of(user).everything,
        "organisation": organisation,
        "show_map": user.may("network.section", "view"),  # type: ignore[union-attr]
        "geojson_url": reverse("section-geojson"),
        "extent": network_extent(user),
    }
    return render(request, "web/dashboard.html", context)


def network_extent(user: Any) -> str:
    """ "west,south,east,north" of the routes in scope: bounded maps fit it, then ask for
    their view's sections only (data-bbox)."""
    from django.db.models import Max, Min

    box = restrict_for_totals(Route.objects.order_by(), user).aggregate(
        w=Min("min_lon"), s=Min("min_lat"), e=Max("max_lon"), n=Max("max_lat")
    )
    if box["w"] is None:
        return ""
    return ",".join(f"{box[k]:.5f}" for k in ("w", "s", "e", "n"))


def network_map(request: HttpRequest) -> HttpResponse:
    if not request.user.may("network.section", "view"):  # type: ignore[union-attr]
        raise PermissionDenied
    context = {"geojson_url": reverse("section-geojson"), "extent": network_extent(request.user)}
    return render(request, "web/map.html", context)
