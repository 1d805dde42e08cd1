"""API of the qc app: the JSON summary of a project-day's QC report."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhiyang.core.access import access_object, restrict
from zhiyang.qc import services
from zhiyang.works.models import Project


class QcReportView(APIView):
    """GET /api/v1/qc/reports/<project id>/<YYYY-MM-DD>/: the QC summary (compaction,
    thermal profile, rollers behind the paver, thickness, alarms) of a project and day."""

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int, day: str) -> Response:
        if not getattr(request.user, "may", lambda *a: False)("qc.report", "view"):
            raise PermissionDenied
        project = access_object(
            restrict(Project.objects.select_related("route"), request.user, "view"),
            request.user,
            "view",
            pk=pk,
        )
        try:
            date = dt.date.fromisoformat(day)
        except ValueError as exc:
            raise Http404 from exc
        return Response(services.build_report(project, date).summary)
