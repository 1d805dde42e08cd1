"""Pages of the UI shell: the network dashboard and the network map."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from zhiyang.core.access import restrict, scope_of
from zhiyang.network.choices import AdminLevel, Direction, Pavement, TechClass
from zhiyang.network.models import District, Route, Section

SECTIONS_GEOJSON_PATH = "/api/v1/network/sections/geojson/"

# Length of a row in metres, computed in the database.
LENGTH_M = F("end_m") - F("start_m")


def sections_geojson_url() -> str:
    """URL of the sections GeoJSON endpoint (built by the network app's API)."""
    for name in ("network-api:section-geojson", "api:section-geojson", "section-geojson"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return SECTIONS_GEOJSON_PATH


def _in_scope(model: type[Route] | type[Section] | type[District], user: Any) -> QuerySet[Any]:
    """The user's rows as ``pk__in`` a subquery.

    ``restrict`` may join across sections (a route is in scope through its sections) and adds
    DISTINCT; summing over that join would count a row once per joined section, so the sums
    below run on a plain queryset filtered by the scoped primary keys instead.
    """
    scoped = restrict(model.objects.all(), user, "view")
    if scope_of(user).everything:
        return scoped.order_by()
    return model.objects.filter(pk__in=scoped.values("pk")).order_by()


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
    routes = _in_scope(Route, user)
    sections = _in_scope(Section, user)
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
        "districts": _in_scope(District, user).count(),
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
        "scope_everything": scope_of(user).everything,
        "organisation": organisation,
        "show_map": user.may("network.section", "view"),  # type: ignore[union-attr]
        "geojson_url": sections_geojson_url(),
    }
    return render(request, "web/dashboard.html", context)


def network_map(request: HttpRequest) -> HttpResponse:
    if not request.user.may("network.section", "view"):  # type: ignore[union-attr]
        raise PermissionDenied
    return render(request, "web/map.html", {"geojson_url": sections_geojson_url()})
