"""Serializers of the standards API: the registry and files (read-only) and overrides."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from zhiyang.core.models import Organisation
from zhiyang.standards.models import ParameterOverride


class ParameterOverrideSerializer(serializers.ModelSerializer[ParameterOverride]):
    """An override: ``overrides`` is a JSON object shaped like the standard's TOML file."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        allow_null=True,
        required=False,
        help_text="Organisation id; null = every organisation.",
    )
    organisation_name = serializers.SerializerMethodField()
    created_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    overrides = serializers.JSONField(
        help_text='Values to replace, shaped like the TOML file, e.g. {"pbi": {"light": 20.0}}.'
    )

    class Meta:
        model = ParameterOverride
        fields = [
            "id",
            "standard",
            "organisation",
            "organisation_name",
            "overrides",
            "reason",
            "active",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_by", "created_at", "updated_at"]
        # Uniqueness of the active row is checked by the service (model validation).
        validators: list[Any] = []

    def get_organisation_name(self, obj: ParameterOverride) -> str | None:
        return obj.organisation.name if obj.organisation is not None else None


class ValueSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField()
    path = serializers.CharField(help_text="Dotted address, as used in overrides.")
    value = serializers.JSONField(help_text="The value applied (overridden if overridden).")
    default = serializers.JSONField(help_text="The value in the data file (null if added).")
    overridden = serializers.BooleanField()
    override = serializers.IntegerField(allow_null=True, help_text="Id of the override.")
    reason = serializers.CharField(allow_null=True, help_text="The override's reason.")


class TableSerializer(serializers.Serializer):  # type: ignore[type-arg]
    path = serializers.CharField()
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="Standard and clause the values come from."
    )
    confirmed = serializers.BooleanField(
        allow_null=True, help_text="false: a default still to verify; null: no source given."
    )
    checked = serializers.CharField(help_text="Where the values were compared with a copy.")
    values = ValueSerializer(many=True)


class StandardSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    code = serializers.CharField(help_text="Registry code = data file name without .toml.")
    document_code = serializers.CharField(allow_null=True, help_text="e.g. JTG 5210-2018.")
    title = serializers.CharField(allow_null=True)
    title_en = serializers.CharField(allow_null=True)
    version = serializers.CharField(allow_null=True)
    purpose = serializers.CharField()
    file = serializers.CharField()
    module = serializers.CharField(help_text="The engine module using it ('' for none).")
    overridable = serializers.BooleanField()
    values = serializers.IntegerField()
    unconfirmed_values = serializers.IntegerField()
    active_overrides = serializers.IntegerField(
        help_text="Active overrides applying to the user's organisation (incl. global)."
    )
    error = serializers.CharField(help_text="Why the file cannot be read ('' if it can).")


class StandardListSerializer(serializers.Serializer):  # type: ignore[type-arg]
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = StandardSummarySerializer(many=True)


class StandardDetailSerializer(StandardSummarySerializer):
    organisation = serializers.IntegerField(
        allow_null=True, help_text="Whose overrides are applied (null: every organisation's)."
    )
    overrides = ParameterOverrideSerializer(many=True)
    tables = TableSerializer(many=True)
