"""Contracts API: contracts with their BOQ import, BOQ items (with their history),
measurement periods with the workflow steps and certificates (JSON, PDF, Excel), lines
adjusted one by one, variations, assessment templates and assessments, quantity mappings.

Rows through ``ScopedModelViewSet`` (a contract the user's organisation is no party to is
404). Workflow steps are permitted at the matrix level by "view" and checked by the
service against the step's own right (``contracts.propose`` / ``supervise`` /
``certify``): a forbidden step is 403, a step the state does not allow 400.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework import exceptions, mixins
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from zhiyang.contracts import reports, services
from zhiyang.contracts.api import serializers as s
from zhiyang.contracts.filters import (
    AssessmentFilter,
    BoqItemFilter,
    ContractFilter,
    LineFilter,
    MappingFilter,
    PeriodFilter,
    VariationFilter,
)
from zhiyang.contracts.models import (
    Assessment,
    AssessmentTemplate,
    BoqItem,
    Contract,
    MeasurementLine,
    MeasurementPeriod,
    QuantityMapping,
    Variation,
)
from zhiyang.contracts.services.certificates import compute_certificate
from zhiyang.core.access import access_object
from zhiyang.core.actors import user_of
from zhiyang.core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from zhiyang.network.api.views import import_error_response
from zhiyang.network.importexport.common import XLSX_CONTENT_TYPE, ImportValidationError

STEP = "view"  # matrix level of a workflow step; the service checks the step's right


class ContractViewSet(ScopedModelViewSet):
    queryset = Contract.objects.select_related("organisation").prefetch_related(
        "projects", "routes"
    )
    serializer_class = s.ContractSerializer
    filterset_class = ContractFilter
    matrix_actions = {"import_boq": "change"}
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_contract(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, Contract)
        return services.update_contract(actor=user_of(self.request), contract=obj, data=data)

    @extend_schema(
        request={"multipart/form-data": s.ImportSerializer},
        responses={
            200: OpenApiTypes.OBJECT,
            400: OpenApiResponse(description="Errors by sheet, row and column (error.rows)."),
        },
    )
    @action(detail=True, methods=["post"], url_path="import-boq")
    def import_boq(self, request: Request, pk: str | None = None) -> Response:
        """Replace the BOQ by the owner's workbook (.xlsx) or CSV; nothing is written when
        the file has any error."""
        contract = self.get_object()
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": [_("Choose a file to import.")]})
        try:
            summary = services.import_boq(
                actor=user_of(request),
                contract=contract,
                data=upload.read(),
                filename=upload.name or "",
            )
        except ImportValidationError as exc:
            return import_error_response(exc)
        return Response(summary.as_dict())


class BoqItemViewSet(ScopedReadOnlyViewSet):
    queryset = BoqItem.objects.select_related("chapter").prefetch_related("revisions")
    serializer_class = s.BoqItemSerializer
    filterset_class = BoqItemFilter


def _file(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class PeriodViewSet(ScopedModelViewSet):
    queryset = MeasurementPeriod.objects.select_related("contract")
    serializer_class = s.PeriodSerializer
    filterset_class = PeriodFilter
    http_method_names = ["get", "post", "head", "options"]
    matrix_actions = {
        "propose": STEP,
        "supervisor_approve": STEP,
        "certify": STEP,
        "return_period": STEP,
        "set_lines": STEP,
        "certificate": "view",
        "certificate_pdf": "view",
        "certificate_xlsx": "view",
    }

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        contract = access_object(Contract.objects.all(), self.request.user, pk=data["contract"].pk)
        return services.open_period(
            actor=user_of(self.request), contract=contract, month=data["month"]
        )

    def _done(self, period: MeasurementPeriod) -> Response:
        period.refresh_from_db()
        return Response(self.get_serializer(period).data)

    @extend_schema(request=None, responses=s.PeriodSerializer)
    @action(detail=True, methods=["post"])
    def propose(self, request: Request, pk: str | None = None) -> Response:
        """The engineer proposes the period (``contracts.propose``)."""
        return self._done(services.propose(actor=user_of(request), period=self.get_object()))

    @extend_schema(request=None, responses=s.PeriodSerializer)
    @action(detail=True, methods=["post"], url_path="supervisor-approve")
    def supervisor_approve(self, request: Request, pk: str | None = None) -> Response:
        """The supervisor approves (``contracts.supervise``)."""
        period = services.supervisor_approve(actor=user_of(request), period=self.get_object())
        return self._done(period)

    @extend_schema(request=None, responses=s.PeriodSerializer)
    @action(detail=True, methods=["post"])
    def certify(self, request: Request, pk: str | None = None) -> Response:
        """The owner certifies (``contracts.certify``); the certificate is frozen."""
        return self._done(services.certify(actor=user_of(request), period=self.get_object()))

    @extend_schema(request=s.ReasonSerializer, responses=s.PeriodSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_period(self, request: Request, pk: str | None = None) -> Response:
        """Back to the engineer as a draft, with the reason."""
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        period = services.return_period(
            actor=user_of(request), period=self.get_object(), reason=body.validated_data["reason"]
        )
        return self._done(period)

    @extend_schema(request=s.BulkLineSerializer(many=True), responses=s.LineSerializer(many=True))
    @action(detail=True, methods=["post"], url_path="set-lines")
    def set_lines(self, request: Request, pk: str | None = None) -> Response:
        """Set several lines at once (the step the period is at): a list of
        ``{"code" or "id", "quantity", "reason"}``; all or nothing."""
        period = self.get_object()
        body = s.BulkLineSerializer(data=request.data, many=True)
        body.is_valid(raise_exception=True)
        lines = {line.pk: line for line in period.lines.select_related("item")}
        by_code = {line.item.code: line for line in lines.values()}
        with transaction.atomic():
            for row in body.validated_data:
                line = lines.get(row.get("id")) or by_code.get(row.get("code", ""))
                if line is None:
                    raise exceptions.ValidationError(
                        {
                            "code": [
                                _("No line %(line)s.") % {"line": row.get("code") or row.get("id")}
                            ]
                        }
                    )
                services.set_line(
                    actor=user_of(request),
                    line=line,
                    quantity=row["quantity"],
                    reason=row.get("reason", ""),
                    note=row.get("note", ""),
                )
        fresh = period.lines.select_related("item").order_by("item__order", "item_id")
        return Response(s.LineSerializer(fresh, many=True).data)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def certificate(self, request: Request, pk: str | None = None) -> Response:
        """The measurement and payment certificate figures (decimal strings); those frozen
        at certification for a certified period."""
        period = self.get_object()
        return Response(period.certificate or compute_certificate(period).as_dict())

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="certificate-pdf")
    def certificate_pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        period = self.get_object()
        data = reports.certificate_pdf(period).to_bytes()
        return _file(
            data, "application/pdf", f"certificate-{period.contract.code}-{period.number}.pdf"
        )

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="certificate-xlsx")
    def certificate_xlsx(self, request: Request, pk: str | None = None) -> HttpResponse:
        period = self.get_object()
        data = reports.certificate_xlsx(period)
        return _file(
            data, XLSX_CONTENT_TYPE, f"certificate-{period.contract.code}-{period.number}.xlsx"
        )


class LineViewSet(mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    """Lines of a period; PATCH sets the quantity of the step the period is at (the
    engineer's proposal, the supervisor's or the owner's, with a reason when changed)."""

    queryset = MeasurementLine.objects.select_related("item", "period")
    serializer_class = s.LineSerializer
    filterset_class = LineFilter
    http_method_names = ["get", "patch", "head", "options"]
    matrix_actions = {"partial_update": STEP}

    @extend_schema(request=s.SetLineSerializer, responses=s.LineSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        line = self.get_object()
        body = s.SetLineSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        line = services.set_line(actor=user_of(request), line=line, **body.validated_data)
        return Response(self.get_serializer(line).data)


class VariationViewSet(ScopedModelViewSet):
    queryset = Variation.objects.select_related("contract").prefetch_related("lines__item")
    serializer_class = s.VariationSerializer
    filterset_class = VariationFilter
    http_method_names = ["get", "post", "head", "options"]
    matrix_actions = {
        "submit": STEP,
        "supervisor_approve": STEP,
        "approve": STEP,
        "reject": STEP,
    }

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        contract = access_object(Contract.objects.all(), self.request.user, pk=data["contract"].pk)
        lines = [
            {k: v for k, v in dict(line).items() if not (k == "item" and not v)}
            for line in data.get("lines", [])
        ]
        return services.create_variation(
            actor=user_of(self.request),
            contract=contract,
            code=data["code"],
            title=data["title"],
            reason=data.get("reason", ""),
            lines=lines,
        )

    def _done(self, variation: Variation) -> Response:
        variation.refresh_from_db()
        return Response(self.get_serializer(variation).data)

    @extend_schema(request=None, responses=s.VariationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        return self._done(
            services.submit_variation(actor=user_of(request), variation=self.get_object())
        )

    @extend_schema(request=None, responses=s.VariationSerializer)
    @action(detail=True, methods=["post"], url_path="supervisor-approve")
    def supervisor_approve(self, request: Request, pk: str | None = None) -> Response:
        return self._done(
            services.supervisor_approve_variation(
                actor=user_of(request), variation=self.get_object()
            )
        )

    @extend_schema(request=None, responses=s.VariationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """The owner approves: a new BOQ version."""
        return self._done(
            services.approve_variation(actor=user_of(request), variation=self.get_object())
        )

    @extend_schema(request=s.ReasonSerializer, responses=s.VariationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        body = s.ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._done(
            services.reject_variation(
                actor=user_of(request),
                variation=self.get_object(),
                reason=body.validated_data["reason"],
            )
        )


class TemplateViewSet(ScopedModelViewSet):
    queryset = AssessmentTemplate.objects.prefetch_related("items")
    serializer_class = s.TemplateSerializer
    http_method_names = ["get", "post", "head", "options"]

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_template(
            actor=user_of(self.request),
            name=data["name"],
            max_score=data.get("max_score", 100),
            yuan_per_point=data.get("yuan_per_point", 0),
            items=[dict(i) for i in data.get("items", [])],
        )


class AssessmentViewSet(ScopedModelViewSet):
    queryset = Assessment.objects.select_related("contract", "template", "route").prefetch_related(
        "entries__item"
    )
    serializer_class = s.AssessmentSerializer
    filterset_class = AssessmentFilter
    http_method_names = ["get", "post", "head", "options"]
    matrix_actions = {"finalise": "change"}

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        contract = access_object(Contract.objects.all(), self.request.user, pk=data["contract"].pk)
        return services.record_assessment(
            actor=user_of(self.request),
            contract=contract,
            template=data["template"],
            month=data["month"],
            route=data.get("route"),
            note=data.get("note", ""),
            entries={code: {"count": n} for code, n in data.get("counts", {}).items()},
            final=data.get("final", False),
            client_uuid=data.get("client_uuid"),
        )

    @extend_schema(request=None, responses=s.AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def finalise(self, request: Request, pk: str | None = None) -> Response:
        assessment = services.finalise_assessment(
            actor=user_of(request), assessment=self.get_object()
        )
        return Response(self.get_serializer(assessment).data)


class MappingViewSet(ScopedModelViewSet):
    queryset = QuantityMapping.objects.select_related("item")
    serializer_class = s.MappingSerializer
    filterset_class = MappingFilter

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.map_quantity(actor=user_of(self.request), data=data)
