"""Serializers of the network API. Chainages are metres, and also given as ``K12+345``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import serializers

from zhiyang.core.api.fields import ScopedSlugField
from zhiyang.network import services
from zhiyang.network.chainage import ChainageError, format_chainage
from zhiyang.network.filters import parse_chainage_param
from zhiyang.network.models import District, Route, Section


class ChainageField(serializers.FloatField):
    """Metres; on input also ``K12+345.6``."""

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, str):
            try:
                data = parse_chainage_param(data)
            except ChainageError as exc:
                raise serializers.ValidationError(str(exc)) from exc
        value = super().to_internal_value(data)
        if value < 0:
            raise serializers.ValidationError(_("A chainage cannot be negative."))
        return value


class _ChainageStringsMixin(serializers.Serializer):  # type: ignore[type-arg]
    start = serializers.SerializerMethodField(help_text="Start chainage as K12+345.")
    end = serializers.SerializerMethodField(help_text="End chainage as K12+345.")

    def get_start(self, obj: Any) -> str:
        return format_chainage(obj.start_m)

    def get_end(self, obj: Any) -> str:
        return format_chainage(obj.end_m)


class DistrictSerializer(serializers.ModelSerializer[District]):
    class Meta:
        model = District
        fields = ["id", "code", "name", "name_en"]


class RouteSerializer(_ChainageStringsMixin, serializers.ModelSerializer[Route]):
    start_m = ChainageField(required=False, default=0.0)
    end_m = ChainageField()
    length_m = serializers.FloatField(read_only=True)
    geometry = serializers.JSONField(
        required=False, allow_null=True, help_text="GeoJSON LineString in WGS 84 (lon, lat)."
    )

    class Meta:
        model = Route
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "admin_level",
            "tech_class",
            "pavement",
            "start_m",
            "end_m",
            "start",
            "end",
            "length_m",
            "geometry",
        ]

    def validate_geometry(self, value: Any) -> Any:
        try:
            return services.clean_route_geometry(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict["geometry"]) from exc


class SectionSerializer(_ChainageStringsMixin, serializers.ModelSerializer[Section]):
    route = ScopedSlugField(slug_field="code", queryset=Route.objects.all())
    district = ScopedSlugField(slug_field="code", queryset=District.objects.all())
    district_name = serializers.CharField(source="district.display_name", read_only=True)
    start_m = ChainageField()
    end_m = ChainageField()
    length_m = serializers.FloatField(read_only=True)
    geometry = serializers.JSONField(
        read_only=True, help_text="GeoJSON LineString derived from the route."
    )

    class Meta:
        model = Section
        fields = [
            "id",
            "route",
            "direction",
            "start_m",
            "end_m",
            "start",
            "end",
            "length_m",
            "lanes",
            "width_m",
            "pavement",
            "district",
            "district_name",
            "geometry",
        ]


class LocateQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    lon = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    max_distance_m = serializers.FloatField(required=False, min_value=0)
    route = serializers.CharField(required=False, help_text="Only consider this route code.")


class LocationSerializer(serializers.Serializer):  # type: ignore[type-arg]
    route = serializers.CharField()
    route_name = serializers.CharField()
    chainage_m = serializers.FloatField()
    chainage = serializers.CharField(help_text="K12+345.6")
    offset_m = serializers.FloatField(help_text="Signed: + right of increasing chainage.")
    distance_m = serializers.FloatField()
    lon = serializers.FloatField(help_text="The point on the route.")
    lat = serializers.FloatField()


class ChainageQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    route = serializers.CharField(help_text="Route code, e.g. G208.")
    chainage = ChainageField(help_text="Metres or K12+345.6.")


class ChainagePointSerializer(serializers.Serializer):  # type: ignore[type-arg]
    route = serializers.CharField()
    chainage_m = serializers.FloatField()
    chainage = serializers.CharField()
    lon = serializers.FloatField()
    lat = serializers.FloatField()


class ImportRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField(help_text=".geojson, .json or .xlsx")


class ImportSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    districts_created = serializers.IntegerField()
    districts_updated = serializers.IntegerField()
    routes_created = serializers.IntegerField()
    routes_updated = serializers.IntegerField()
    sections_created = serializers.IntegerField()
    sections_deleted = serializers.IntegerField()
    sections_unchanged = serializers.IntegerField()
