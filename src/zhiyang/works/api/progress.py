"""Read-only progress API: earned value and S-curve series of a project and of the branch
programme (``works.progress``; rows through ``core.access``, 404 outside the scope)."""

from __future__ import annotations

import math
from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhiyang.works import progress as service
from zhiyang.works.models import Project

FIGURES = (
    "bac_yuan",
    "pv_yuan",
    "ev_yuan",
    "ev_costed_yuan",
    "ac_yuan",
    "sv_yuan",
    "cv_yuan",
    "spi",
    "cpi",
    "eac_yuan",
    "planned_percent",
    "percent_complete",
)


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(float(value), 4)


class FiguresSerializer(serializers.Serializer[Any]):
    bac_yuan = serializers.FloatField()
    pv_yuan = serializers.FloatField()
    ev_yuan = serializers.FloatField()
    ev_costed_yuan = serializers.FloatField()
    ac_yuan = serializers.FloatField()
    sv_yuan = serializers.FloatField()
    cv_yuan = serializers.FloatField(allow_null=True)
    spi = serializers.FloatField(allow_null=True)
    cpi = serializers.FloatField(allow_null=True)
    eac_yuan = serializers.FloatField(allow_null=True)
    planned_percent = serializers.FloatField()
    percent_complete = serializers.FloatField()


class SeriesSerializer(serializers.Serializer[Any]):
    dates = serializers.ListField(child=serializers.DateField())
    pv_yuan = serializers.ListField(child=serializers.FloatField())
    ev_yuan = serializers.ListField(child=serializers.FloatField())
    ac_yuan = serializers.ListField(child=serializers.FloatField())
    planned_percent = serializers.ListField(child=serializers.FloatField())
    earned_percent = serializers.ListField(child=serializers.FloatField())


class WorkOrderProgressSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    process = serializers.CharField()
    unit = serializers.CharField()
    planned_quantity = serializers.FloatField()
    quantity_done = serializers.FloatField()
    budget_yuan = serializers.FloatField()
    ev_yuan = serializers.FloatField()
    planned_percent = serializers.FloatField()
    percent_complete = serializers.FloatField()
    spi = serializers.FloatField(allow_null=True)
    overdue = serializers.BooleanField()
    behind = serializers.BooleanField()


class ProgressSerializer(serializers.Serializer[Any]):
    status_date = serializers.DateField()
    step = serializers.CharField()
    figures = FiguresSerializer()
    behind = serializers.BooleanField()
    over_budget = serializers.BooleanField()
    series = SeriesSerializer()


class ProjectProgressSerializer(ProgressSerializer):
    project = serializers.IntegerField()
    code = serializers.CharField()
    work_orders = WorkOrderProgressSerializer(many=True)


class ProjectSummarySerializer(serializers.Serializer[Any]):
    project = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    status = serializers.CharField()
    figures = FiguresSerializer()
    behind = serializers.BooleanField()
    over_budget = serializers.BooleanField()


class BranchProgressSerializer(ProgressSerializer):
    projects = ProjectSummarySerializer(many=True)


def _figures(progress: service.Progress) -> dict[str, float | None]:
    return {name: _number(getattr(progress.figures, name)) for name in FIGURES}


def _base(progress: service.Progress) -> dict[str, Any]:
    curves = progress.curves

    def listed(values: Any) -> list[float]:
        return [round(float(v), 4) for v in values]

    return {
        "status_date": progress.status_date,
        "step": progress.step,
        "figures": _figures(progress),
        "behind": progress.behind,
        "over_budget": progress.over_budget,
        "series": {
            "dates": [str(d) for d in curves.dates],
            "pv_yuan": listed(curves.pv_yuan),
            "ev_yuan": listed(curves.ev_yuan),
            "ac_yuan": listed(curves.ac_yuan),
            "planned_percent": listed(curves.planned_percent),
            "earned_percent": listed(curves.earned_percent),
        },
    }


STEP = OpenApiParameter(
    "step", str, enum=["day", "week"], description="Time step of the series (default: by length)"
)


def _step(request: Request) -> str | None:
    step = request.query_params.get("step", "")
    return step if step in ("day", "week") else None


class ProjectProgressView(APIView):
    """Earned value (PV, EV, AC, SPI, CPI, EAC), the S-curve series and each work order's
    percent complete and flags, at today's date. Money in yuan."""

    scoped_model = Project

    @extend_schema(parameters=[STEP], responses=ProjectProgressSerializer)
    def get(self, request: Request, pk: int) -> Response:
        project = service.get_project(user=request.user, pk=pk)
        progress = service.project_progress(user=request.user, project=project, step=_step(request))
        data = _base(progress)
        data.update(
            project=project.pk,
            code=project.code,
            work_orders=[
                {
                    "id": row.work_order.pk,
                    "title": row.work_order.title,
                    "process": row.work_order.process,
                    "unit": row.work_order.unit,
                    "planned_quantity": float(row.work_order.planned_quantity),
                    "quantity_done": row.quantity_done,
                    "budget_yuan": row.budget_yuan,
                    "ev_yuan": row.ev_yuan,
                    "planned_percent": row.planned_percent,
                    "percent_complete": row.percent_complete,
                    "spi": row.spi,
                    "overdue": row.overdue,
                    "behind": row.behind,
                }
                for row in progress.orders
            ],
        )
        return Response(ProjectProgressSerializer(data).data)


class BranchProgressView(APIView):
    """The branch programme (every non-draft project in scope): S-curve series, figures and
    each project's SPI/CPI and behind-schedule flag. ``?year=`` limits it to one year."""

    scoped_model = Project

    @extend_schema(
        parameters=[STEP, OpenApiParameter("year", int, description="Projects planned in a year")],
        responses=BranchProgressSerializer,
    )
    def get(self, request: Request) -> Response:
        raw = request.query_params.get("year", "")
        year = int(raw) if raw.isdigit() and 1990 <= int(raw) <= 2200 else None
        progress = service.branch_progress(user=request.user, year=year, step=_step(request))
        data = _base(progress)
        data["projects"] = [
            {
                "project": p.project.pk,
                "code": p.project.code,
                "name": p.project.name,
                "status": p.project.status,
                "figures": _figures(p),
                "behind": p.behind,
                "over_budget": p.over_budget,
            }
            for p in progress.projects
            if p.project is not None
        ]
        return Response(BranchProgressSerializer(data).data)


urlpatterns = [
    path("projects/<int:pk>/progress/", ProjectProgressView.as_view(), name="project-progress"),
    path("progress/", BranchProgressView.as_view(), name="progress"),
]
