"""Assets API: asset types (read-only catalogue), assets (+ GeoJSON layer), inspections
with their damage items (+ patrol findings), the structures register and the complete MQI.

Everything inside the permission matrix and the organisation scope (``ScopedModelViewSet``):
rows outside the user's scope answer 404 like missing ones.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import OpenApiTypes, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from zhiyang.assets import geo, services
from zhiyang.assets.api.serializers import (
    AssetFindingSerializer,
    AssetInspectionSerializer,
    AssetSerializer,
    AssetTypeSerializer,
)
from zhiyang.assets.filters import AssetFilter, InspectionFilter
from zhiyang.assets.models import Asset, AssetType, Inspection
from zhiyang.core.actors import user_of
from zhiyang.core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet


class AssetTypeViewSet(ScopedReadOnlyViewSet):
    """The asset-type catalogue (versioned data; attributes as JSON Schema)."""

    queryset = AssetType.objects.all()
    serializer_class = AssetTypeSerializer
    lookup_field = "code"


class AssetViewSet(ScopedModelViewSet):
    """Assets on the network; ``geojson`` is the map layer of the filtered assets;
    ``mqi`` the complete MQI per unit, route, district and network; ``structures`` the
    bridges, tunnels and culverts with class and due dates."""

    queryset = Asset.objects.select_related("asset_type", "route", "district")
    serializer_class = AssetSerializer
    filterset_class = AssetFilter
    ordering_fields = ["code", "start_m", "condition_class"]
    matrix_actions = {"geojson": "view", "mqi": "view", "structures": "view"}

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_asset(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, Asset)
        return services.update_asset(actor=user_of(self.request), asset=obj, data=data)

    def service_delete(self, *, obj: models.Model) -> None:
        assert isinstance(obj, Asset)
        services.delete_asset(actor=user_of(self.request), asset=obj)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def geojson(self, request: Request) -> Response:
        """The filtered assets as a GeoJSON FeatureCollection (points and lines on the
        route geometry)."""
        rows = self.filter_queryset(self.get_queryset())
        return Response(geo.assets_geojson(rows[: geo.MAX_FEATURES]))

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def mqi(self, request: Request) -> Response:
        """MQI and SCI/PQI/BCI/TCI per 1000 m unit and by route, district and network with
        优良率 (``?route=G109``, ``?district=...``)."""
        return Response(
            services.network_mqi(
                user=request.user,
                route=request.query_params.get("route", ""),
                district=request.query_params.get("district", ""),
            )
        )

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["get"])
    def structures(self, request: Request) -> Response:
        """Bridges, tunnels and culverts: latest class and the routine/periodic due dates."""
        rows = services.structures(self.get_queryset())
        out = []
        for asset in rows:
            out.append(
                {
                    "id": asset.pk,
                    "code": asset.code,
                    "name": asset.name,
                    "structure": asset.asset_type.structure,
                    "route": asset.route.code,
                    "start_m": asset.start_m,
                    "condition_class": asset.condition_class,
                    "condition_on": asset.condition_on,
                    "due": [
                        {"kind": d.kind, "last": d.last, "due": d.due, "overdue": d.overdue}
                        for d in services.due_dates(asset)
                    ],
                }
            )
        return Response(out)


class InspectionViewSet(ScopedModelViewSet):
    """Inspections with their damage items; POST ``finding`` feeds a patrol finding."""

    queryset = Inspection.objects.select_related("asset", "route", "district").prefetch_related(
        "damages"
    )
    serializer_class = AssetInspectionSerializer
    filterset_class = InspectionFilter
    ordering_fields = ["inspected_on", "chainage_m"]
    matrix_actions = {"finding": "add"}
    http_method_names = ["get", "post", "delete", "head", "options"]

    @extend_schema(responses={201: AssetInspectionSerializer, 200: AssetInspectionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        damages = [dict(d) for d in data.pop("damages", [])]
        inspection, created = services.record_inspection(
            actor=user_of(request), data=data, damages=damages
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(inspection).data, status=code)

    @extend_schema(request=AssetFindingSerializer, responses=AssetInspectionSerializer)
    @action(detail=False, methods=["post"])
    def finding(self, request: Request) -> Response:
        """A patrol finding as an inspection with one damage item (idempotent by
        ``source_ref``)."""
        body = AssetFindingSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        inspection, created = services.create_inspection_from_finding(
            actor=user_of(request), **body.validated_data
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(inspection).data, status=code)
