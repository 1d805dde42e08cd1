"""Report building blocks: golden aggregation values, properties of the grade shares, and
the workbook and PDF contents (scope is tested through the views in test_views.py)."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.condition.pages_helpers import build_condition
from zhiyang.condition import reports
from zhiyang.condition.reports import Selection


def fake_unit(value: float | None, length_m: float, route: str = "G1", year: int = 2025) -> Any:
    """Just what the summaries read of a unit."""
    return SimpleNamespace(
        pqi=value,
        rqi=value,
        length_m=length_m,
        route=SimpleNamespace(code=route, name=route),
        district=SimpleNamespace(code="D", display_name="D"),
        survey=SimpleNamespace(survey_date=dt.date(year, 6, 1)),
    )


def test_summary_golden_values() -> None:
    units = [fake_unit(95.0, 1000.0), fake_unit(65.0, 500.0), fake_unit(None, 250.0)]
    summary = reports.summarise("G1", "G1", units, "pqi")
    assert summary.units == 3
    assert summary.length_m == 1750.0  # the unrated unit still counts as road
    assert summary.mean == pytest.approx((95 * 1000 + 65 * 500) / 1500)  # 85.0
    assert summary.grade == "良"
    assert summary.shares["优"] == pytest.approx(2 / 3)
    assert summary.shares["次"] == pytest.approx(1 / 3)
    assert summary.good_rate == pytest.approx(2 / 3)
    assert summary.poor_rate == pytest.approx(1 / 3)
    assert [g for g, _p in summary.grade_percents] == list("优良中次差")


def test_summary_without_rated_units_is_blank() -> None:
    summary = reports.summarise("G1", "G1", [fake_unit(None, 1000.0)], "pqi")
    assert summary.mean is None and summary.good_rate is None and summary.shares == {}
    assert summary.grade == ""
    assert all(p is None for _g, p in summary.grade_percents)


def test_grade_boundaries_follow_the_engine() -> None:
    assert [reports.grade_of(v) for v in (90.0, 89.99, 80.0, 70.0, 60.0, 59.9)] == [
        "优",
        "良",
        "良",
        "中",
        "次",
        "差",
    ]
    assert reports.grade_of(None) == ""


def test_trend_by_year_and_route() -> None:
    units = [
        fake_unit(90.0, 1000.0, "G1", 2024),
        fake_unit(80.0, 1000.0, "G2", 2024),
        fake_unit(70.0, 1000.0, "G1", 2025),
    ]
    trend = reports.yearly_trend(units, "pqi")
    assert trend[""] == {2024: pytest.approx(85.0), 2025: pytest.approx(70.0)}
    assert trend["G2"] == {2024: pytest.approx(80.0)}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.floats(0, 100, allow_nan=False)),
            st.floats(1, 5000, allow_nan=False),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_shares_are_a_partition(rows: list[tuple[float | None, float]]) -> None:
    summary = reports.summarise("k", "k", [fake_unit(v, length) for v, length in rows], "pqi")
    if summary.mean is None:
        assert all(v is None for v, _l in rows)
        return
    assert sum(summary.shares.values()) == pytest.approx(1.0)
    assert summary.good_rate is not None and summary.poor_rate is not None
    assert summary.good_rate + summary.poor_rate <= 1.0 + 1e-9
    rated = [v for v, _l in rows if v is not None]
    assert min(rated) - 1e-9 <= summary.mean <= max(rated) + 1e-9


@pytest.fixture
def network(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    engineer = make_user(role="engineer", organisation=two_districts["org_all"])
    return {**two_districts, **build_condition(two_districts, engineer), "engineer": engineer}


def test_workbook_has_summary_and_units(network: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    with translation.override("en"):
        content = reports.build_workbook(network["engineer"], Selection(year=2025, index="rqi"))
    workbook = load_workbook(io.BytesIO(content))
    summary, units = workbook.worksheets
    header = [c.value for c in units[1]]
    assert header[:2] == ["Route", "District"] and "PQI grade" in header
    rows = list(units.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 15  # G109 10 km + S203 5 km in 1000 m units
    assert {r[0] for r in rows} == {"G109", "S203"}
    assert all(str(r[4]).startswith("K") for r in rows)
    labels = [row[0] for row in summary.iter_rows(values_only=True)]
    assert "By route" in labels and "By district" in labels
    assert labels.count("Whole scope") == 2


def test_pdf_has_title_summary_and_units(network: dict[str, Any]) -> None:
    from tests.pdfs import pdf_text
    from zhiyang.core.pdf import PdfFontMissing

    try:
        with translation.override("en"):
            content = reports.build_pdf(network["engineer"], Selection(year=2025, route="G109"))
    except PdfFontMissing:
        pytest.skip("no CJK font installed")
    text = pdf_text(content)
    assert "路面技术状况" in text
    assert "Summary by route" in text and "Summary by district" in text
    assert "K9+000" in text and "S203" not in text
