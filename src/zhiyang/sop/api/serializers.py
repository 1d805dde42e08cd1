"""Serializers of the sop API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from zhiyang.sop import content as sop_content
from zhiyang.sop.models import (
    ChecklistRun,
    InstructionVersion,
    NonConformance,
    SignOff,
    StepPhoto,
    StepResult,
    WorkInstruction,
)


class VersionSummarySerializer(serializers.ModelSerializer[InstructionVersion]):
    class Meta:
        model = InstructionVersion
        fields = ["id", "version", "status", "note", "published_at"]


class WorkInstructionSerializer(serializers.ModelSerializer[WorkInstruction]):
    """An instruction with its published version's name and counts, and every version."""

    name = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()
    hold_points = serializers.SerializerMethodField()
    versions = VersionSummarySerializer(many=True, read_only=True)

    class Meta:
        model = WorkInstruction
        fields = ["code", "name", "version", "steps", "hold_points", "versions"]

    def _published(self, obj: WorkInstruction) -> InstructionVersion | None:
        return next((v for v in obj.versions.all() if v.status == "published"), None)

    def get_name(self, obj: WorkInstruction) -> dict[str, str]:
        v = self._published(obj)
        return dict(v.content.get("name", {})) if v else {}

    def get_version(self, obj: WorkInstruction) -> int | None:
        v = self._published(obj)
        return v.version if v else None

    def get_steps(self, obj: WorkInstruction) -> int:
        v = self._published(obj)
        return sop_content.summary(v.content)["steps"] if v else 0

    def get_hold_points(self, obj: WorkInstruction) -> int:
        v = self._published(obj)
        return sop_content.summary(v.content)["hold_points"] if v else 0


class InstructionVersionSerializer(serializers.ModelSerializer[InstructionVersion]):
    instruction: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = InstructionVersion
        fields = ["id", "instruction", "version", "status", "note", "published_at", "content"]


class StepPhotoSerializer(serializers.ModelSerializer[StepPhoto]):
    class Meta:
        model = StepPhoto
        fields = ["code", "photo", "taken_at", "lon", "lat"]


class StepResultSerializer(serializers.ModelSerializer[StepResult]):
    photos = StepPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = StepResult
        fields = [
            "step_code", "position", "hold_point", "done", "values", "passed", "note",
            "recorded_at", "photos",
        ]  # fmt: skip


class SignOffSerializer(serializers.ModelSerializer[SignOff]):
    user: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = SignOff
        fields = ["id", "step_code", "role", "user", "at", "note"]


class ChecklistRunSerializer(serializers.ModelSerializer[ChecklistRun]):
    instruction = serializers.CharField(source="version.instruction.code", read_only=True)
    version_number = serializers.IntegerField(source="version.version", read_only=True)
    started_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    results = StepResultSerializer(many=True, read_only=True)
    sign_offs = SignOffSerializer(many=True, read_only=True)

    class Meta:
        model = ChecklistRun
        fields = [
            "id", "work_order", "instruction", "version", "version_number", "client_uuid",
            "status", "context", "lon", "lat", "note", "started_by", "submitted_at", "results",
            "sign_offs",
        ]  # fmt: skip
        read_only_fields = fields


class RunCreateSerializer(serializers.Serializer[dict[str, Any]]):
    """The work order; the checklist's fields follow the phone form's names (docs/sop.md):
    ``client_uuid``, ``version``, ``lon``, ``lat``, ``note``, ``ctx-<key>``,
    ``step-<step>-done``, ``step-<step>-m-<measurement>``, ``step-<step>-note``,
    ``step-<step>-photo-<photo>`` (+ ``-taken_at``, ``-lon``, ``-lat``)."""

    work_order = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    client_uuid = serializers.UUIDField(required=False, allow_null=True)
    version = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1
    )


class SignOffRequestSerializer(serializers.Serializer[dict[str, Any]]):
    step_code = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class NonConformanceSerializer(serializers.ModelSerializer[NonConformance]):
    raised_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    rectified_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    approved_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = NonConformance
        fields = [
            "id", "run", "step_code", "description", "status", "raised_by", "raised_at",
            "corrective_action", "rectified_by", "rectified_at", "approved_by", "approved_at",
            "review_note",
        ]  # fmt: skip
        read_only_fields = [
            "status", "raised_by", "raised_at", "corrective_action", "rectified_by",
            "rectified_at", "approved_by", "approved_at", "review_note",
        ]  # fmt: skip


class RaiseNcrSerializer(serializers.Serializer[dict[str, Any]]):
    run = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    step_code = serializers.CharField(max_length=40)
    description = serializers.CharField(max_length=4000)


class NcrStepSerializer(serializers.Serializer[dict[str, Any]]):
    text = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
