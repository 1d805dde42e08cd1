"""Progress pages: one project's earned value (S-curve, Gantt, work-order table) and the
branch programme (branch S-curve, projects with SPI/CPI and behind-schedule flags).

Read-only; rows through ``works.progress`` (``core.access``), numbers from the kernel.
"""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zhiyang.core.access import require
from zhiyang.works import progress as service
from zhiyang.works import progress_charts as charts

STEPS = ("day", "week")
FIGURES = (
    "bac_yuan",
    "pv_yuan",
    "ev_yuan",
    "ac_yuan",
    "sv_yuan",
    "cv_yuan",
    "spi",
    "cpi",
    "eac_yuan",
    "planned_percent",
    "percent_complete",
)


def figures(progress: service.Progress) -> dict[str, float | None]:
    """The figures at the status date for a template (None where undefined: no NaN)."""
    values = {name: getattr(progress.figures, name) for name in FIGURES}
    if not progress.has_costs:
        values.update(ac_yuan=None, cv_yuan=None, cpi=None, eac_yuan=None)
    return {k: None if v is None or math.isnan(v) else v for k, v in values.items()}


def _step(request: HttpRequest) -> str | None:
    step = request.GET.get("step", "")
    return step if step in STEPS else None


def _year(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 1990 <= int(value) <= 2200 else None


def project_url(project: Any) -> str:
    """The project's own page when the works app has one, else its progress page."""
    try:
        return reverse("works:project-detail", args=[project.pk])
    except NoReverseMatch:
        return reverse("works:project-progress", args=[project.pk])


@require_GET
def project_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """S-curve, Gantt and earned-value table of one project."""
    require(request, "works.project")
    project = service.get_project(user=request.user, pk=pk)
    progress = service.project_progress(user=request.user, project=project, step=_step(request))
    bars = charts.order_bars(progress)
    return render(
        request,
        "works/progress/project.html",
        {
            "project": project,
            "project_url": project_url(project),
            "progress": progress,
            "figures": figures(progress),
            "s_curve": charts.s_curve(progress),
            "gantt": charts.gantt(bars, progress.status_date),
            "gantt_height": charts.gantt_height(bars),
            "steps": STEPS,
        },
    )


@require_GET
def branch_progress(request: HttpRequest) -> HttpResponse:
    """The branch programme: S-curve of every project together and a table of projects."""
    require(request, "works.project")
    year = _year(request)
    progress = service.branch_progress(user=request.user, year=year, step=_step(request))
    bars = charts.project_bars(progress)
    rows = [
        {
            "progress": p,
            "project": p.project,
            "figures": figures(p),
            "url": reverse("works:project-progress", args=[p.project.pk]),
        }
        for p in progress.projects
        if p.project is not None
    ]
    return render(
        request,
        "works/progress/branch.html",
        {
            "progress": progress,
            "figures": figures(progress),
            "rows": rows,
            "year": year,
            "s_curve": charts.s_curve(progress),
            "gantt": charts.gantt(bars, progress.status_date, empty_text=_("No projects yet.")),
            "gantt_height": charts.gantt_height(bars),
            "steps": STEPS,
        },
    )
