"""Condition pages: status per role, scope (a district organisation sees its districts only),
the map GeoJSON with the generic popup contract, charts, downloads."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.condition.pages_helpers import build_condition
from zhiyang.condition.models import Distress, SurveyUnit
from zhiyang.condition.reports import GRADE_COLOURS, NO_DATA_COLOUR

PAGES = ("condition:map", "condition:statistics", "condition:worst-units", "condition:survey-list")


@pytest.fixture
def world(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    engineer = make_user(role="engineer", organisation=two_districts["org_all"])
    surveys = build_condition(two_districts, engineer)
    return {
        **two_districts,
        **surveys,
        "engineer": engineer,
        "east_viewer": make_user(role="viewer", organisation=two_districts["org_east"]),
        "west_viewer": make_user(role="viewer", organisation=two_districts["org_west"]),
        "manager": make_user(role="manager", organisation=two_districts["org_all"]),
    }


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def geojson(client: Client, **params: Any) -> dict[str, Any]:
    response = client.get(reverse("condition:units-geojson"), params)
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.parametrize("name", PAGES)
def test_pages_answer_every_reader(world: dict[str, Any], name: str) -> None:
    for who in ("engineer", "manager", "east_viewer"):
        response = client_for(world[who]).get(reverse(name))
        assert response.status_code == 200, (who, name)


def test_anonymous_is_sent_to_login(db: Any) -> None:
    response = Client().get(reverse("condition:map"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_write_pages_need_the_right(world: dict[str, Any]) -> None:
    viewer = client_for(world["east_viewer"])
    assert viewer.get(reverse("condition:import")).status_code == 403
    assert viewer.get(reverse("condition:distress-report")).status_code == 403
    engineer = client_for(world["engineer"])
    assert engineer.get(reverse("condition:import")).status_code == 200
    assert engineer.get(reverse("condition:distress-report")).status_code == 200


def test_map_geojson_colours_units_by_grade(world: dict[str, Any]) -> None:
    data = geojson(client_for(world["engineer"]), year=2025, index="rqi")
    features = data["features"]
    units = SurveyUnit.objects.filter(survey__survey_date__year=2025)
    assert len(features) == units.count() > 0
    grades = {f["properties"]["grade"] for f in features}
    assert len(grades) > 1  # IRI rises along the routes
    for feature in features:
        props = feature["properties"]
        assert props["color"] == GRADE_COLOURS.get(props["grade"], NO_DATA_COLOUR)
        assert feature["geometry"]["type"] == "LineString"
        assert len(feature["geometry"]["coordinates"]) >= 2
        assert props["title"].startswith(props["route"] + " K")
        assert "popup" not in props  # fetched on click
        assert props["popup_url"] == f"/condition/map/units/{props['unit']}/"
    popup = client_for(world["engineer"]).get(
        features[0]["properties"]["popup_url"], {"index": "rqi"}
    )
    assert popup.status_code == 200
    body = popup.json()
    assert body["title"] == features[0]["properties"]["title"]
    assert all(len(pair) == 2 for pair in body["popup"])
    assert body["popup"][2][0] == "RQI"
    assert body["url"].startswith("/condition/surveys/")


def test_unit_popup_is_scoped(world: dict[str, Any]) -> None:
    unit = SurveyUnit.objects.filter(route=world["g1"]).first()
    assert unit is not None
    url = reverse("condition:unit-popup", args=[unit.pk])
    assert client_for(world["west_viewer"]).get(url).status_code == 200
    assert client_for(world["east_viewer"]).get(url).status_code == 404


def test_map_geojson_bounded_by_the_view(world: dict[str, Any]) -> None:
    client = client_for(world["engineer"])
    everything = geojson(client, year=2025)["features"]
    g1 = world["g1"]
    # A box around G109 only: S203's units are left out.
    box = f"{g1.min_lon - 0.001},{g1.min_lat - 0.001},{g1.max_lon + 0.001},{g1.max_lat + 0.001}"
    near = geojson(client, year=2025, bbox=box, zoom=14)
    assert near["detailed"] is True
    routes = {f["properties"]["route"] for f in near["features"]}
    assert "G109" in routes and len(near["features"]) <= len(everything)
    # Far away: nothing.
    assert geojson(client, year=2025, bbox="0,0,1,1", zoom=14)["features"] == []
    # Zoomed out: runs of one grade, each simplified, popups inline, fewer features.
    far = geojson(client, year=2025, bbox="-180,-90,180,90", zoom=8)
    assert far["detailed"] is False
    assert 0 < len(far["features"]) <= len(everything)
    assert sum(f["properties"]["units"] for f in far["features"]) == len(everything)
    for feature in far["features"]:
        props = feature["properties"]
        assert props["color"] == GRADE_COLOURS.get(props["grade"], NO_DATA_COLOUR)
        assert len(feature["geometry"]["coordinates"]) >= 2
        assert all(len(pair) == 2 for pair in props["popup"])
    # A malformed view is ignored (the whole selection, detailed).
    assert len(geojson(client, year=2025, bbox="x,1,2", zoom="a")["features"]) == len(everything)


@pytest.mark.parametrize("index", ["pqi", "rqi", "pci"])
def test_database_summaries_agree_with_the_engine(world: dict[str, Any], index: str) -> None:
    from zhiyang.condition import reports, summaries

    for who in ("engineer", "east_viewer"):
        user = world[who]
        selection = reports.Selection(year=2025, index=index)
        units = list(reports.select_units(user, selection))
        got = summaries.summaries(user, selection)
        want = reports.summarise("", "", units, index)
        pairs = [(got.network, want)]
        pairs += zip(got.by_route, reports.summary_by(units, index, "route"), strict=True)
        pairs += zip(got.by_district, reports.summary_by(units, index, "district"), strict=True)
        for mine, engine in pairs:
            assert (mine.key, mine.units) == (engine.key, engine.units)
            assert mine.length_m == pytest.approx(engine.length_m)
            assert mine.mean == pytest.approx(engine.mean)
            assert mine.good_rate == pytest.approx(engine.good_rate)
            assert mine.poor_rate == pytest.approx(engine.poor_rate)
            for grade in reports.GRADES:
                assert mine.percent(grade) == pytest.approx(engine.percent(grade))
        trend = summaries.yearly_trend(user, selection)
        every = list(reports.select_units(user, selection, all_years=True))
        expected = reports.yearly_trend(every, index)
        assert trend.keys() == expected.keys()
        for key in expected:
            assert trend[key] == pytest.approx(expected[key])


def test_map_geojson_is_scoped(world: dict[str, Any]) -> None:
    east = geojson(client_for(world["east_viewer"]), year=2025)
    assert {f["properties"]["route"] for f in east["features"]} == {"S203"}
    west = geojson(client_for(world["west_viewer"]), year=2025)
    assert {f["properties"]["route"] for f in west["features"]} == {"G109"}
    # Asking for a route outside the scope gives nothing.
    assert geojson(client_for(world["east_viewer"]), year=2025, route="G109")["features"] == []


def test_map_defaults_to_latest_year_and_filters_route(world: dict[str, Any]) -> None:
    client = client_for(world["engineer"])
    latest = geojson(client)
    assert {f["properties"]["route"] for f in latest["features"]} == {"G109", "S203"}
    g109_2024 = geojson(client, year=2024, route="G109")
    assert g109_2024["features"]
    assert {f["properties"]["route"] for f in g109_2024["features"]} == {"G109"}


def test_map_page_has_legend_and_map(world: dict[str, Any]) -> None:
    response = client_for(world["engineer"]).get(reverse("condition:map"), {"index": "pci"})
    html = response.content.decode()
    assert 'data-geojson-url="/condition/map/units.geojson?' in html
    assert "index=pci" in html
    for colour in GRADE_COLOURS.values():
        assert colour in html


def test_statistics_shows_rates_and_charts(world: dict[str, Any]) -> None:
    response = client_for(world["engineer"]).get(
        reverse("condition:statistics"), {"year": 2025, "index": "rqi"}
    )
    assert response.status_code == 200
    context = response.context
    network = context["network"]
    assert network.units == SurveyUnit.objects.filter(survey__survey_date__year=2025).count()
    assert network.good_rate is not None and 0.0 <= network.good_rate <= 1.0
    assert sum(network.shares.values()) == pytest.approx(1.0)
    assert [r.key for r in context["by_route"]] == ["G109", "S203"]
    assert {s["name"] for s in context["route_chart"]["series"]} == set("优良中次差")
    trend = context["trend_chart"]
    assert trend["xAxis"]["data"] == ["2024", "2025"]
    html = response.content.decode()
    assert 'data-chart-json="chart-routes-data"' in html
    assert "vendor/echarts/echarts.min.js" in html


def test_statistics_scope_hides_other_districts(world: dict[str, Any]) -> None:
    response = client_for(world["east_viewer"]).get(reverse("condition:statistics"))
    assert [r.key for r in response.context["by_route"]] == ["S203"]
    assert [r.key for r in response.context["by_district"]] == ["140221"]
    assert "G109" not in response.content.decode()


def test_linear_chart_overlays_years(world: dict[str, Any]) -> None:
    client = client_for(world["engineer"])
    data = client.get(reverse("condition:linear-chart"), {"route": "G109", "index": "rqi"}).json()
    assert [s["name"] for s in data["series"]] == ["2024", "2025"]
    assert data["xAxis"]["axisLabel"]["formatter"] == "@chainage"
    first = data["series"][0]["data"]
    assert first[0][0] == 0.0 and first[1][0] == 1000.0  # a step per 1000 m unit
    east = client_for(world["east_viewer"]).get(
        reverse("condition:linear-chart"), {"route": "G109"}
    )
    assert east.json() == {"empty": True}


def test_worst_units_lowest_first_and_scoped(world: dict[str, Any]) -> None:
    response = client_for(world["engineer"]).get(
        reverse("condition:worst-units"), {"year": 2025, "index": "rqi"}
    )
    values = [row["value"] for row in response.context["rows"]]
    assert values == sorted(values) and values
    assert "unit=" in response.context["rows"][0]["map_url"]
    east = client_for(world["east_viewer"]).get(reverse("condition:worst-units"), {"year": 2025})
    assert {row["unit"].route.code for row in east.context["rows"]} <= {"S203"}


def test_survey_detail_404_outside_scope_and_approve(world: dict[str, Any]) -> None:
    g1 = world["g1_2025"]
    url = reverse("condition:survey-detail", args=[g1.pk])
    assert client_for(world["east_viewer"]).get(url).status_code == 404
    assert client_for(world["west_viewer"]).get(url).status_code == 200
    list_page = client_for(world["east_viewer"]).get(reverse("condition:survey-list"))
    assert {s.route.code for s in list_page.context["surveys"]} == {"S203"}


def test_engineer_approves_a_draft(world: dict[str, Any]) -> None:
    from tests.condition.pages_helpers import rated_survey

    draft = rated_survey(world["engineer"], world["s1"], 2023, iri_base=2.0, approve=False)
    url = reverse("condition:survey-approve", args=[draft.pk])
    assert client_for(world["manager"]).post(url).status_code == 404
    response = client_for(world["engineer"]).post(url)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "approved"


def test_excel_export_opens_and_is_scoped(world: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    response = client_for(world["east_viewer"]).get(reverse("condition:export"), {"year": 2025})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    summary, units = workbook.worksheets
    routes = {row[0] for row in units.iter_rows(min_row=2, values_only=True)}
    assert routes == {"S203"}
    texts = " ".join(str(c) for row in summary.iter_rows(values_only=True) for c in row if c)
    assert "G109" not in texts and "S203" in texts


def test_pdf_report_contains_title_and_is_scoped(world: dict[str, Any]) -> None:
    from tests.pdfs import pdf_text
    from zhiyang.core.pdf import PdfFontMissing, font_files

    try:
        font_files()
    except PdfFontMissing:
        pytest.skip("no CJK font installed")
    response = client_for(world["east_viewer"]).get(reverse("condition:report"), {"year": 2025})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "路面技术状况" in text
    assert "S203" in text and "G109" not in text


def test_pdf_without_font_gives_a_message(world: dict[str, Any], monkeypatch: Any) -> None:
    from zhiyang.condition import reports
    from zhiyang.core.pdf import PdfFontMissing

    def missing(*args: Any, **kwargs: Any) -> bytes:
        raise PdfFontMissing

    monkeypatch.setattr(reports, "build_pdf", missing)
    response = client_for(world["engineer"]).get(reverse("condition:report"), follow=True)
    assert response.status_code == 200
    assert "fonts-noto-cjk" in response.content.decode()


def test_phone_report_locates_and_saves(world: dict[str, Any]) -> None:
    from zhiyang.network import linref

    client = client_for(world["engineer"])
    lon, lat = linref.point_at(world["s1"], 2345.0)
    located = client.get(reverse("network:locate"), {"lon": lon, "lat": lat}).json()
    assert located["route"] == "S203"
    assert located["chainage"] == "K2+345"
    response = client.post(
        reverse("condition:distress-report"),
        {"lon": lon, "lat": lat, "item": "pothole|heavy", "quantity": "0.5"},
        follow=True,
    )
    assert response.status_code == 200
    record = Distress.objects.get(source="phone")
    assert record.route.code == "S203" and record.start_m == pytest.approx(2345.0, abs=1.0)
    assert "K2+345" in response.content.decode()


def test_phone_report_needs_a_position(world: dict[str, Any]) -> None:
    response = client_for(world["engineer"]).post(
        reverse("condition:distress-report"), {"item": "pothole|heavy", "quantity": "1"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Distress.objects.filter(source="phone").exists()


def test_locate_outside_scope_is_not_found(world: dict[str, Any], make_user: Any) -> None:
    from zhiyang.network import linref

    lon, lat = linref.point_at(world["g1"], 500.0)
    east_engineer = make_user(role="engineer", organisation=world["org_east"])
    response = client_for(east_engineer).get(reverse("network:locate"), {"lon": lon, "lat": lat})
    assert response.status_code == 404


def _csv(rows: list[str]) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = ("start_m,end_m,iri,rd_mm\n" + "\n".join(rows) + "\n").encode()
    return SimpleUploadedFile("intervals.csv", content, content_type="text/csv")


def test_import_page_writes_a_new_survey(world: dict[str, Any]) -> None:
    from zhiyang.condition.models import Survey

    before = Survey.objects.count()
    rows = [f"{s},{s + 100},{2.0 + s / 5000:.2f},5" for s in range(0, 5000, 100)]
    response = client_for(world["engineer"]).post(
        reverse("condition:import"),
        {
            "kind": "intervals",
            "file": _csv(rows),
            "route": world["s1"].pk,
            "survey_date": "2026-05-01",
            "direction": "up",
            "lane": 1,
            "method": "vehicle",
            "edition": "2018",
            "unit_length_m": 1000,
        },
    )
    assert response.status_code == 200
    assert Survey.objects.count() == before + 1
    survey = response.context["survey"]
    assert survey.units.count() == 5
    assert response.context["summary"]["rows"] == 50


def test_import_page_lists_errors_by_row_and_changes_nothing(world: dict[str, Any]) -> None:
    from zhiyang.condition.models import Survey, SurveyInterval

    before = (Survey.objects.count(), SurveyInterval.objects.count())
    response = client_for(world["engineer"]).post(
        reverse("condition:import"),
        {
            "kind": "intervals",
            "file": _csv(["0,100,2.1,5", "100,200,abc,5", "200,300,2.2,5"]),
            "route": world["s1"].pk,
            "survey_date": "2026-05-01",
            "direction": "up",
            "lane": 1,
            "method": "vehicle",
            "edition": "2018",
            "unit_length_m": 1000,
        },
    )
    assert response.status_code == 200
    errors = response.context["errors"]
    assert errors and errors[0].row == 3 and errors[0].column
    assert (Survey.objects.count(), SurveyInterval.objects.count()) == before
    assert 'id="import-errors"' in response.content.decode()


def test_import_into_a_draft_survey_of_another_scope_is_refused(
    world: dict[str, Any], make_user: Any
) -> None:
    from tests.condition.pages_helpers import rated_survey

    draft = rated_survey(world["engineer"], world["g1"], 2026, iri_base=2.0, approve=False)
    east_engineer = make_user(role="engineer", organisation=world["org_east"])
    response = client_for(east_engineer).post(
        reverse("condition:import"),
        {"kind": "intervals", "file": _csv(["0,100,2.1,5"]), "survey": draft.pk},
    )
    assert response.status_code == 200
    assert "survey" in response.context["form"].errors


def test_large_import_runs_as_a_background_job(world: dict[str, Any], monkeypatch: Any) -> None:
    from zhiyang.condition import tasks
    from zhiyang.core.models import Job

    monkeypatch.setattr(tasks, "needs_background", lambda *args: True)
    response = client_for(world["engineer"]).post(
        reverse("condition:import"),
        {
            "kind": "intervals",
            "file": _csv(["0,100,2.1,5"]),
            "route": world["s1"].pk,
            "survey_date": "2026-05-01",
            "direction": "up",
            "lane": 1,
            "method": "vehicle",
            "edition": "2018",
            "unit_length_m": 1000,
        },
    )
    assert response.status_code == 200
    job = response.context["job"]
    assert Job.objects.filter(pk=job.pk, object_id=str(response.context["survey"].pk)).exists()
    html = response.content.decode()
    assert f'id="job-{job.pk}"' in html and "hx-get" in html


def test_yanggao_user_sees_only_its_districts_in_the_demo(shared_demo: Any) -> None:
    """The demo's 阳高天镇工区 viewer: map, worst units, statistics, export and PDF hold
    units of 阳高县 (140221) and 天镇县 (140222) only."""
    from openpyxl import load_workbook

    from tests.pdfs import pdf_text
    from zhiyang.core.models import User
    from zhiyang.core.pdf import PdfFontMissing, font_files

    assert SurveyUnit.objects.filter(survey__status="approved").exists()
    user = User.objects.get(username="yanggao_viewer")
    client = client_for(user)
    ours = {"140221", "140222"}
    names = {
        u.district.display_name
        for u in SurveyUnit.objects.filter(district__code__in=ours).select_related("district")
    }
    others = {
        u.district.display_name
        for u in SurveyUnit.objects.exclude(district__code__in=ours).select_related("district")
    }
    features = geojson(client)["features"]
    assert features
    unit_ids = [f["properties"]["unit"] for f in features]
    assert (
        set(SurveyUnit.objects.filter(pk__in=unit_ids).values_list("district__code", flat=True))
        <= ours
    )
    worst = client.get(reverse("condition:worst-units"))
    assert {row["unit"].district.code for row in worst.context["rows"]} <= ours
    stats = client.get(reverse("condition:statistics"))
    assert {s.key for s in stats.context["by_district"]} <= ours
    workbook = load_workbook(io.BytesIO(client.get(reverse("condition:export")).content))
    sheet_districts = {r[1] for r in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)}
    assert sheet_districts and sheet_districts <= names
    try:
        font_files()
    except PdfFontMissing:
        return
    text = pdf_text(client.get(reverse("condition:report")).content)
    assert any(name in text for name in names)
    assert not any(name in text for name in others - names)
