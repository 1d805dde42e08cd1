"""The network API: districts, routes, sections (JSON and GeoJSON), linear referencing,
import and export. Everything is restricted to the user's scope (core/access.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhiyang.core.access import restrict
from zhiyang.core.actors import user_of
from zhiyang.core.api.errors import error_response
from zhiyang.core.api.viewsets import ScopedModelViewSet
from zhiyang.network import importexport, linref, mapview, services
from zhiyang.network.api.serializers import (
    ChainagePointSerializer,
    ChainageQuerySerializer,
    DistrictSerializer,
    ImportRequestSerializer,
    ImportSummarySerializer,
    LocateQuerySerializer,
    LocationSerializer,
    RouteSerializer,
    SectionSerializer,
)
from zhiyang.network.chainage import format_chainage
from zhiyang.network.filters import RouteFilter, SectionFilter
from zhiyang.network.models import District, Route, Section

FEATURE_COLLECTION = OpenApiResponse(
    response=OpenApiTypes.OBJECT, description="A GeoJSON FeatureCollection."
)


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class XlsxRenderer(BaseRenderer):
    """Passes workbook bytes through; anything else (an error) is written as JSON."""

    media_type = importexport.XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> bytes:
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False).encode()


def route_feature(route: Route) -> dict[str, Any]:
    props = {
        "id": route.pk,
        "code": route.code,
        "name": route.name,
        "name_en": route.name_en,
        "admin_level": route.admin_level,
        "tech_class": route.tech_class,
        "pavement": route.pavement,
        "start_m": route.start_m,
        "end_m": route.end_m,
        "start": format_chainage(route.start_m),
        "end": format_chainage(route.end_m),
        "length_m": route.length_m,
    }
    return importexport.feature(props, route.geometry)


def section_feature(section: Section) -> dict[str, Any]:
    props = {
        "id": section.pk,
        "route": section.route.code,
        "route_name": section.route.name,
        "direction": section.direction,
        "start_m": section.start_m,
        "end_m": section.end_m,
        "start": format_chainage(section.start_m),
        "end": format_chainage(section.end_m),
        "length_m": section.length_m,
        "lanes": section.lanes,
        "width_m": section.width_m,
        "pavement": section.pavement,
        "district": section.district.code,
        "district_name": section.district.display_name,
    }
    return importexport.feature(props, section.geometry)


class _GeoJSONListMixin:
    """``<list>/geojson/`` and ``<list>/?format=geojson``: the filtered rows as features."""

    renderer_classes: Sequence[type[BaseRenderer]] = [JSONRenderer, GeoJSONRenderer]

    def to_feature(self, obj: Any) -> dict[str, Any]:
        raise NotImplementedError

    def feature_collection(self) -> Response:
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        return Response(
            {"type": "FeatureCollection", "features": [self.to_feature(o) for o in queryset]},
            content_type="application/geo+json",
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if getattr(request.accepted_renderer, "format", None) == "geojson":
            return self.feature_collection()
        return super().list(request, *args, **kwargs)  # type: ignore[misc]

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if getattr(request.accepted_renderer, "format", None) == "geojson":
            obj = self.get_object()  # type: ignore[attr-defined]
            return Response(self.to_feature(obj), content_type="application/geo+json")
        return super().retrieve(request, *args, **kwargs)  # type: ignore[misc]


class DistrictViewSet(ScopedModelViewSet):
    """Districts and counties (区/县) by division code."""

    queryset = District.objects.all()
    serializer_class = DistrictSerializer
    lookup_field = "code"
    filterset_fields = ["code"]
    ordering_fields = ["code", "name"]

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_district(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, District)
        return services.update_district(actor=user_of(self.request), district=obj, data=data)

    def service_delete(self, *, obj: models.Model) -> None:
        assert isinstance(obj, District)
        services.delete_district(actor=user_of(self.request), district=obj)


class RouteViewSet(_GeoJSONListMixin, ScopedModelViewSet):
    """Routes (G208, S203 …) with their centre line; ``?format=geojson`` or ``geojson/``
    gives a FeatureCollection."""

    queryset = Route.objects.all()
    serializer_class = RouteSerializer
    filterset_class = RouteFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    ordering_fields = ["code", "name", "start_m", "end_m"]

    def to_feature(self, obj: Any) -> dict[str, Any]:
        return route_feature(obj)

    @extend_schema(responses={200: FEATURE_COLLECTION})
    @action(detail=False, url_path="geojson", pagination_class=None)
    def geojson(self, request: Request) -> Response:
        return self.feature_collection()

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_route(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, Route)
        return services.update_route(actor=user_of(self.request), route=obj, data=data)

    def service_delete(self, *, obj: models.Model) -> None:
        assert isinstance(obj, Route)
        services.delete_route(actor=user_of(self.request), route=obj)


class SectionViewSet(_GeoJSONListMixin, ScopedModelViewSet):
    """Sections of routes; geometry is derived from the route. ``geojson/`` gives the
    filtered sections as a FeatureCollection."""

    queryset = Section.objects.select_related("route", "district")
    serializer_class = SectionSerializer
    filterset_class = SectionFilter
    ordering_fields = ["start_m", "end_m", "route__code"]

    def to_feature(self, obj: Any) -> dict[str, Any]:
        return section_feature(obj)

    @extend_schema(responses={200: FEATURE_COLLECTION})
    @action(detail=False, url_path="geojson", pagination_class=None)
    def geojson(self, request: Request) -> Response:
        """The filtered sections; ``bbox`` bounds them to a view (shared FilterSet) and a
        ``zoom`` below the detail zoom simplifies each line to a screen pixel."""
        view = mapview.parse_view(request.query_params)
        queryset = self.filter_queryset(self.get_queryset()).defer("route__geometry")
        features = []
        for section in queryset:
            feature = section_feature(section)
            geometry = feature.get("geometry")
            if not view.detailed and geometry and geometry.get("type") == "LineString":
                coords = mapview.simplify(geometry["coordinates"], view.zoom)
                feature["geometry"] = {"type": "LineString", "coordinates": coords}
            features.append(feature)
        return Response(
            {"type": "FeatureCollection", "features": features},
            content_type="application/geo+json",
        )

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_section(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, Section)
        return services.update_section(actor=user_of(self.request), section=obj, data=data)

    def service_delete(self, *, obj: models.Model) -> None:
        assert isinstance(obj, Section)
        services.delete_section(actor=user_of(self.request), section=obj)


class LocateView(APIView):
    """The nearest route to a map point (within the user's scope): chainage and offset."""

    scoped_model = Route

    @extend_schema(
        parameters=[LocateQuerySerializer],
        responses={200: LocationSerializer, 404: OpenApiResponse(description="No route near.")},
    )
    def get(self, request: Request) -> Response:
        query = LocateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        routes = restrict(Route.objects.filter(geometry__isnull=False), request.user, "view")
        if params.get("route"):
            routes = routes.filter(code__iexact=params["route"])
        found = linref.locate(
            params["lon"], params["lat"], routes, max_distance_m=params.get("max_distance_m")
        )
        if found is None:
            raise exceptions.NotFound(_("No route found near this point."))
        lon, lat = linref.point_at(found.route, found.chainage_m)
        data = {
            "route": found.route.code,
            "route_name": found.route.name,
            "chainage_m": round(found.chainage_m, 2),
            "chainage": format_chainage(found.chainage_m, 1),
            "offset_m": round(found.offset_m, 2),
            "distance_m": round(found.distance_m, 2),
            "lon": round(lon, linref.COORD_DECIMALS),
            "lat": round(lat, linref.COORD_DECIMALS),
        }
        return Response(LocationSerializer(data).data)


class ChainagePointView(APIView):
    """The map point of a chainage on a route (``?route=G208&chainage=K12+345``)."""

    scoped_model = Route

    @extend_schema(
        parameters=[
            OpenApiParameter("route", str, description="Route code, e.g. G208.", required=True),
            OpenApiParameter("chainage", str, description="Metres or K12+345.6.", required=True),
        ],
        responses={200: ChainagePointSerializer},
    )
    def get(self, request: Request) -> Response:
        query = ChainageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        routes = restrict(Route.objects.all(), request.user, "view")
        route = routes.filter(code__iexact=params["route"]).first()
        if route is None:
            raise exceptions.NotFound(_("No such route."))
        chainage_m = params["chainage"]
        if not route.covers(chainage_m):
            raise exceptions.ValidationError(
                {
                    "chainage": [
                        _("The chainage is outside the route (%(start)s–%(end)s).")
                        % {
                            "start": format_chainage(route.start_m),
                            "end": format_chainage(route.end_m),
                        }
                    ]
                }
            )
        if route.geometry is None:
            raise exceptions.ValidationError({"route": [_("This route has no geometry.")]})
        lon, lat = linref.point_at(route, chainage_m)
        data = {
            "route": route.code,
            "chainage_m": chainage_m,
            "chainage": format_chainage(chainage_m, 1),
            "lon": round(lon, linref.COORD_DECIMALS),
            "lat": round(lat, linref.COORD_DECIMALS),
        }
        return Response(ChainagePointSerializer(data).data)


class ExportView(APIView):
    """Download the network in the user's scope: ``?format=geojson`` (default) or ``xlsx``."""

    scoped_model = Section
    renderer_classes = [JSONRenderer, GeoJSONRenderer, XlsxRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=["geojson", "xlsx"], description="File type.")
        ],
        responses={
            (200, "application/geo+json"): OpenApiTypes.OBJECT,
            (200, importexport.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request) -> HttpResponse:
        kind = request.query_params.get("format") or "geojson"
        if kind not in ("geojson", "xlsx"):
            raise exceptions.ValidationError({"format": [_("Use geojson or xlsx.")]})
        try:
            return export_response(request.user, kind)
        except importexport.ExportError as exc:
            raise exceptions.ValidationError({"format": [str(exc)]}) from exc


def export_response(user: Any, kind: str) -> HttpResponse:
    """The export file of what ``user`` may see, as a download."""
    districts, routes, sections = importexport.export_querysets(user)
    if kind == "xlsx":
        body = importexport.export_xlsx(districts=districts, routes=routes, sections=sections)
        response = HttpResponse(body, content_type=importexport.XLSX_CONTENT_TYPE)
        filename = "zhiyang-network.xlsx"
    else:
        doc = importexport.export_geojson(districts=districts, routes=routes, sections=sections)
        response = HttpResponse(
            json.dumps(doc, ensure_ascii=False, indent=1),
            content_type="application/geo+json; charset=utf-8",
        )
        filename = "zhiyang-network.geojson"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def template_response() -> HttpResponse:
    response = HttpResponse(
        importexport.excel_template(), content_type=importexport.XLSX_CONTENT_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="zhiyang-network-template.xlsx"'
    return response


class TemplateView(APIView):
    """The Excel import template: headers, an example row per sheet, and notes."""

    scoped_model = Section
    renderer_classes = [XlsxRenderer, JSONRenderer]

    @extend_schema(responses={(200, importexport.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    def get(self, request: Request) -> HttpResponse:
        return template_response()


class ImportView(APIView):
    """Import a network file (.geojson/.json/.xlsx). Validated whole, then written at once;
    on errors nothing is written and the answer lists each row and column."""

    scoped_model = Section
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            200: ImportSummarySerializer,
            400: OpenApiResponse(description="Errors by row and column (error.rows)."),
        },
    )
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": [_("Choose a file to import.")]})
        try:
            summary = importexport.import_network_data(
                upload.read(), filename=upload.name or "", actor=user_of(request)
            )
        except importexport.ImportValidationError as exc:
            return import_error_response(exc)
        return Response(ImportSummarySerializer(summary.as_dict()).data)


def import_error_response(exc: importexport.ImportValidationError) -> Response:
    return error_response(
        status_code=status.HTTP_400_BAD_REQUEST,
        code="invalid_file",
        message=exc.message(),
        rows=[e.as_dict() for e in exc.errors],
    )
