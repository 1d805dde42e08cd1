"""QC report pages: the project-days with data, one day's report, its images and exports.

Projects come through ``core.access.restrict`` (a project outside the user's scope is a 404,
whatever the URL); the role needs view access to ``qc``.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from zhiyang.core.access import access_object, require, restrict
from zhiyang.qc import report as qc_report
from zhiyang.qc import services
from zhiyang.works.models import Project

EXPORTS = ("pdf", "xlsx", "json")
IMAGES = ("passes", "thermal")


def _projects(request: HttpRequest) -> Any:
    return restrict(Project.objects.select_related("route", "organisation"), request.user, "view")


def _report(request: HttpRequest, pk: int, day: str) -> services.QcReport:
    require(request, "qc.report")
    project = access_object(_projects(request), request.user, "view", pk=pk)
    try:
        date = dt.date.fromisoformat(day)
    except ValueError as exc:
        raise Http404 from exc
    return services.build_report(project, date)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    require(request, "qc.report")
    days = services.project_days(_projects(request))
    return render(request, "qc/index.html", {"days": days})


@require_GET
def report_page(request: HttpRequest, pk: int, day: str) -> HttpResponse:
    report = _report(request, pk, day)
    context = {
        "report": report,
        "title": qc_report.title(report),
        "facts": qc_report.facts(report),
        "compaction": qc_report.compaction_rows(report),
        "histogram": qc_report.pass_histogram(report),
        "thermal": qc_report.thermal_rows(report),
        "sublot_headers": qc_report.sublot_headers(),
        "sublots": qc_report.sublot_rows(report),
        "roller_headers": qc_report.roller_headers(),
        "rollers": qc_report.roller_rows(report),
        "thickness": qc_report.thickness_rows(report),
        "alarm_headers": qc_report.alarm_headers(),
        "alarms": qc_report.alarm_rows(report),
        "day": report.day.isoformat(),
    }
    return render(request, "qc/report.html", context)


@require_GET
def image(request: HttpRequest, pk: int, day: str, kind: str) -> HttpResponse:
    if kind not in IMAGES:
        raise Http404
    report = _report(request, pk, day)
    if kind == "passes" and report.has_compaction:
        content = qc_report.pass_count_png(report)
    elif kind == "thermal" and report.has_thermal:
        content = qc_report.thermal_png(report)
    else:
        raise Http404
    response = HttpResponse(content, content_type="image/png")
    response["Cache-Control"] = "private, max-age=60"
    return response


@require_GET
def export(request: HttpRequest, pk: int, day: str, fmt: str) -> HttpResponse:
    if fmt not in EXPORTS:
        raise Http404
    report = _report(request, pk, day)
    name = f"qc-{report.project.code}-{report.day.isoformat()}"
    if fmt == "pdf":
        from zhiyang.core.pdf import PdfFontMissing, pdf_response

        try:
            return pdf_response(qc_report.pdf(report), f"{name}.pdf")
        except PdfFontMissing as exc:
            return render(request, "qc/error.html", {"message": str(exc)}, status=503)
    if fmt == "xlsx":
        response = HttpResponse(qc_report.workbook(report), content_type=qc_report.XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(
        json.dumps(report.summary, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        content_type="application/json",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response
