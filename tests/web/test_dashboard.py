"""The dashboard's network KPIs follow the user's scope and are summed correctly."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhiyang.network.models import Section
from zhiyang.web.views import network_kpis

pytestmark = pytest.mark.django_db


def _bar_km(chart, label):
    return next(row["km"] for row in chart["rows"] if str(row["label"]) == label)


def test_whole_network_kpis(make_user, two_districts):
    user = make_user(role="manager", organisation=two_districts["org_all"])
    kpis = network_kpis(user)
    assert kpis["length_km"] == pytest.approx(15.0)
    assert (kpis["routes"], kpis["sections"], kpis["districts"]) == (2, 2, 2)
    assert kpis["by_district"]["total_km"] == pytest.approx(15.0)
    assert _bar_km(kpis["by_district"], "左云县") == pytest.approx(10.0)
    assert kpis["by_class"]["total_km"] == pytest.approx(15.0)
    assert kpis["by_level"]["total_km"] == pytest.approx(15.0)
    assert kpis["by_pavement"]["total_km"] == pytest.approx(15.0)


def test_scoped_user_sees_only_their_districts(make_user, two_districts):
    user = make_user(role="engineer", organisation=two_districts["org_east"])
    kpis = network_kpis(user)
    assert kpis["length_km"] == pytest.approx(5.0)
    assert (kpis["routes"], kpis["sections"], kpis["districts"]) == (1, 1, 1)
    assert [str(row["label"]) for row in kpis["by_district"]["rows"]] == ["阳高县"]


def test_lengths_are_not_multiplied_by_the_scope_join(make_user, two_districts):
    # A second (down-direction) section on S203 makes the route match the scope twice.
    Section.objects.create(
        route=two_districts["s1"],
        direction="down",
        start_m=0,
        end_m=5_000,
        width_m=9,
        lanes=2,
        pavement="concrete",
        district=two_districts["east"],
    )
    user = make_user(role="engineer", organisation=two_districts["org_east"])
    kpis = network_kpis(user)
    assert kpis["length_km"] == pytest.approx(5.0)
    assert kpis["sections"] == 2
    # The down carriageway repeats the same stretch of road: it is not counted twice.
    assert kpis["by_district"]["total_km"] == pytest.approx(5.0)
    assert kpis["by_pavement"]["total_km"] == pytest.approx(5.0)


def test_user_without_organisation_sees_nothing(make_user, two_districts):
    kpis = network_kpis(make_user(role="viewer"))
    assert kpis["length_km"] == 0
    assert (kpis["routes"], kpis["sections"], kpis["districts"]) == (0, 0, 0)
    assert kpis["by_district"]["rows"] == []


def test_dashboard_page_renders_scoped_kpis(client, make_user, two_districts):
    user = make_user(role="engineer", organisation=two_districts["org_east"])
    client.force_login(user)
    response = client.get(reverse("web:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "5.0" in html
    assert 'class="kpis"' in html
    assert "Yanggao" in html  # English district names in English
    assert "Zuoyun" not in html
    assert 'data-geojson-url="' in html


def test_dashboard_query_count_does_not_grow_with_rows(client, make_user, two_districts):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_user(role="manager", organisation=two_districts["org_all"])
    client.force_login(user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("web:dashboard")).status_code == 200
        return len(captured)

    before = queries()
    section = Section.objects.first()
    for i in range(5):  # more sections in more rows of every breakdown
        Section.objects.create(
            route=section.route,
            district=section.district,
            start_m=section.end_m + i * 100,
            end_m=section.end_m + i * 100 + 50,
            direction=section.direction,
            pavement=section.pavement,
            width_m=section.width_m,
        )
    assert queries() == before
    assert before <= 40  # tiles of every app included
