"""Serializers of the contracts API (money and quantities as decimal strings)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from zhiyang.contracts.models import (
    Assessment,
    AssessmentEntry,
    AssessmentTemplate,
    AssessmentTemplateItem,
    BoqChapter,
    BoqItem,
    BoqRevision,
    Contract,
    MeasurementLine,
    MeasurementPeriod,
    QuantityMapping,
    Variation,
    VariationLine,
)


class ContractSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contract
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "status",
            "organisation",
            "owner_name",
            "contractor_name",
            "supervisor_name",
            "owner_organisation",
            "supervisor_organisation",
            "start_date",
            "end_date",
            "value_yuan",
            "retention_pct",
            "retention_cap_pct",
            "advance_yuan",
            "advance_recovery_pct",
            "projects",
            "routes",
            "boq_version",
            "note",
        ]
        read_only_fields = ["boq_version"]


class BoqChapterSerializer(serializers.ModelSerializer):
    class Meta:
        model = BoqChapter
        fields = ["id", "contract", "number", "name"]


class BoqRevisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = BoqRevision
        fields = ["version", "quantity", "unit_price_yuan", "amount_yuan", "variation"]


class BoqItemSerializer(serializers.ModelSerializer):
    chapter_number = serializers.IntegerField(source="chapter.number", read_only=True)
    revisions = BoqRevisionSerializer(many=True, read_only=True)

    class Meta:
        model = BoqItem
        fields = [
            "id",
            "contract",
            "chapter",
            "chapter_number",
            "code",
            "name",
            "unit",
            "quantity",
            "unit_price_yuan",
            "amount_yuan",
            "order",
            "since_version",
            "withdrawn",
            "revisions",
        ]
        read_only_fields = fields


class LineSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="item.code", read_only=True)
    name = serializers.CharField(source="item.name", read_only=True)
    unit = serializers.CharField(source="item.unit", read_only=True)
    approved_quantity = serializers.DecimalField(max_digits=16, decimal_places=3, read_only=True)
    amount_yuan = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)
    machine_difference = serializers.DecimalField(
        max_digits=16, decimal_places=3, read_only=True, allow_null=True
    )

    class Meta:
        model = MeasurementLine
        fields = [
            "id",
            "period",
            "item",
            "code",
            "name",
            "unit",
            "reported_quantity",
            "machine_quantity",
            "machine_difference",
            "proposed_quantity",
            "supervisor_quantity",
            "supervisor_reason",
            "owner_quantity",
            "owner_reason",
            "approved_quantity",
            "unit_price_yuan",
            "amount_yuan",
            "sources",
            "note",
        ]
        read_only_fields = fields


class SetLineSerializer(serializers.Serializer):
    """The quantity of the step the period is at; ``proposed_quantity``,
    ``supervisor_quantity``, ``owner_quantity`` and ``approved_quantity`` are accepted as
    names for it, ``supervisor_reason``/``owner_reason`` for the reason."""

    QUANTITY_NAMES = (
        "quantity",
        "proposed_quantity",
        "supervisor_quantity",
        "owner_quantity",
        "approved_quantity",
    )
    REASON_NAMES = ("reason", "supervisor_reason", "owner_reason")

    quantity = serializers.DecimalField(max_digits=16, decimal_places=3, min_value=0)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def to_internal_value(self, data: Any) -> Any:
        data = dict(data.items()) if hasattr(data, "items") else data
        if isinstance(data, dict):
            for name in self.QUANTITY_NAMES[1:]:
                if "quantity" not in data and data.get(name) not in (None, ""):
                    data["quantity"] = data[name]
            for name in self.REASON_NAMES[1:]:
                if not data.get("reason") and data.get(name):
                    data["reason"] = data[name]
        return super().to_internal_value(data)


class BulkLineSerializer(SetLineSerializer):
    """One line of a bulk update: the line ``id``, or the BOQ item ``code``."""

    id = serializers.IntegerField(required=False)
    code = serializers.CharField(required=False)


class PeriodSerializer(serializers.ModelSerializer):
    month = serializers.DateField(
        input_formats=["%Y-%m-%d", "%Y-%m"], help_text="The month: 2026-03 or 2026-03-01."
    )

    class Meta:
        model = MeasurementPeriod
        fields = [
            "id",
            "contract",
            "number",
            "month",
            "status",
            "proposed_by",
            "proposed_at",
            "supervisor_by",
            "supervisor_at",
            "owner_by",
            "owner_at",
            "returned_reason",
            "certificate",
        ]
        read_only_fields = [f for f in fields if f not in ("contract", "month")]


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class VariationLineSerializer(serializers.ModelSerializer):
    item = serializers.CharField(
        write_only=True, required=False, allow_blank=True, help_text="The code of the item altered."
    )
    item_code = serializers.CharField(source="item.code", read_only=True, default=None)
    new_quantity = serializers.DecimalField(
        max_digits=16, decimal_places=3, min_value=0, required=False
    )
    new_unit_price_yuan = serializers.DecimalField(
        max_digits=16, decimal_places=2, min_value=0, required=False
    )

    class Meta:
        model = VariationLine
        fields = [
            "id",
            "item",
            "item_code",
            "chapter_number",
            "code",
            "name",
            "unit",
            "old_quantity",
            "old_unit_price_yuan",
            "new_quantity",
            "new_unit_price_yuan",
        ]
        read_only_fields = ["old_quantity", "old_unit_price_yuan"]


class VariationSerializer(serializers.ModelSerializer):
    lines = VariationLineSerializer(many=True)
    change_yuan = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = Variation
        fields = [
            "id",
            "contract",
            "code",
            "title",
            "reason",
            "status",
            "boq_version",
            "submitted_at",
            "supervisor_at",
            "owner_at",
            "rejection_reason",
            "lines",
            "change_yuan",
        ]
        read_only_fields = [
            "status",
            "boq_version",
            "submitted_at",
            "supervisor_at",
            "owner_at",
            "rejection_reason",
        ]


class AssessmentTemplateItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentTemplateItem
        fields = [
            "id",
            "order",
            "code",
            "name",
            "rule",
            "max_points",
            "points_per_unit",
            "yuan_per_unit",
        ]


class TemplateSerializer(serializers.ModelSerializer):
    items = AssessmentTemplateItemSerializer(many=True)

    class Meta:
        model = AssessmentTemplate
        fields = ["id", "name", "max_score", "yuan_per_point", "is_active", "items"]


class EntrySerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="item.code", read_only=True)

    class Meta:
        model = AssessmentEntry
        fields = ["id", "code", "count", "points_lost", "deduction_yuan", "note", "photo"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    entries = EntrySerializer(many=True, read_only=True)
    counts = serializers.DictField(
        child=serializers.DecimalField(max_digits=16, decimal_places=3, min_value=0),
        write_only=True,
        required=False,
        help_text="{item code: count}",
    )
    final = serializers.BooleanField(write_only=True, default=False)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "contract",
            "template",
            "month",
            "route",
            "status",
            "score",
            "deduction_yuan",
            "assessed_at",
            "note",
            "entries",
            "counts",
            "final",
            "client_uuid",
        ]
        read_only_fields = ["status", "score", "deduction_yuan", "assessed_at"]


class MappingSerializer(serializers.ModelSerializer):
    class Meta:
        model = QuantityMapping
        fields = ["id", "contract", "item", "source", "project", "work_order", "activity", "factor"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return attrs


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()
