"""Condition pages: map, statistics (distribution, trends, linear chart), worst units,
surveys, imports, the phone distress report, and the Excel/PDF downloads.

Numbers come from ``condition.reports`` (which starts from ``restrict``), charts are ECharts
option objects drawn by web/charts.js, maps GeoJSON drawn by web/map.js with the generic
feature properties (color, title, popup, url).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhiyang.condition import mapdata, reports, summaries
from zhiyang.condition.choices import SurveyDirection, SurveyStatus
from zhiyang.condition.models import Survey, SurveyUnit
from zhiyang.condition.reports import GRADE_COLOURS, GRADES, NO_DATA_COLOUR, Selection
from zhiyang.core.access import access_object, require, restrict
from zhiyang.core.actors import user_of
from zhiyang.core.forms import add_service_errors
from zhiyang.core.pagination import page_of
from zhiyang.network import mapview
from zhiyang.network.chainage import format_chainage
from zhiyang.network.models import District, Route

# Service fields shown on differently named form fields (distress and severity are one
# "item" choice on the phone form).
CONDITION_FIELD_ALIASES = {"start_m": "chainage", "distress": "item", "severity": "item"}


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _model_choice(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    return cast("forms.ModelChoiceField[Any]", form.fields[name])


# --- The selection form shared by the map, statistics, worst units and downloads ---------


class SelectionForm(forms.Form):
    """Year, index, route, district, direction: choices limited to the user's scope."""

    year = forms.TypedChoiceField(label=gettext_lazy("Survey year"), coerce=int, required=False)
    index = forms.ChoiceField(label=gettext_lazy("Index"), choices=reports.INDICES, required=False)
    route = forms.ChoiceField(label=gettext_lazy("Route"), required=False)
    district = forms.ChoiceField(label=gettext_lazy("District"), required=False)
    direction = forms.ChoiceField(
        label=gettext_lazy("Direction"),
        choices=[("", gettext_lazy("Both directions")), *SurveyDirection.choices[:2]],
        required=False,
    )

    def __init__(self, data: Any, *, user: Any, years: list[int], fields: tuple[str, ...]):
        super().__init__(data)
        _choice(self, "year").choices = [(y, str(y)) for y in years]
        routes = restrict(Route.objects.only("code", "name"), user, "view").order_by("code")
        _choice(self, "route").choices = [("", _("All routes"))] + [
            (r.code, f"{r.code} {r.name}") for r in routes
        ]
        districts = restrict(District.objects.all(), user, "view").order_by("code")
        _choice(self, "district").choices = [("", _("All districts"))] + [
            (d.code, d.display_name) for d in districts
        ]
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]


SELECTION_FIELDS = ("year", "index", "route", "district", "direction")


def _selection(
    request: HttpRequest, fields: tuple[str, ...] = SELECTION_FIELDS
) -> tuple[SelectionForm, Selection, list[int]]:
    """The bound form and the selection it gives (invalid values fall back to defaults)."""
    years = reports.available_years(request.user)
    data = request.GET.copy()
    if not data.get("year") and years:
        data["year"] = str(years[0])
    if not data.get("index"):
        data["index"] = reports.DEFAULT_INDEX
    form = SelectionForm(data, user=request.user, years=years, fields=fields)
    clean: dict[str, Any] = {}
    if form.is_valid():
        clean = form.cleaned_data
    else:
        clean = {k: v for k, v in getattr(form, "cleaned_data", {}).items()}
    selection = Selection(
        year=clean.get("year") or (years[0] if years else None),
        index=clean.get("index") or reports.DEFAULT_INDEX,
        # A route or district outside the scope is not a choice, but still a filter: it
        # must select nothing rather than fall back to everything.
        route=clean.get("route") or str(data.get("route", ""))[:20],
        district=clean.get("district") or str(data.get("district", ""))[:20],
        direction=clean.get("direction") or "",
    )
    return form, selection, years


def _query(selection: Selection, **extra: Any) -> str:
    params = {
        "year": selection.year or "",
        "index": selection.index,
        "route": selection.route,
        "district": selection.district,
        "direction": selection.direction,
        **extra,
    }
    return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _legend(summary: reports.GroupSummary) -> list[dict[str, Any]]:
    return [
        {
            "grade": g,
            "label": reports.grade_label(g),
            "colour": GRADE_COLOURS[g],
            "percent": summary.percent(g) if summary.shares else None,
        }
        for g in GRADES
    ]


# --- Map ---------------------------------------------------------------------------------


@require_GET
def condition_map(request: HttpRequest) -> HttpResponse:
    """Units coloured by the grade of the chosen index, with an HTML legend."""
    require(request, "condition.surveyunit")
    form, selection, years = _selection(request)
    summary = summaries.network_summary(request.user, selection)
    query = _query(selection)
    focus = request.GET.get("unit", "")
    box = (mapdata.unit_extent(request.user, focus) if focus else None) or mapdata.extent(
        request.user, selection
    )
    context = {
        "form": form,
        "selection": selection,
        "years": years,
        "index_label": reports.index_label(selection.index),
        "summary": summary,
        "legend": _legend(summary),
        "no_data_colour": NO_DATA_COLOUR,
        "geojson_url": reverse("condition:units-geojson") + "?" + query,
        "statistics_url": reverse("condition:statistics") + "?" + query,
        "focus_unit": focus,
        # The map asks for the units in its view (bbox + zoom) after fitting this extent.
        "extent": ",".join(f"{v:.5f}" for v in box) if box else "",
    }
    return render(request, "condition/map.html", context)


@require_GET
def units_geojson(request: HttpRequest) -> JsonResponse:
    """The selected units in the view (``bbox``, ``zoom``) as a FeatureCollection."""
    require(request, "condition.surveyunit")
    _form, selection, _years = _selection(request)
    view = mapview.parse_view(request.GET)
    return JsonResponse(
        mapdata.units_collection(request.user, selection, view),
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )


@require_GET
def unit_popup(request: HttpRequest, pk: int) -> JsonResponse:
    """One unit's popup (title, rows, link), fetched when it is clicked on the map."""
    require(request, "condition.surveyunit")
    unit = access_object(
        reports.scoped_units(request.user)
        .select_related("route", "district", "survey")
        .defer("route__geometry"),
        request.user,
        "view",
        pk=pk,
    )
    index = request.GET.get("index", "")
    if index not in reports.INDEX_FIELDS:
        index = reports.DEFAULT_INDEX
    return JsonResponse(mapdata.unit_popup(unit, index), json_dumps_params={"ensure_ascii": False})


# --- Charts (ECharts option objects) -----------------------------------------------------


def distribution_chart(summaries: list[reports.GroupSummary]) -> dict[str, Any]:
    """Stacked horizontal bars of the shares of 优/良/中/次/差 per group (percent)."""
    rated = [s for s in summaries if s.shares]
    if not rated:
        return {"empty": True}
    labels = [s.label for s in rated]
    return {
        "tooltip": {
            "trigger": "axis",
            "axisPointer": {"type": "shadow"},
            "valueFormatter": "@percent",
        },
        "legend": {"top": 0},
        "grid": {"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "value", "max": 100, "axisLabel": {"formatter": "{value}%"}},
        "yAxis": {
            "type": "category",
            "data": labels[::-1],
            "axisLabel": {"width": 110, "overflow": "truncate"},
        },
        "series": [
            {
                "name": g,
                "type": "bar",
                "stack": "grades",
                "itemStyle": {"color": GRADE_COLOURS[g]},
                "data": [round(s.percent(g), 1) for s in rated[::-1]],
            }
            for g in GRADES
        ],
    }


def trend_chart(trend: dict[str, dict[int, float | None]], index: str) -> dict[str, Any]:
    """Length-weighted index per year: the network (thick) and each route."""
    if not trend:
        return {"empty": True}
    years = sorted({y for series in trend.values() for y in series})
    series = []
    for key in sorted(trend):
        name = key or _("Whole scope")
        series.append(
            {
                "name": name,
                "type": "line",
                "symbolSize": 8 if not key else 5,
                "lineStyle": {"width": 4 if not key else 1.5},
                "z": 3 if not key else 2,
                "data": [
                    None if trend[key].get(y) is None else round(trend[key][y] or 0.0, 2)
                    for y in years
                ],
                "connectNulls": True,
            }
        )
    return {
        "tooltip": {"trigger": "axis", "valueFormatter": "@fixed1"},
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 8, "right": 24, "top": 56, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": [str(y) for y in years], "boundaryGap": False},
        "yAxis": {"type": "value", "name": index.upper(), "scale": True, "max": 100},
        "series": series,
    }


def linear_chart_option(units: list[SurveyUnit], index: str) -> dict[str, Any]:
    """Chainage (K-format) against the index, one step line per survey year and direction."""
    groups: dict[tuple[int, str], list[SurveyUnit]] = {}
    for unit in sorted(units, key=lambda u: (u.survey.survey_date, u.survey.direction, u.start_m)):
        groups.setdefault((unit.survey.survey_date.year, unit.survey.direction), []).append(unit)
    if not any(getattr(u, index) is not None for u in units):
        return {"empty": True}
    directions = {d for _y, d in groups}
    series = []
    for (year, direction), rows in sorted(groups.items()):
        points: list[list[Any]] = []
        last_end: float | None = None
        for unit in rows:
            value = getattr(unit, index)
            if last_end is not None and unit.start_m - last_end > 1.0:
                points.append([last_end, None])  # a gap breaks the line
            value = None if value is None else round(value, 2)
            points.append([unit.start_m, value])
            points.append([unit.end_m, value])
            last_end = unit.end_m
        name = str(year)
        if len(directions) > 1:
            name += " " + str(SurveyDirection(direction).label)
        series.append(
            {
                "name": name,
                "type": "line",
                "showSymbol": False,
                "data": points,
                "connectNulls": False,
            }
        )
    start = min(u.start_m for u in units)
    end = max(u.end_m for u in units)
    return {
        "tooltip": {
            "trigger": "axis",
            "valueFormatter": "@fixed1",
            "axisPointer": {"label": {"formatter": "@axisChainage"}},
        },
        "legend": {"type": "scroll", "top": 0},
        "grid": {"left": 8, "right": 24, "top": 56, "bottom": 56, "containLabel": True},
        "xAxis": {
            "type": "value",
            "min": start,
            "max": end,
            "axisLabel": {"formatter": "@chainage", "hideOverlap": True},
        },
        "yAxis": {"type": "value", "name": index.upper(), "min": 0, "max": 100},
        "dataZoom": [{"type": "inside"}, {"type": "slider", "height": 20, "bottom": 8}],
        "series": series,
    }


@require_GET
def linear_chart(request: HttpRequest) -> JsonResponse:
    """The linear chart of one route (``?route=``) over every survey year, as JSON."""
    require(request, "condition.surveyunit")
    _form, selection, _years = _selection(request)
    if not selection.route:
        return JsonResponse({"empty": True})
    units = list(reports.select_units(request.user, selection, all_years=True))
    return JsonResponse(linear_chart_option(units, selection.index))


# --- Statistics ----------------------------------------------------------------------------


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    """Grade distribution by route and district, trends, the linear chart, worst units."""
    require(request, "condition.surveyunit")
    form, selection, years = _selection(request)
    index = selection.index
    grouped = summaries.summaries(request.user, selection, _("Whole scope"))
    network, by_route, by_district = grouped.network, grouped.by_route, grouped.by_district
    chart_route = selection.route or (by_route[0].key if by_route else "")
    worst = list(reports.worst_units(reports.select_units(request.user, selection), index)[:10])
    query = _query(selection)
    context = {
        "form": form,
        "selection": selection,
        "years": years,
        "index_label": reports.index_label(index),
        "network": network,
        "by_route": by_route,
        "by_district": by_district,
        "grades": GRADES,
        "route_chart": distribution_chart(by_route),
        "route_chart_height": 70 + 34 * len(by_route),
        "district_chart": distribution_chart(by_district),
        "district_chart_height": 70 + 34 * len(by_district),
        "trend_chart": trend_chart(summaries.yearly_trend(request.user, selection), index),
        "chart_route": chart_route,
        "linear_url": reverse("condition:linear-chart")
        + "?"
        + _query(
            Selection(
                year=selection.year, index=index, route=chart_route, direction=selection.direction
            )
        ),
        "worst": [_worst_row(u, selection) for u in worst],
        "query": query,
    }
    return render(request, "condition/statistics.html", context)


def _worst_row(unit: SurveyUnit, selection: Selection) -> dict[str, Any]:
    map_query = _query(
        Selection(
            year=unit.survey.survey_date.year,
            index=selection.index,
            route=unit.route.code,
            direction=unit.survey.direction,
        ),
        unit=unit.pk,
    )
    return {
        "unit": unit,
        "start": format_chainage(unit.start_m),
        "end": format_chainage(unit.end_m),
        "value": getattr(unit, selection.index),
        "grade": reports.unit_grade(unit, selection.index),
        "map_url": reverse("condition:map") + "?" + map_query,
    }


@require_GET
def worst_units(request: HttpRequest) -> HttpResponse:
    """Units lowest on the chosen index first, filterable, paginated, linked to the map."""
    require(request, "condition.surveyunit")
    form, selection, _years = _selection(request)
    units = reports.worst_units(reports.select_units(request.user, selection), selection.index)
    page = page_of(request, units)
    context = {
        "form": form,
        "selection": selection,
        "index_label": reports.index_label(selection.index),
        "rows": [_worst_row(u, selection) for u in page.object_list],
        "page_obj": page,
        "query": _query(selection),
    }
    return render(request, "condition/worst_units.html", context)


# --- Downloads -----------------------------------------------------------------------------


def _download_name(selection: Selection, extension: str) -> str:
    route = f"-{selection.route}" if selection.route else ""
    return f"condition-{selection.year or 'all'}{route}.{extension}"


@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """The selected units and their summary as an Excel workbook."""
    require(request, "condition.surveyunit")
    _form, selection, _years = _selection(request)
    content = reports.build_workbook(request.user, selection)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = _download_name(selection, "xlsx")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The printable condition report; without a CJK font a clear message instead."""
    from zhiyang.core.pdf import PdfFontMissing

    require(request, "condition.surveyunit")
    _form, selection, _years = _selection(request)
    try:
        content = reports.build_pdf(request.user, selection)
    except PdfFontMissing as exc:
        messages.error(request, str(exc))
        return redirect(reverse("condition:statistics") + "?" + _query(selection))
    response = HttpResponse(content, content_type="application/pdf")
    name = (
        f"condition-{selection.year or 'all'}{'-' + selection.route if selection.route else ''}.pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


# --- Surveys -------------------------------------------------------------------------------


@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    """Surveys in the user's scope, newest first."""
    require(request, "condition.survey")
    surveys = restrict(Survey.objects.select_related("route"), request.user, "view")
    route = request.GET.get("route", "")
    status = request.GET.get("status", "")
    if route:
        surveys = surveys.filter(route__code=route)
    if status in SurveyStatus.values:
        surveys = surveys.filter(status=status)
    page = page_of(request, surveys.order_by("-survey_date", "route__code", "direction", "lane"))
    context = {
        "page_obj": page,
        "surveys": list(page.object_list),
        "routes": restrict(Route.objects.all(), request.user, "view").order_by("code"),
        "statuses": SurveyStatus.choices,
        "route": route,
        "status": status,
        "can_import": request.user.may("condition.survey", "add"),  # type: ignore[union-attr]
    }
    return render(request, "condition/survey_list.html", context)


@require_GET
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One survey (404 outside the scope) with its units, indices and grades."""
    survey = access_object(Survey.objects.select_related("route"), request.user, "view", pk=pk)
    units = restrict(
        SurveyUnit.objects.filter(survey=survey).select_related("district"), request.user, "view"
    ).order_by("start_m")
    query = _query(Selection(year=survey.year, route=survey.route.code, direction=survey.direction))
    map_url = reverse("condition:map") + "?" + query
    rows = [
        {
            "unit": u,
            "start": format_chainage(u.start_m),
            "end": format_chainage(u.end_m),
            "map_url": f"{map_url}&unit={u.pk}",
            "grade_pqi": u.grade_pqi or reports.grade_of(u.pqi),
            "grade_mqi": u.grade_mqi or reports.grade_of(u.mqi),
        }
        for u in units
    ]
    can_approve = (
        survey.status == SurveyStatus.DRAFT and request.user.may("condition.survey", "change")  # type: ignore[union-attr]
    )
    context = {
        "survey": survey,
        "rows": rows,
        "can_approve": can_approve,
        "can_import": survey.status == SurveyStatus.DRAFT
        and request.user.may("condition.survey", "add"),  # type: ignore[union-attr]
        "map_url": map_url,
        "statistics_url": reverse("condition:statistics") + "?" + query,
    }
    return render(request, "condition/survey_detail.html", context)


@require_POST
def survey_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve a draft survey through the backend's service (engineers)."""
    from zhiyang.condition import services

    survey = access_object(Survey.objects.all(), request.user, "change", pk=pk)
    try:
        services.approve_survey(actor=user_of(request), survey=survey)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The survey was approved."))
    return redirect("condition:survey-detail", pk=survey.pk)


# --- Phone distress report ---------------------------------------------------------------


def distress_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The engine's distress items grouped by pavement, in the user's language."""
    from django.utils.translation import get_language

    from zhiyang.analytics.rating import distress_items
    from zhiyang.network.choices import Pavement

    chinese = (get_language() or "").startswith("zh")
    groups = []
    for pavement in (Pavement.ASPHALT, Pavement.CONCRETE):
        items = distress_items(pavement)
        groups.append(
            (
                str(Pavement(pavement).label),
                [
                    (f"{item.type}|{item.severity}", item.name_zh if chinese else item.name_en)
                    for item in items
                ],
            )
        )
    return groups


def distress_name(distress: str, severity: str) -> str:
    """The engine's name of a distress item ("坑槽（重）"), the raw keys if unknown."""
    key = f"{distress}|{severity}"
    for _group, items in distress_choices():
        for value, label in items:
            if value == key:
                return str(label)
    return f"{distress} {severity}".strip()


class DistressReportForm(forms.Form):
    """The phone form: a photo, the GPS position (or route + chainage), what and how much."""

    photo = forms.ImageField(label=gettext_lazy("Photo"), required=False)
    lon = forms.FloatField(
        label=gettext_lazy("Longitude"), required=False, min_value=-180, max_value=180
    )
    lat = forms.FloatField(
        label=gettext_lazy("Latitude"), required=False, min_value=-90, max_value=90
    )
    route = forms.ModelChoiceField(
        label=gettext_lazy("Route"),
        queryset=Route.objects.none(),
        required=False,
        help_text=gettext_lazy("Only needed when you type the chainage by hand."),
    )
    chainage = forms.CharField(
        label=gettext_lazy("Chainage"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("K12+345; leave empty to take it from the GPS position."),
    )
    item = forms.ChoiceField(label=gettext_lazy("Distress"))
    quantity = forms.FloatField(
        label=gettext_lazy("Quantity (m² or m)"), min_value=0.0, initial=1.0
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    client_uuid = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choice(self, "route").queryset = restrict(
            Route.objects.all(), user, "view"
        ).order_by("code")
        _choice(self, "item").choices = distress_choices()
        photo = self.fields["photo"].widget
        photo.attrs.update({"accept": "image/*", "capture": "environment"})
        for name in ("lon", "lat"):
            self.fields[name].widget.attrs.update({"step": "any", "inputmode": "decimal"})
        self.fields["quantity"].widget.attrs.update({"step": "any", "inputmode": "decimal"})

    def clean_chainage(self) -> float | None:
        from zhiyang.network.chainage import parse_chainage

        text = (self.cleaned_data.get("chainage") or "").strip()
        if not text:
            return None
        try:
            return parse_chainage(text)
        except ValueError as exc:
            raise ValidationError(_("Write the chainage as K12+345.")) from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_gps = data.get("lon") is not None and data.get("lat") is not None
        if data.get("chainage") is None and not has_gps:
            raise ValidationError(
                _("Locate yourself with the GPS button, or choose the route and the chainage.")
            )
        if data.get("chainage") is not None and data.get("route") is None:
            self.add_error("route", _("Choose the route of the chainage."))
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        distress, _sep, severity = str(data["item"]).partition("|")
        values: dict[str, Any] = {
            "distress": distress,
            "severity": severity,
            "quantity": data["quantity"],
            "lon": data.get("lon"),
            "lat": data.get("lat"),
            "note": data.get("note") or "",
            "client_uuid": data.get("client_uuid"),
            "route": data.get("route"),
        }
        if data.get("chainage") is not None:
            values["start_m"] = data["chainage"]
        if data.get("photo"):
            values["photo"] = data["photo"]
        return values


@require_http_methods(["GET", "POST"])
def distress_report(request: HttpRequest) -> HttpResponse:
    """The phone form; after saving, the page shows where the record was placed."""
    from zhiyang.condition import services
    from zhiyang.condition.models import Distress

    require(request, "condition.distress", "add")
    saved = None
    if request.method == "POST":
        form = DistressReportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                record, _created = services.report_distress(
                    actor=user_of(request), data=form.service_data()
                )
            except ValidationError as exc:
                add_service_errors(form, exc, CONDITION_FIELD_ALIASES)
            else:
                messages.success(
                    request,
                    _("Distress recorded on %(route)s at %(chainage)s.")
                    % {"route": record.route.code, "chainage": format_chainage(record.start_m)},
                )
                return redirect(reverse("condition:distress-report") + f"?saved={record.pk}")
    else:
        form = DistressReportForm(
            user=request.user, initial={"client_uuid": services.new_client_uuid()}
        )
    saved_id = request.GET.get("saved", "")
    if saved_id.isdigit():
        saved = (
            restrict(Distress.objects.select_related("route"), request.user, "view")
            .filter(pk=int(saved_id))
            .first()
        )
    context = {
        "form": form,
        "saved": saved,
        "saved_chainage": format_chainage(saved.start_m) if saved else "",
        "saved_name": distress_name(saved.distress, saved.severity) if saved else "",
        "locate_url": reverse("network:locate"),
    }
    return render(request, "condition/distress_report.html", context)


# --- Import --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def condition_import(request: HttpRequest) -> HttpResponse:
    """Upload survey data; errors listed by row and column; big files as background jobs."""
    from django.db import transaction

    from zhiyang.condition import imports, services
    from zhiyang.condition.forms import ConditionImportForm
    from zhiyang.condition.tasks import submit_import

    require(request, "condition.survey", "add")
    errors: list[Any] = []
    summary: dict[str, Any] | None = None
    job = None
    survey: Survey | None = None
    if request.method == "POST":
        form = ConditionImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                with transaction.atomic():
                    survey = form.cleaned_data.get("survey") or services.create_survey(
                        actor=user_of(request), data=form.survey_data()
                    )
                    submitted = submit_import(
                        actor=user_of(request),
                        survey=survey,
                        kind=form.cleaned_data["kind"],
                        data=upload.read(),
                        filename=upload.name,
                        options=form.options(),
                    )
                    job, summary = submitted.job, submitted.summary
            except imports.ImportValidationError as exc:
                survey = None
                errors = exc.errors
                messages.error(request, exc.message())
            except ValidationError as exc:
                survey = None
                add_service_errors(form, exc, CONDITION_FIELD_ALIASES)
            else:
                if summary is not None:
                    messages.success(
                        request,
                        _("Imported %(rows)d rows; the survey now has %(units)d evaluation units.")
                        % {"rows": summary.get("rows", 0), "units": summary.get("units", 0)},
                    )
    else:
        initial: dict[str, Any] = {}
        if request.GET.get("survey", "").isdigit():
            initial["survey"] = int(request.GET["survey"])
        form = ConditionImportForm(user=request.user, initial=initial)
    context = {
        "form": form,
        "errors": errors,
        "summary": summary,
        "job": job,
        "survey": survey,
    }
    return render(request, "condition/import.html", context)
