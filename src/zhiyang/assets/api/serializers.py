"""Serializers of the assets API. Chainages are metres (``K12+345`` accepted on input)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from zhiyang.assets.models import Asset, AssetType, Damage, Inspection
from zhiyang.core.api.fields import ScopedPrimaryKeyField, ScopedSlugField
from zhiyang.network.api.serializers import ChainageField
from zhiyang.network.chainage import format_chainage
from zhiyang.network.models import Route


class AssetTypeSerializer(serializers.ModelSerializer[AssetType]):
    class Meta:
        model = AssetType
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "kind",
            "structure",
            "geometry",
            "attribute_schema",
            "damage_items",
            "version",
            "is_active",
        ]
        read_only_fields = fields


class AssetSerializer(serializers.ModelSerializer[Asset]):
    asset_type = serializers.SlugRelatedField(
        slug_field="code", queryset=AssetType.objects.filter(is_active=True)
    )
    route = ScopedSlugField(slug_field="code", queryset=Route.objects.all())
    district: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    start_m = ChainageField()
    end_m = ChainageField(required=False, allow_null=True)
    place = serializers.SerializerMethodField(help_text="K12+345 or K12+345–K13+000.")

    class Meta:
        model = Asset
        fields = [
            "id",
            "code",
            "asset_type",
            "name",
            "route",
            "district",
            "start_m",
            "end_m",
            "place",
            "side",
            "offset_m",
            "lon",
            "lat",
            "attributes",
            "installed_on",
            "status",
            "note",
            "condition_class",
            "condition_on",
        ]
        read_only_fields = ["condition_class", "condition_on"]

    def get_place(self, obj: Asset) -> str:
        text = format_chainage(obj.start_m)
        return text if obj.end_m is None else f"{text}–{format_chainage(obj.end_m)}"


class DamageSerializer(serializers.ModelSerializer[Damage]):
    chainage_m = ChainageField(required=False)

    class Meta:
        model = Damage
        fields = ["index", "item", "quantity", "chainage_m", "note"]


class AssetInspectionSerializer(serializers.ModelSerializer[Inspection]):
    asset = ScopedPrimaryKeyField(queryset=Asset.objects.all(), required=False, allow_null=True)
    route = ScopedSlugField(slug_field="code", queryset=Route.objects.all(), required=False)
    district: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    chainage_m = ChainageField(required=False)
    damages = DamageSerializer(many=True, required=False)
    # No uniqueness check here: sending the same client id again returns the first one.
    client_uuid = serializers.UUIDField(required=False, allow_null=True)

    class Meta:
        model = Inspection
        fields = [
            "id",
            "asset",
            "route",
            "district",
            "chainage_m",
            "kind",
            "inspected_on",
            "technical_class",
            "note",
            "source",
            "source_ref",
            "client_uuid",
            "lon",
            "lat",
            "damages",
        ]
        read_only_fields = ["source"]
        extra_kwargs = {"inspected_on": {"required": False}}


class AssetFindingSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A patrol finding: category (sci/tci, subgrade/facility or an asset type code),
    chainage, damage type (+ severity), quantity."""

    route = ScopedSlugField(slug_field="code", queryset=Route.objects.all())
    chainage_m = ChainageField()
    category = serializers.CharField(max_length=40)
    damage_type = serializers.CharField(max_length=60)
    severity = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    quantity = serializers.FloatField(min_value=0)
    found_on = serializers.DateField(required=False)
    source_ref = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    asset = ScopedPrimaryKeyField(queryset=Asset.objects.all(), required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")
