"""Sop API: instructions and versions (read-only), checklist runs (create idempotent by
``client_uuid``: 201 new, 200 repeat), sign-off, NCRs with their steps.

Rows outside the user's scope answer 404 like missing ones (scoped viewsets)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from zhiyang.core.access import access_object, may, restrict
from zhiyang.core.actors import user_of
from zhiyang.core.api.parsers import JSON_AND_FORM_PARSERS
from zhiyang.core.api.viewsets import ScopedReadOnlyViewSet
from zhiyang.sop import services
from zhiyang.sop.api.serializers import (
    ChecklistRunSerializer,
    InstructionVersionSerializer,
    NcrStepSerializer,
    NonConformanceSerializer,
    RaiseNcrSerializer,
    RunCreateSerializer,
    SignOffRequestSerializer,
    WorkInstructionSerializer,
)
from zhiyang.sop.filters import NcrFilter, RunFilter
from zhiyang.sop.models import (
    ChecklistRun,
    InstructionVersion,
    NonConformance,
    SignOff,
    StepResult,
    WorkInstruction,
)
from zhiyang.works.models import WorkOrder


class WorkInstructionViewSet(ScopedReadOnlyViewSet):
    """The 12 work instructions, by code, with their versions."""

    queryset = WorkInstruction.objects.prefetch_related("versions")
    serializer_class = WorkInstructionSerializer
    lookup_field = "code"


class InstructionVersionViewSet(ScopedReadOnlyViewSet):
    """Every version's content; ``?instruction=<code>``, ``?status=published``."""

    queryset = InstructionVersion.objects.select_related("instruction")
    serializer_class = InstructionVersionSerializer
    filterset_fields = {"status": ["exact"], "instruction__code": ["exact"]}

    def get_queryset(self) -> Any:
        qs = super().get_queryset()
        code = self.request.query_params.get("instruction")
        return qs.filter(instruction__code=code) if code else qs


class ChecklistRunViewSet(ScopedReadOnlyViewSet):
    """Checklist runs. POST (multipart or JSON) with ``work_order`` and the phone form's
    field names; a repeated ``client_uuid`` returns the first run with 200."""

    queryset = ChecklistRun.objects.select_related(
        "version__instruction", "started_by"
    ).prefetch_related("results__photos", "sign_offs")
    serializer_class = ChecklistRunSerializer
    filterset_class = RunFilter
    parser_classes = JSON_AND_FORM_PARSERS
    matrix_actions = {"sign_off": "view"}

    @extend_schema(
        request=RunCreateSerializer,
        responses={201: ChecklistRunSerializer, 200: ChecklistRunSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may(request.user, ChecklistRun, "add"):
            raise exceptions.PermissionDenied
        head = RunCreateSerializer(data=request.data)
        head.is_valid(raise_exception=True)
        work_order = access_object(
            WorkOrder.objects.select_related("project"),
            request.user,
            pk=head.validated_data["work_order"],
        )
        version = services.version_for(
            work_order=work_order, version_id=head.validated_data.get("version")
        )
        submission = services.parse_submission(
            version=version, post=request.data, files=request.FILES
        )
        run, created = services.submit_run(
            actor=user_of(request), work_order=work_order, submission=submission
        )
        fresh = self.get_queryset().filter(pk=run.pk).first() or run
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(fresh).data, status=code)

    @extend_schema(request=SignOffRequestSerializer, responses=ChecklistRunSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request: Request, pk: str | None = None) -> Response:
        """Sign a hold point (``step_code``) or the whole run (blank) as your role."""
        if not may(request.user, SignOff, "add"):
            raise exceptions.PermissionDenied
        run = self.get_object()
        body = SignOffRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.sign_off(
            actor=user_of(request),
            run=run,
            step_code=body.validated_data["step_code"],
            note=body.validated_data["note"],
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=run.pk)).data)


class NonConformanceViewSet(ScopedReadOnlyViewSet):
    """NCRs. POST ``{run, step_code, description}`` raises one on a failed step; then
    ``rectify`` (text = corrective action), ``approve`` / ``reject`` (text = review note)."""

    queryset = NonConformance.objects.select_related("raised_by", "rectified_by", "approved_by")
    serializer_class = NonConformanceSerializer
    filterset_class = NcrFilter
    matrix_actions = {"rectify": "change", "approve": "change", "reject": "change"}

    @extend_schema(request=RaiseNcrSerializer, responses={201: NonConformanceSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may(request.user, NonConformance, "add"):
            raise exceptions.PermissionDenied
        body = RaiseNcrSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = access_object(ChecklistRun.objects.all(), request.user, pk=body.validated_data["run"])
        result = access_object(
            StepResult.objects.all(),
            request.user,
            run=run,
            step_code=body.validated_data["step_code"],
        )
        ncr = services.raise_ncr(
            actor=user_of(request), result=result, description=body.validated_data["description"]
        )
        return Response(self.get_serializer(ncr).data, status=status.HTTP_201_CREATED)

    def _step(self, request: Request, name: str) -> Response:
        ncr = self.get_object()
        body = NcrStepSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        text = body.validated_data["text"]
        try:
            if name == "rectify":
                ncr = services.rectify_ncr(actor=user_of(request), ncr=ncr, corrective_action=text)
            elif name == "approve":
                ncr = services.approve_ncr(actor=user_of(request), ncr=ncr, note=text)
            else:
                ncr = services.reject_ncr(actor=user_of(request), ncr=ncr, note=text)
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        fresh = restrict(NonConformance.objects.all(), request.user).filter(pk=ncr.pk).first()
        return Response(self.get_serializer(fresh or ncr).data)

    @extend_schema(request=NcrStepSerializer, responses=NonConformanceSerializer)
    @action(detail=True, methods=["post"])
    def rectify(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "rectify")

    @extend_schema(request=NcrStepSerializer, responses=NonConformanceSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "approve")

    @extend_schema(request=NcrStepSerializer, responses=NonConformanceSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        return self._step(request, "reject")
