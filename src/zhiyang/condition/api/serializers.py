"""Serializers of the condition API. Chainages are metres, and also given as ``K12+345``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from zhiyang.condition.choices import ImportKind, WheelPath
from zhiyang.condition.models import Distress, Survey, SurveyInterval, SurveyUnit
from zhiyang.core.api.fields import ScopedPrimaryKeyField, ScopedSlugField
from zhiyang.network.api.serializers import ChainageField
from zhiyang.network.chainage import format_chainage
from zhiyang.network.models import Route

INDEX_FIELDS = ["pci", "rqi", "rdi", "sri", "pbi", "pwi", "pssi", "pqi", "mqi"]


class _Chainages(serializers.Serializer):  # type: ignore[type-arg]
    start = serializers.SerializerMethodField(help_text="Start chainage as K12+345.")
    end = serializers.SerializerMethodField(help_text="End chainage as K12+345.")

    def get_start(self, obj: Any) -> str:
        return format_chainage(obj.start_m)

    def get_end(self, obj: Any) -> str | None:
        return None if obj.end_m is None else format_chainage(obj.end_m)


class SurveySerializer(serializers.ModelSerializer[Survey]):
    route = ScopedSlugField(slug_field="code", queryset=Route.objects.all())
    route_name = serializers.CharField(source="route.name", read_only=True)
    year = serializers.IntegerField(read_only=True)
    approved_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Survey
        fields = [
            "id",
            "route",
            "route_name",
            "direction",
            "lane",
            "survey_date",
            "year",
            "vendor",
            "method",
            "edition",
            "unit_length_m",
            "status",
            "approved_by",
            "approved_at",
            "rated_at",
            "notes",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["status", "approved_at", "rated_at", "created_at"]


class SurveyIntervalSerializer(_Chainages, serializers.ModelSerializer[SurveyInterval]):
    class Meta:
        model = SurveyInterval
        fields = [
            "id",
            "survey",
            "start_m",
            "end_m",
            "start",
            "end",
            "iri_left",
            "iri_right",
            "iri",
            "rd_mm",
            "sfc",
            "mpd",
            "mpdc",
            "pb_light",
            "pb_medium",
            "pb_heavy",
        ]


class SurveyUnitSerializer(_Chainages, serializers.ModelSerializer[SurveyUnit]):
    route = serializers.CharField(source="route.code", read_only=True)
    district = serializers.CharField(source="district.code", read_only=True)
    district_name = serializers.CharField(source="district.display_name", read_only=True)
    year = serializers.IntegerField(source="survey.year", read_only=True)

    class Meta:
        model = SurveyUnit
        fields = [
            "id",
            "survey",
            "year",
            "route",
            "district",
            "district_name",
            "start_m",
            "end_m",
            "start",
            "end",
            "length_m",
            "width_m",
            "road_class",
            "pavement",
            "iri",
            "rd_mm",
            "sfc",
            "mpd",
            "mpdc",
            "pb_light",
            "pb_medium",
            "pb_heavy",
            "dr",
            "sci",
            "bci",
            "tci",
            *INDEX_FIELDS,
            "grade_pqi",
            "grade_mqi",
        ]


class DistressSerializer(_Chainages, serializers.ModelSerializer[Distress]):
    """A distress record. On create from a phone, send ``lon``/``lat`` without ``start_m``
    (the route and chainage are found within 50 m), a ``photo`` (multipart) and a
    ``client_uuid``: the same ``client_uuid`` again returns the first record (200)."""

    route = ScopedSlugField(
        slug_field="code", queryset=Route.objects.all(), required=False, allow_null=True
    )
    survey = ScopedPrimaryKeyField(queryset=Survey.objects.all(), required=False, allow_null=True)
    district = serializers.CharField(source="district.code", read_only=True, default=None)
    start_m = ChainageField(required=False, allow_null=True)
    end_m = ChainageField(required=False, allow_null=True)
    unit = serializers.ChoiceField(
        choices=[("m2", "m2"), ("m", "m")],
        required=False,
        help_text="m2 or m; default: the distress item's unit.",
    )
    client_uuid = serializers.UUIDField(required=False, allow_null=True)
    lon = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    reported_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Distress
        fields = [
            "id",
            "route",
            "district",
            "survey",
            "start_m",
            "end_m",
            "start",
            "end",
            "distress",
            "severity",
            "quantity",
            "unit",
            "lon",
            "lat",
            "photo",
            "note",
            "source",
            "reported_by",
            "reported_at",
            "client_uuid",
        ]
        read_only_fields = ["source", "reported_at"]
        extra_kwargs = {"severity": {"required": False, "allow_blank": True}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        creating = self.instance is None
        if creating and attrs.get("start_m") is None:
            if attrs.get("lon") is None or attrs.get("lat") is None:
                raise serializers.ValidationError(
                    {"start_m": [_("Give the route and chainage, or the GPS position.")]}
                )
        elif creating and attrs.get("route") is None:
            raise serializers.ValidationError({"route": [_("Choose the route.")]})
        if not creating:
            attrs.pop("client_uuid", None)  # fixed at creation
        return attrs


class ConditionImportRequestSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField(help_text=".csv or .xlsx tables; .erd, .csv or .txt profiles")
    survey = ScopedPrimaryKeyField(queryset=Survey.objects.all())
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    wheel_path = serializers.ChoiceField(
        choices=[WheelPath.LEFT, WheelPath.RIGHT],
        required=False,
        default=WheelPath.LEFT,
        help_text="Profiles: the wheel path of a one-channel file.",
    )
    segment_length_m = serializers.FloatField(
        required=False, default=10.0, min_value=1.0, max_value=1000.0
    )
    start_m = ChainageField(
        required=False, allow_null=True, help_text="Profiles: chainage of the first sample."
    )
    background = serializers.BooleanField(
        required=False, default=False, help_text="Run as a background job even when small."
    )


class ConditionImportResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    job = serializers.IntegerField(allow_null=True)
    status_url = serializers.CharField(allow_null=True)
    summary = serializers.JSONField(allow_null=True)


class JobSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    kind = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    finished = serializers.BooleanField()
    progress = serializers.IntegerField()
    message = serializers.CharField()
    result = serializers.JSONField(allow_null=True)
    errors = serializers.JSONField()  # type: ignore[assignment]  # a field named "errors"
    created_at = serializers.CharField()
    updated_at = serializers.CharField()


class SummaryQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2200)
    survey = ScopedPrimaryKeyField(queryset=Survey.objects.all(), required=False)
    route = serializers.CharField(required=False, max_length=20)
    district = serializers.CharField(required=False, max_length=12)
    approved_only = serializers.BooleanField(required=False, default=True)
