"""Serializers of the people API. ID numbers are masked unless the user has people.identity."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from zhiyang.core.api.fields import ScopedPrimaryKeyField
from zhiyang.people import identity, services
from zhiyang.people.models import Briefing, Certificate, CheckIn, Crew, TrainingRecord, Worker


class _UserPrimaryKeyField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """The queryset comes from a function of the requesting user."""

    def __init__(self, chooser: Any, **kwargs: Any) -> None:
        self.chooser = chooser
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if request is None:
            return Worker.objects.none()
        return self.chooser(request.user)


def _file_url(serializer: Any, kind: str, obj: Any, field: str) -> str | None:
    """The scoped download URL of an uploaded file (never a public /media/ path)."""
    if not getattr(obj, field):
        return None
    from django.urls import reverse

    url = reverse("people:file", kwargs={"kind": kind, "pk": obj.pk})
    request = serializer.context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


class WorkerSerializer(serializers.ModelSerializer[Worker]):
    id_number = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Full on input; on output masked (1402**********1234) unless the user "
        "may view people.identity.",
    )
    photo = serializers.SerializerMethodField(help_text="Download URL of the photo, or null.")
    certificate_problems = serializers.SerializerMethodField(
        help_text="Certificate types the trade needs that are missing or expired today."
    )

    class Meta:
        model = Worker
        fields = [
            "id",
            "organisation",
            "name",
            "id_number",
            "phone",
            "trade",
            "employer",
            "photo",
            "user",
            "active",
            "certificate_problems",
        ]
        read_only_fields = ["organisation", "user"]

    def to_representation(self, instance: Worker) -> dict[str, Any]:
        data = super().to_representation(instance)
        request = self.context.get("request")
        data["id_number"] = identity.display_id_number(getattr(request, "user", None), instance)
        return data

    def get_photo(self, worker: Worker) -> str | None:
        return _file_url(self, "worker-photo", worker, "photo")

    def get_certificate_problems(self, worker: Worker) -> list[str]:
        from django.utils import timezone

        return services.missing_certificates(worker, timezone.localdate())


class CertificateSerializer(serializers.ModelSerializer[Certificate]):
    worker = ScopedPrimaryKeyField(queryset=Worker.objects.all())
    alert = serializers.SerializerMethodField(help_text="expired, days_7, days_30 or null.")
    scan = serializers.SerializerMethodField(help_text="Download URL of the scan, or null.")

    class Meta:
        model = Certificate
        fields = [
            "id",
            "worker",
            "cert_type",
            "number",
            "issuer",
            "valid_from",
            "valid_until",
            "scan",
            "alert",
        ]

    def get_scan(self, cert: Certificate) -> str | None:
        return _file_url(self, "certificate-scan", cert, "scan")

    def get_alert(self, cert: Certificate) -> str | None:
        from django.utils import timezone

        return services.alert_level(cert, timezone.localdate())


class TrainingRecordSerializer(serializers.ModelSerializer[TrainingRecord]):
    worker = ScopedPrimaryKeyField(queryset=Worker.objects.all())

    class Meta:
        model = TrainingRecord
        fields = ["id", "worker", "level", "date", "hours", "trainer", "topic"]


class CrewSerializer(serializers.ModelSerializer[Crew]):
    leader = ScopedPrimaryKeyField(queryset=Worker.objects.all(), required=False, allow_null=True)
    members = ScopedPrimaryKeyField(queryset=Worker.objects.all(), many=True, required=False)

    class Meta:
        model = Crew
        fields = ["id", "organisation", "name", "leader", "members"]
        read_only_fields = ["organisation"]


class CheckInSerializer(serializers.ModelSerializer[CheckIn]):
    worker = _UserPrimaryKeyField(services.checkin_workers)
    work_zone = _UserPrimaryKeyField(services.checkin_zones)
    lon = serializers.FloatField(min_value=-180, max_value=180)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    accuracy_m = serializers.FloatField(min_value=0, required=False, allow_null=True)
    client_uuid = serializers.UUIDField(required=False, allow_null=True)

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "worker",
            "work_zone",
            "date",
            "checked_in_at",
            "lon",
            "lat",
            "accuracy_m",
            "inside_geofence",
            "distance_m",
            "client_uuid",
        ]
        read_only_fields = ["date", "checked_in_at", "inside_geofence", "distance_m"]
        # The once-a-day rule is checked by the service, with a clearer message.
        validators: list[Any] = []


class BriefingSerializer(serializers.ModelSerializer[Briefing]):
    crew = ScopedPrimaryKeyField(queryset=Crew.objects.all())
    work_zone = _UserPrimaryKeyField(services.zones_in_scope, required=False, allow_null=True)
    attendees = ScopedPrimaryKeyField(queryset=Worker.objects.all(), many=True, required=False)
    given_by = ScopedPrimaryKeyField(queryset=Worker.objects.all(), required=False, allow_null=True)
    photo = serializers.SerializerMethodField(help_text="Download URL of the photo, or null.")

    class Meta:
        model = Briefing
        fields = [
            "id",
            "date",
            "crew",
            "work_zone",
            "topic",
            "content",
            "attendees",
            "photo",
            "given_by",
        ]

    def get_photo(self, briefing: Briefing) -> str | None:
        return _file_url(self, "briefing-photo", briefing, "photo")
