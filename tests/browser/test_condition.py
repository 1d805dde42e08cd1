"""Condition pages in a real browser: the map draws units coloured by grade with its legend,
the charts draw, the pages fit a phone, and the phone distress form locates itself with a
(faked) GPS position, submits and shows the chainage it was placed at."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, LOCALES, PHONE, log_in, shoot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRADE_COLOURS = {"#2e9d57", "#2f74c0", "#e3b505", "#ea7d1c", "#d0362c"}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def condition_demo(demo: Any) -> Any:
    """The demo, whose condition data are two approved survey years on every route."""
    from zhiyang.condition.models import Survey

    assert set(
        Survey.objects.filter(status="approved").values_list("survey_date__year", flat=True)
    ) == {
        2025,
        2026,
    }
    return demo


def no_horizontal_scroll(page: Any) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"the page scrolls sideways by {overflow}px"


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_condition_map_draws_coloured_units_and_legend(
    condition_demo: Any, new_page: Callable[..., Any], lang: str, width: int
) -> None:
    page = new_page(lang=lang, width=width)
    log_in(page, "engineer", condition_demo.password)
    page.goto("/condition/map/")
    drawn = page.wait_for_selector("#condition-map[data-layers-drawn]", state="attached")
    assert int(drawn.get_attribute("data-layers-drawn") or "0") > 0
    strokes = set(
        page.eval_on_selector_all(
            "#condition-map path.leaflet-interactive",
            "els => els.map(e => e.getAttribute('stroke'))",
        )
    )
    assert strokes & GRADE_COLOURS, f"no unit drawn in a grade colour: {strokes}"
    legend = page.locator("#condition-legend li")
    assert legend.count() == 6  # five grades and "no data"
    legend_text = page.locator("#condition-legend").inner_text()
    assert ("优" in legend_text) and (bool(CJK.search(legend_text)))
    if lang == "en":
        assert "Excellent" in legend_text
    no_horizontal_scroll(page)
    # A unit's popup: chainage heading and the index rows.
    page.evaluate(
        "() => window.zhiyangMaps.find(m => m.element.id === 'condition-map')"
        ".layer.getLayers().at(-1).openPopup()"
    )
    popup = page.wait_for_selector(".leaflet-popup-content .map-popup-title")
    assert re.search(r"K\d+\+\d{3}", popup.inner_text())
    page.wait_for_timeout(400)  # the popup pans the map into view
    shoot(page, "condition-map", lang, width)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_statistics_draws_the_charts(
    condition_demo: Any, new_page: Callable[..., Any], lang: str, width: int
) -> None:
    page = new_page(lang=lang, width=width)
    log_in(page, "engineer", condition_demo.password)
    page.goto("/condition/statistics/?index=rqi")
    for chart in ("#chart-routes", "#chart-districts", "#chart-trend", "#chart-linear"):
        page.wait_for_selector(f"{chart}[data-chart-drawn='1']", state="attached")
        assert page.locator(f"{chart} canvas").count() >= 1, chart
    assert page.locator(".cond-summary").count() == 2
    no_horizontal_scroll(page)
    shoot(page, "condition-statistics", lang, width)
    if width == DESKTOP:
        # A chart swapped in by htmx is drawn too.
        drawn_before = page.evaluate("() => window.zhiyangCharts.length")
        page.evaluate(
            "() => htmx.ajax('GET', location.pathname + '?index=pci', "
            "{target: '#chart-trend', select: '#chart-trend', swap: 'outerHTML'})"
        )
        page.wait_for_function(
            "(n) => window.zhiyangCharts.length > n",
            arg=drawn_before,
        )
        page.wait_for_selector("#chart-trend[data-chart-drawn='1']", state="attached")
        assert page.locator("#chart-trend canvas").count() >= 1


def test_worst_units_link_opens_the_unit_on_the_map(
    condition_demo: Any, new_page: Callable[..., Any]
) -> None:
    page = new_page(lang="zh-hans", width=PHONE)
    log_in(page, "engineer", condition_demo.password)
    page.goto("/condition/worst/?index=rqi")
    no_horizontal_scroll(page)
    shoot(page, "condition-worst", "zh-hans", PHONE)
    with page.expect_navigation():
        page.locator("main table a").first.click()
    page.wait_for_selector("#condition-map[data-focused-unit]", state="attached")
    assert page.locator(".leaflet-popup-content").count() == 1


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_phone_distress_report_with_gps(
    condition_demo: Any, browser: Any, live_server: Any, lang: str
) -> None:
    from zhiyang.network import linref
    from zhiyang.network.chainage import format_chainage
    from zhiyang.network.models import Route

    route = Route.objects.get(code="S203")
    chainage_m = route.start_m + 2345.0
    lon, lat = linref.point_at(route, chainage_m)
    context = browser.new_context(
        base_url=live_server.url,
        locale=LOCALES[lang],
        viewport={"width": PHONE, "height": 812},
        geolocation={"longitude": lon, "latitude": lat, "accuracy": 5},
        permissions=["geolocation"],
        has_touch=True,
        is_mobile=True,
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        log_in(page, "engineer", condition_demo.password)
        page.goto("/condition/distress/report/")
        photo = page.locator("input[type=file]")
        assert photo.get_attribute("capture") == "environment"
        assert photo.get_attribute("accept") == "image/*"
        page.click("#locate-btn")
        located = page.wait_for_selector("#located[data-chainage]")
        expected = format_chainage(chainage_m)
        assert located.get_attribute("data-chainage") == expected
        assert "S203" in located.inner_text()
        no_horizontal_scroll(page)
        shoot(page, "condition-distress-located", lang, PHONE)
        page.select_option("select[name=item]", "pothole|heavy")
        page.fill("input[name=quantity]", "0.6")
        with page.expect_navigation():
            page.click("#distress-form button[type=submit]")
        saved = page.wait_for_selector("#saved-chainage")
        assert saved.inner_text() == expected
        shoot(page, "condition-distress-saved", lang, PHONE)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_other_pages_fit_phone_and_desktop(
    condition_demo: Any, new_page: Callable[..., Any], lang: str
) -> None:
    from zhiyang.condition.models import Survey

    survey = Survey.objects.filter(status="approved").order_by("pk").first()
    assert survey is not None
    pages = {
        "condition-surveys": "/condition/surveys/",
        "condition-survey-detail": f"/condition/surveys/{survey.pk}/",
        "condition-import": "/condition/import/",
        "condition-worst": "/condition/worst/",
    }
    for width in (PHONE, DESKTOP):
        page = new_page(lang=lang, width=width)
        log_in(page, "engineer", condition_demo.password)
        for name, url in pages.items():
            page.goto(url)
            title = page.locator("main h1").first.inner_text()
            assert bool(CJK.search(title)) == (lang == "zh-hans"), title
            no_horizontal_scroll(page)
            shoot(page, name, lang, width)


def test_map_js_generic_feature_contract(condition_demo: Any, new_page: Callable[..., Any]) -> None:
    """Points as circle markers, polygons filled, popups from title/popup/url, escaped."""
    page = new_page(lang="en", width=DESKTOP)
    log_in(page, "viewer", condition_demo.password)
    page.goto("/condition/map/")
    page.wait_for_selector("#condition-map[data-layers-drawn]", state="attached")
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [113.3, 40.1]},
                "properties": {
                    "color": "#123456",
                    "title": "<b>Machine</b>",
                    "popup": [["Speed", "12 km/h"], ["Note", "<script>x</script>"]],
                    "url": "/condition/surveys/",
                    "url_label": "Open it",
                },
            },
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[113.2, 40.0], [113.25, 40.0], [113.25, 40.05], [113.2, 40.0]]
                    ],
                },
                "properties": {"color": "#654321", "fill_color": "#abcdef", "fill_opacity": 0.5},
            },
        ],
    }
    page.evaluate(
        """(doc) => {
            const div = document.createElement("div");
            div.className = "map"; div.id = "contract-map";
            const body = encodeURIComponent(JSON.stringify(doc));
            div.dataset.geojsonUrl = "data:application/json," + body;
            document.querySelector("main").appendChild(div);
            window.zhiyangMaps.init(div.parentNode);
        }""",
        collection,
    )
    page.wait_for_selector("#contract-map[data-layers-drawn='2']", state="attached")
    fills = page.eval_on_selector_all(
        "#contract-map path.leaflet-interactive",
        "els => els.map(e => [e.getAttribute('stroke'), e.getAttribute('fill')])",
    )
    assert ["#123456", "#123456"] in fills  # the circle marker
    assert ["#654321", "#abcdef"] in fills  # the polygon
    page.evaluate(
        "() => window.zhiyangMaps.find(m => m.element.id === 'contract-map')"
        ".layer.getLayers()[0].openPopup()"
    )
    popup = page.wait_for_selector("#contract-map .map-popup")
    assert popup.inner_text().startswith("<b>Machine</b>")  # escaped, shown as text
    assert "<script>x</script>" in popup.inner_text()
    link = page.locator("#contract-map .map-popup a")
    assert link.inner_text().startswith("Open it") and link.get_attribute("href") == (
        "/condition/surveys/"
    )
