"""Demo condition data: two approved survey years on every route, idempotent and fast."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.utils import translation

from zhiyang.condition import demo
from zhiyang.condition.models import Distress, Survey, SurveyInterval, SurveyUnit
from zhiyang.core.models import AuditLog
from zhiyang.demo.services import DemoContext, load_network

pytestmark = pytest.mark.django_db


@pytest.fixture
def context(make_user: Any) -> DemoContext:
    load_network()
    users = {
        name: make_user(name, username=name) for name in ("engineer", "worker", "qc_inspector")
    }
    return DemoContext(branch=None, works_area=None, users=users)  # type: ignore[arg-type]


def test_demo_loads_once(context: DemoContext) -> None:
    with translation.override("en"):
        line = demo.load_demo_data(context=context)
    assert "12 surveys" in line
    counts = (Survey.objects.count(), SurveyInterval.objects.count(), SurveyUnit.objects.count())
    audits = AuditLog.objects.filter(resource="condition.survey").count()
    assert counts[0] == 12 and counts[1] == 2 * 1097 and audits == 12
    assert Distress.objects.filter(source="phone", survey=None).count() == 4
    with translation.override("en"):
        again = demo.load_demo_data(context=context)
    assert again == "Condition: the demo surveys were already loaded."
    assert (
        Survey.objects.count(),
        SurveyInterval.objects.count(),
        SurveyUnit.objects.count(),
    ) == counts
    assert AuditLog.objects.filter(resource="condition.survey").count() == audits
    assert Distress.objects.filter(source="phone").count() == 4


def test_demo_values_are_plausible_and_worsen(context: DemoContext) -> None:
    demo.load_demo_data(context=context)
    assert set(Survey.objects.values_list("status", flat=True)) == {"approved"}
    iri = list(SurveyInterval.objects.values_list("iri", flat=True))
    typical = sum(1.2 <= v <= 4.5 for v in iri) / len(iri)
    assert typical > 0.8 and max(iri) > 5
    units = SurveyUnit.objects.all()
    assert units.filter(pqi__isnull=True).count() == 0
    by_year = {
        year: Counter(
            units.filter(survey__survey_date__year=year).values_list("grade_pqi", flat=True)
        )
        for year in (2025, 2026)
    }
    assert by_year[2026]["优"] < by_year[2025]["优"]
    assert by_year[2026]["次"] + by_year[2026]["差"] > 0
    # the worst stretch got worse from one year to the next
    worst = units.filter(survey__survey_date__year=2025).order_by("pqi").first()
    later = units.get(survey__survey_date__year=2026, route=worst.route, start_m=worst.start_m)
    assert later.pqi < worst.pqi


def test_yanggao_tianzhen_sees_only_its_districts(
    context: DemoContext, make_user: Any, api_client_for: Any
) -> None:
    from zhiyang.core.models import Organisation
    from zhiyang.demo.services import WORKS_AREA_DISTRICTS, WORKS_AREA_NAME
    from zhiyang.network.models import District

    demo.load_demo_data(context=context)
    works_area = Organisation.objects.create(code="yanggao-tianzhen", name=WORKS_AREA_NAME)
    works_area.districts.set(District.objects.filter(code__in=WORKS_AREA_DISTRICTS))
    viewer = make_user("viewer", organisation=works_area, username="yanggao_viewer")
    client = api_client_for(viewer)
    units = client.get("/api/v1/condition/units/", {"page_size": 1000}).json()
    mine = SurveyUnit.objects.filter(district__code__in=WORKS_AREA_DISTRICTS)
    assert units["count"] == mine.count() > 0
    assert {u["district"] for u in units["results"]} == set(WORKS_AREA_DISTRICTS)
    elsewhere = SurveyUnit.objects.exclude(district__code__in=WORKS_AREA_DISTRICTS).first()
    assert client.get(f"/api/v1/condition/units/{elsewhere.pk}/").status_code == 404
    summary = client.get("/api/v1/condition/summary/").json()
    assert summary["year"] == 2026 and [r["route"] for r in summary["routes"]] == ["G110"]
