"""Planning pages: scenarios (compare budget levels, explained plan items, approve, export),
the treatment catalogue and the decay calibration.

Rows come through ``restrict``/``access_object`` (another organisation's scenario is a 404);
writes through ``planning.services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhiyang.analytics.deterioration import StandardDecay
from zhiyang.core import actors
from zhiyang.core.access import access_object, require, restrict
from zhiyang.core.actors import user_of
from zhiyang.core.forms import add_service_errors
from zhiyang.core.models import Organisation
from zhiyang.core.pagination import page_of
from zhiyang.planning import catalogue, explain, reports, services
from zhiyang.planning.calibration import at_bound
from zhiyang.planning.forms import ScenarioForm, TreatmentForm
from zhiyang.planning.models import Calibration, PlanItem, Scenario, ScenarioRun, Treatment

# Plan items per page (each with its three-sentence explanation).
ITEMS_PER_PAGE = 100


def _messages_of(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# =========================================================================== scenarios


@require_GET
def scenario_list(request: HttpRequest) -> HttpResponse:
    require(request, "planning.scenario")
    scenarios = restrict(Scenario.objects.select_related("organisation"), request.user, "view")
    return render(
        request,
        "planning/scenario_list.html",
        {
            "scenarios": scenarios.order_by("-created_at", "-id")[:200],
            "can_add": actors.may(request.user, "planning.scenario", "add"),
        },
    )


@require_http_methods(["GET", "POST"])
def scenario_create(request: HttpRequest) -> HttpResponse:
    require(request, "planning.scenario", "add")
    form = ScenarioForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            scenario = services.create_scenario(actor=user_of(request), data=form.service_data())
        except ValidationError as exc:
            add_service_errors(
                form,
                exc,
                {"budget_levels_pct": "budget_levels", "base_budget_yuan": "base_budget_wan"},
            )
        else:
            messages.success(request, _("Scenario created. Run it to compare the budget levels."))
            return redirect("planning:scenario-detail", scenario.pk)
    return render(request, "planning/scenario_form.html", {"form": form})


def _selected_run(request: HttpRequest, runs: list[ScenarioRun]) -> ScenarioRun | None:
    wanted = request.GET.get("level")
    for run in runs:
        if wanted is not None and f"{run.budget_pct:g}" == wanted:
            return run
    # By default the base budget (100 %), else the largest level below it, else the first.
    if not runs:
        return None
    at_or_below = [r for r in runs if r.budget_pct <= 100]
    return at_or_below[-1] if at_or_below else runs[0]


@require_GET
def scenario_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "planning.scenario")
    scenario = access_object(
        Scenario.objects.select_related("organisation", "job"), request.user, pk=pk
    )
    runs = list(scenario.runs.order_by("budget_pct"))
    run = _selected_run(request, runs)
    items: list[PlanItem] = []
    years: list[int] = []
    page = None
    if run is not None:
        queryset = run.items.select_related("route", "project").order_by(
            "year", "route__code", "direction", "start_m", "pk"
        )
        years = sorted(set(queryset.values_list("year", flat=True)))
        page = page_of(request, queryset, per_page=ITEMS_PER_PAGE)
        items = list(page.object_list)
        for item in items:
            item.sentences = explain.sentences(item.explanation)  # type: ignore[attr-defined]
    context = {
        "scenario": scenario,
        "runs": runs,
        "run": run,
        "items": items,
        "item_total": page.paginator.count if page else 0,
        "page_obj": page,
        "years": years,
        "charts": reports.scenario_charts(runs),
        "can_run": actors.may(request.user, "planning.scenario", "change"),
        "can_approve": actors.may(request.user, "planning.approval", "change"),
        "job": scenario.job if scenario.job and not scenario.job.finished else None,
    }
    return render(request, "planning/scenario_detail.html", context)


@require_POST
def scenario_run(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "planning.scenario", "change")
    scenario = access_object(
        Scenario.objects.select_related("organisation"), request.user, "change", pk=pk
    )
    try:
        submitted = services.submit_run(actor=user_of(request), scenario=scenario)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        if submitted.job is not None:
            messages.info(request, _("The scenario is being solved in the background."))
        else:
            levels = (submitted.summary or {}).get("levels", [])
            messages.success(request, _("Solved %(n)d budget levels.") % {"n": len(levels)})
    return redirect("planning:scenario-detail", scenario.pk)


@require_POST
def scenario_approve(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "planning.scenario")
    if not actors.may(request.user, "planning.approval", "change"):
        raise PermissionDenied
    scenario = access_object(Scenario.objects.all(), request.user, pk=pk)
    ids = [v for v in request.POST.getlist("items") if v.isdigit()]
    items = restrict(PlanItem.objects.filter(run__scenario=scenario, pk__in=ids), request.user)
    level = request.POST.get("level", "")
    if not ids:
        messages.error(request, _("Select the plan items to approve."))
    else:
        try:
            projects = services.approve_items(actor=user_of(request), items=list(items))
        except ValidationError as exc:
            messages.error(request, _messages_of(exc))
        else:
            messages.success(
                request,
                _("Approved; %(n)d draft projects created.") % {"n": len(projects)},
            )
    url = redirect("planning:scenario-detail", scenario.pk)
    if level:
        url["Location"] += f"?level={level}"
    return url


@require_GET
def scenario_export(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "planning.scenario")
    scenario = access_object(Scenario.objects.select_related("organisation"), request.user, pk=pk)
    runs = list(scenario.runs.order_by("budget_pct"))
    run = _selected_run(request, runs)
    if run is None:
        messages.error(request, _("Run the scenario first."))
        return redirect("planning:scenario-detail", scenario.pk)
    try:
        year = int(request.GET.get("year") or scenario.first_year)
    except ValueError:
        year = scenario.first_year
    data = reports.plan_workbook(run, year)
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="annual-plan-{scenario.pk}-{run.budget_pct:g}-{year}.xlsx"'
    )
    return response


@require_GET
def scenario_predictions(request: HttpRequest, pk: int) -> HttpResponse:
    """Predicted PQI per unit and year, without treatment and with the level's plan (Excel)."""
    require(request, "planning.scenario")
    scenario = access_object(Scenario.objects.select_related("organisation"), request.user, pk=pk)
    run = _selected_run(request, list(scenario.runs.order_by("budget_pct")))
    if run is None or not run.unit_pqi:
        messages.error(request, _("Run the scenario first."))
        return redirect("planning:scenario-detail", scenario.pk)
    response = HttpResponse(
        reports.prediction_workbook(run),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="predicted-pqi-{scenario.pk}-{run.budget_pct:g}.xlsx"'
    )
    return response


# =========================================================================== catalogue


@require_GET
def treatment_list(request: HttpRequest) -> HttpResponse:
    require(request, "planning.treatment")
    rows = restrict(Treatment.objects.all(), request.user).order_by("code")
    defaults = catalogue.defaults()
    for row in rows:
        row.is_default = all(  # type: ignore[attr-defined]
            getattr(row, k) == v for k, v in defaults.get(row.code, {}).items()
        )
    return render(
        request,
        "planning/treatment_list.html",
        {"rows": rows, "can_change": actors.may(request.user, "planning.treatment", "change")},
    )


@require_http_methods(["GET", "POST"])
def treatment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "planning.treatment", "change")
    row = access_object(Treatment.objects.all(), request.user, "change", pk=pk)
    form = TreatmentForm(request.POST or None, instance=Treatment.objects.get(pk=row.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_treatment(actor=user_of(request), treatment=row, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("planning:treatment-list")
    return render(
        request,
        "planning/treatment_form.html",
        {"form": form, "row": row, "default": catalogue.defaults().get(row.code)},
    )


@require_POST
def treatment_reset(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "planning.treatment", "change")
    row = access_object(Treatment.objects.all(), request.user, "change", pk=pk)
    try:
        services.reset_treatment(actor=user_of(request), treatment=row)
    except ValidationError as exc:
        messages.error(request, _messages_of(exc))
    else:
        messages.success(request, _("Reset to the cited default."))
    return redirect("planning:treatment-list")


# =========================================================================== calibration


def calibration_chart(calibration: Calibration) -> dict[str, Any]:
    """Observed PQI₁ against the model's prediction from PQI₀ (1:1 line = perfect)."""
    points = calibration.points or []
    if not points:
        return {"empty": True}
    default = StandardDecay(calibration.default_alpha or 15.0, calibration.default_beta or 0.8)
    default_pred = default.value(default.age_at([p[0] for p in points]) + [p[3] for p in points])
    low = min(min(p[1], p[2]) for p in points)
    low = max(0.0, float(int(low / 5) * 5))
    return {
        "tooltip": {"trigger": "item", "valueFormatter": "@fixed1"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 40, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "name": _("predicted"), "min": low, "max": 100},
        "yAxis": {"type": "value", "name": _("observed"), "min": low, "max": 100},
        "series": [
            {
                "name": _("calibrated"),
                "type": "scatter",
                "symbolSize": 6,
                "data": [[p[2], p[1]] for p in points],
            },
            {
                "name": _("default"),
                "type": "scatter",
                "symbolSize": 4,
                "itemStyle": {"color": "#9aa3ae"},
                "data": [
                    [round(float(q), 2), p[1]] for p, q in zip(points, default_pred, strict=True)
                ],
            },
            {
                "name": "1:1",
                "type": "line",
                "symbol": "none",
                "lineStyle": {"type": "dashed", "color": "#555"},
                "data": [[low, low], [100, 100]],
            },
        ],
    }


def curve_chart(calibration: Calibration) -> dict[str, Any]:
    """The calibrated and the default decay curves, PQI against years."""
    ages = [0.5 * k for k in range(0, 61)]
    fitted = StandardDecay(calibration.alpha, calibration.beta)
    default = StandardDecay(calibration.default_alpha or 15.0, calibration.default_beta or 0.8)
    return {
        "tooltip": {"trigger": "axis", "valueFormatter": "@fixed1"},
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 40, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "name": _("years"), "max": 30},
        "yAxis": {"type": "value", "name": "PQI", "min": 0, "max": 100},
        "series": [
            {
                "name": _("calibrated"),
                "type": "line",
                "symbol": "none",
                "data": [
                    [a, round(float(v), 2)] for a, v in zip(ages, fitted.value(ages), strict=True)
                ],
            },
            {
                "name": _("default"),
                "type": "line",
                "symbol": "none",
                "lineStyle": {"type": "dashed"},
                "itemStyle": {"color": "#9aa3ae"},
                "data": [
                    [a, round(float(v), 2)] for a, v in zip(ages, default.value(ages), strict=True)
                ],
            },
        ],
    }


@require_http_methods(["GET", "POST"])
def calibration_page(request: HttpRequest) -> HttpResponse:
    require(request, "planning.calibration")
    user: Any = request.user
    if request.method == "POST":
        require(request, "planning.calibration", "add")
        organisation = user.organisation
        if user.is_superuser and request.POST.get("organisation", "").isdigit():
            organisation = Organisation.objects.filter(pk=request.POST["organisation"]).first()
        if organisation is None:
            messages.error(request, _("Your account has no organisation."))
        else:
            try:
                fits = services.fit_calibrations(actor=user, organisation=organisation)
            except ValidationError as exc:
                messages.error(request, _messages_of(exc))
            else:
                messages.success(request, _("%(n)d groups calibrated.") % {"n": len(fits)})
        return redirect("planning:calibration")
    rows = list(
        restrict(Calibration.objects.select_related("organisation"), user).filter(active=True)
    )
    for row in rows:
        row.chart = calibration_chart(row)  # type: ignore[attr-defined]
        row.curve = curve_chart(row)  # type: ignore[attr-defined]
        row.chart_id = f"chart-fit-{row.pk}-data"  # type: ignore[attr-defined]
        row.curve_id = f"chart-curve-{row.pk}-data"  # type: ignore[attr-defined]
        row.at_bound = at_bound(row.alpha, row.beta)  # type: ignore[attr-defined]
    return render(
        request,
        "planning/calibration.html",
        {
            "rows": rows,
            "can_fit": actors.may(request.user, "planning.calibration", "add"),
            "organisations": Organisation.objects.order_by("name") if user.is_superuser else None,
        },
    )
