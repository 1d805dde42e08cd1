"""The standards API: the registry and the data files with provenance (read), overrides
(CRUD for administrators, validated through the engine and audited)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhiyang.core.access import scope_of
from zhiyang.core.actors import user_of
from zhiyang.core.api.viewsets import ScopedModelViewSet
from zhiyang.core.models import Organisation
from zhiyang.standards import registry, services
from zhiyang.standards.api.serializers import (
    ParameterOverrideSerializer,
    StandardDetailSerializer,
    StandardListSerializer,
)
from zhiyang.standards.filters import ParameterOverrideFilter
from zhiyang.standards.models import ParameterOverride
from zhiyang.standards.provenance import shown_standard


def _summary(standard: registry.Standard, organisation: Organisation | None) -> dict[str, Any]:
    document = registry.read_document(standard.file)
    meta = document.meta
    overrides = (
        services.active_overrides(standard.code, organisation) if standard.overridable else []
    )
    return {
        "code": standard.code,
        "document_code": meta.get("code"),
        "title": meta.get("title"),
        "title_en": meta.get("title_en"),
        "version": None if meta.get("version") is None else str(meta["version"]),
        "purpose": str(standard.purpose),
        "file": standard.file,
        "module": standard.module,
        "overridable": standard.overridable,
        "values": document.value_count,
        "unconfirmed_values": document.unconfirmed_values,
        "active_overrides": len(overrides),
        "error": document.error,
    }


class StandardListView(APIView):
    """Every standard the platform computes with (and any other data file present)."""

    scoped_model = ParameterOverride

    @extend_schema(operation_id="standards_list", responses=StandardListSerializer)
    def get(self, request: Request) -> Response:
        organisation = getattr(request.user, "organisation", None)
        results = [_summary(s, organisation) for s in registry.standards()]
        return Response({"count": len(results), "next": None, "previous": None, "results": results})


class StandardDetailView(APIView):
    """One standard: every value with its source and confirmed flag, and the overrides
    applied for the user's organisation (``?organisation=<id>`` for whole-network users;
    ``?organisation=`` empty: only the overrides for every organisation)."""

    scoped_model = ParameterOverride

    @extend_schema(
        operation_id="standards_detail",
        responses=StandardDetailSerializer,
        parameters=[OpenApiParameter("organisation", int, required=False)],
    )
    def get(self, request: Request, code: str) -> Response:
        standard = registry.get(code)
        if standard is None:
            raise Http404
        user: Any = request.user
        organisation = getattr(user, "organisation", None)
        wanted = request.query_params.get("organisation")
        if wanted is not None and scope_of(user).everything:
            organisation = (
                Organisation.objects.filter(pk=int(wanted)).first()
                if wanted.isdigit() and len(wanted) < 19
                else None
            )
        shown = shown_standard(standard, organisation)
        body = _summary(standard, organisation)
        body["organisation"] = organisation.pk if organisation else None
        body["overrides"] = ParameterOverrideSerializer(shown.overrides, many=True).data
        body["tables"] = [
            {
                "path": t.path,
                "source": t.source,
                "confirmed": t.confirmed,
                "checked": t.checked,
                "values": [
                    {
                        "key": v.key,
                        "path": v.path,
                        "value": v.value,
                        "default": v.default,
                        "overridden": v.overridden,
                        "override": v.override.pk if v.override else None,
                        "reason": v.override.reason if v.override else None,
                    }
                    for v in t.values
                ],
            }
            for t in shown.tables
        ]
        return Response(body)


class ParameterOverrideViewSet(ScopedModelViewSet):
    """Overrides of standards values. Visible: those for every organisation and the user's
    organisation's; writes (administrators) are validated by the standard's engine, and a
    refused override answers 400 with the engine's message in ``fields.overrides``."""

    queryset = ParameterOverride.objects.select_related("organisation", "created_by")
    serializer_class = ParameterOverrideSerializer
    filterset_class = ParameterOverrideFilter
    ordering_fields = ["standard", "created_at", "updated_at"]

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_override(
            actor=user_of(self.request),
            standard=data["standard"],
            organisation=data.get("organisation"),
            overrides=data["overrides"],
            reason=data["reason"],
            active=data.get("active", True),
        )

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, ParameterOverride)
        return services.update_override(actor=user_of(self.request), obj=obj, data=data)

    def service_delete(self, *, obj: models.Model) -> None:
        assert isinstance(obj, ParameterOverride)
        services.delete_override(actor=user_of(self.request), obj=obj)
