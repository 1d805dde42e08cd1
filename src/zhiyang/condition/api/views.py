"""The condition API: surveys (engineers create, import into and approve them), intervals
and evaluation units (read), distress records (CRUD; phone reports with photo, GPS and a
client id), imports with background jobs, the distress template and a summary.

Everything is restricted to the user's scope (core/access.py); writes go through
condition/services.py.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhiyang.condition import services
from zhiyang.condition.api.serializers import (
    ConditionImportRequestSerializer,
    ConditionImportResultSerializer,
    DistressSerializer,
    JobSerializer,
    SummaryQuerySerializer,
    SurveyIntervalSerializer,
    SurveySerializer,
    SurveyUnitSerializer,
)
from zhiyang.condition.filters import (
    DistressFilter,
    SurveyFilter,
    SurveyIntervalFilter,
    SurveyUnitFilter,
)
from zhiyang.condition.imports import ImportOptions, ImportValidationError, excel_template
from zhiyang.condition.models import Distress, Survey, SurveyInterval, SurveyUnit
from zhiyang.condition.tasks import submit_import
from zhiyang.core import jobs
from zhiyang.core.access import access_object, restrict
from zhiyang.core.actors import user_of
from zhiyang.core.api.errors import error_response
from zhiyang.core.api.parsers import JSON_AND_FORM_PARSERS
from zhiyang.core.api.viewsets import ScopedModelViewSet, ScopedReadOnlyViewSet
from zhiyang.network import linref
from zhiyang.network.api.views import XlsxRenderer
from zhiyang.network.importexport.common import XLSX_CONTENT_TYPE

# The largest file an import accepts (a 100 km profile at 0.25 m in ERD is ~10 MB).
MAX_IMPORT_BYTES = 100 * 1024 * 1024


class SurveyViewSet(ScopedModelViewSet):
    """Condition surveys of a route, direction and lane. ``approve`` makes a survey the one
    maps and statistics show; ``reopen`` sets it back to draft; ``rate`` recomputes its
    evaluation units."""

    queryset = Survey.objects.select_related("route", "approved_by", "created_by")
    serializer_class = SurveySerializer
    filterset_class = SurveyFilter
    ordering_fields = ["survey_date", "route__code", "status"]
    matrix_actions = {"approve": "change", "reopen": "change", "rate": "change"}

    def service_create(self, *, data: dict[str, Any]) -> models.Model:
        return services.create_survey(actor=user_of(self.request), data=data)

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, Survey)
        return services.update_survey(actor=user_of(self.request), survey=obj, data=data)

    def service_delete(self, *, obj: models.Model) -> None:
        assert isinstance(obj, Survey)
        services.delete_survey(actor=user_of(self.request), survey=obj)

    @extend_schema(request=None, responses=SurveySerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        survey = services.approve_survey(actor=user_of(request), survey=self.get_object())
        return Response(self.get_serializer(survey).data)

    @extend_schema(request=None, responses=SurveySerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        survey = services.reopen_survey(actor=user_of(request), survey=self.get_object())
        return Response(self.get_serializer(survey).data)

    @extend_schema(request=None, responses=SurveySerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request: Request, pk: str | None = None) -> Response:
        survey = self.get_object()
        services.ensure_draft(survey)
        services.rate_survey(actor=user_of(request), survey=survey)
        return Response(self.get_serializer(survey).data)


class SurveyIntervalViewSet(ScopedReadOnlyViewSet):
    """Raw interval measurements of surveys (IRI per wheel path, ruts, SFC, MPD, bumps)."""

    queryset = SurveyInterval.objects.all()
    serializer_class = SurveyIntervalSerializer
    filterset_class = SurveyIntervalFilter
    ordering_fields = ["start_m"]


class SurveyUnitViewSet(ScopedReadOnlyViewSet):
    """Evaluation units with measurements, indices (0–100) and grades 优/良/中/次/差.
    ``geojson/`` gives the filtered units as a paginated FeatureCollection (LineStrings cut
    from the route geometry; ``next`` links the following page)."""

    queryset = SurveyUnit.objects.select_related("route", "district", "survey")
    serializer_class = SurveyUnitSerializer
    filterset_class = SurveyUnitFilter
    ordering_fields = ["start_m", "pqi", "pci", "rqi", "mqi", "route__code"]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, url_path="geojson")
    def geojson(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset()).order_by("route__code", "start_m")
        page = self.paginate_queryset(queryset)
        units = list(page if page is not None else queryset)
        features = []
        for unit, data in zip(units, self.get_serializer(units, many=True).data, strict=True):
            features.append(
                {
                    "type": "Feature",
                    "geometry": linref.substring(unit.route, unit.start_m, unit.end_m),
                    "properties": {
                        **data,
                        "title": f"{unit.route.code} {data['start']}–{data['end']}",
                    },
                }
            )
        body: dict[str, Any] = {"type": "FeatureCollection", "features": features}
        if page is not None and self.paginator is not None:
            body["next"] = self.paginator.get_next_link()  # type: ignore[attr-defined]
        return Response(body, content_type="application/geo+json")


class DistressViewSet(ScopedModelViewSet):
    """Distress records. A phone sends multipart with ``photo``, ``lon``/``lat`` and a
    ``client_uuid``; sending it again returns the first record with 200."""

    queryset = Distress.objects.select_related("route", "district", "reported_by")
    serializer_class = DistressSerializer
    filterset_class = DistressFilter
    parser_classes = JSON_AND_FORM_PARSERS
    ordering_fields = ["reported_at", "start_m"]

    @extend_schema(responses={201: DistressSerializer, 200: DistressSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        existing = self._existing(data.get("client_uuid"))
        if existing is not None:
            return Response(self.get_serializer(existing).data, status=status.HTTP_200_OK)
        if data.get("start_m") is None:
            record, created = services.report_distress(actor=user_of(request), data=data)
        else:
            record, created = services.create_distress(actor=user_of(request), data=data)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(self.get_serializer(record).data, status=code)

    def _existing(self, client_uuid: Any) -> Distress | None:
        """The record already sent with this client id (404 if the user may not see it)."""
        if not client_uuid or not Distress.objects.filter(client_uuid=client_uuid).exists():
            return None
        visible = restrict(Distress.objects.all(), self.request.user, "view")
        found = visible.filter(client_uuid=client_uuid).first()
        if found is None:
            raise exceptions.ValidationError(
                {"client_uuid": [_("This client id is already used by another record.")]}
            )
        return found

    def service_update(self, *, obj: models.Model, data: dict[str, Any]) -> models.Model:
        assert isinstance(obj, Distress)
        return services.update_distress(actor=user_of(self.request), distress=obj, data=data)

    def service_delete(self, *, obj: models.Model) -> None:
        assert isinstance(obj, Distress)
        services.delete_distress(actor=user_of(self.request), distress=obj)


class ImportView(APIView):
    """Import a file into a survey: ``kind`` = intervals (.csv/.xlsx), profile (.erd/.csv/
    .txt) or distress (.xlsx template/.csv). Small tables are validated and written at once
    (200 with a summary; 400 with errors by row and column, nothing written); profiles and
    files of more than 2,000 rows run as a background job (202 with the job id)."""

    scoped_model = Survey
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ConditionImportRequestSerializer},
        responses={
            200: ConditionImportResultSerializer,
            202: ConditionImportResultSerializer,
            400: OpenApiResponse(description="Errors by row and column (error.rows)."),
        },
    )
    def post(self, request: Request) -> Response:
        form = ConditionImportRequestSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        params = form.validated_data
        survey = access_object(Survey.objects.all(), request.user, "change", pk=params["survey"].pk)
        services.ensure_draft(survey)
        upload = params["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise exceptions.ValidationError({"file": [_("The file is too large.")]})
        data = upload.read()
        filename = upload.name or ""
        options = ImportOptions(
            wheel_path=params["wheel_path"],
            segment_length_m=params["segment_length_m"],
            start_m=params.get("start_m"),
        )
        try:
            submitted = submit_import(
                actor=user_of(request),
                survey=survey,
                kind=params["kind"],
                data=data,
                filename=filename,
                options=options,
                background=params["background"],
            )
        except ImportValidationError as exc:
            return error_response(
                status_code=status.HTTP_400_BAD_REQUEST,
                code="invalid_file",
                message=exc.message(),
                rows=[e.as_dict() for e in exc.errors],
            )
        if submitted.job is not None:
            body = {
                "job": submitted.job.pk,
                "status_url": reverse("api-condition-job", args=[submitted.job.pk]),
                "summary": None,
            }
            return Response(body, status=status.HTTP_202_ACCEPTED)
        summary = submitted.summary
        return Response({"job": None, "status_url": None, "summary": summary})


class JobView(APIView):
    """A background job's status, progress, result and errors by row and column."""

    @extend_schema(responses={200: JobSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(jobs.job_dict(jobs.job_for(request.user, pk)))


class TemplateView(APIView):
    """The distress import template (.xlsx) with the list of valid distress keys."""

    scoped_model = Distress
    renderer_classes = [XlsxRenderer]

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    def get(self, request: Request) -> HttpResponse:
        response = HttpResponse(excel_template(), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = 'attachment; filename="zhiyang-distress-template.xlsx"'
        return response


class SummaryView(APIView):
    """Length-weighted indices, grade shares (by length), 优良率 and 次差率 per route, per
    district and for the network, in the user's scope. Default: the main lane of approved
    surveys of the latest year."""

    scoped_model = SurveyUnit

    @extend_schema(parameters=[SummaryQuerySerializer], responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request) -> Response:
        query = SummaryQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        params = query.validated_data
        return Response(
            services.condition_summary(
                actor=user_of(request),
                year=params.get("year"),
                survey=params.get("survey"),
                route=params.get("route", ""),
                district=params.get("district", ""),
                approved_only=params["approved_only"],
            )
        )
