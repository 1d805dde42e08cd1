"""Network pages: route list and detail within scope, import and export."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zhiyang.network.models import Section

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_route_list_shows_only_the_scope(two_districts: Any, make_user: Any) -> None:
    viewer = make_user(role="viewer", organisation=two_districts["org_east"])
    response = client_for(viewer).get(reverse("network:route-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "S203" in html and "G109" not in html
    assert reverse("network:route-detail", kwargs={"code": "S203"}) in html
    assert "阳高县" in html  # its district
    assert reverse("network:import") not in html  # viewers cannot import
    filtered = client_for(viewer).get(reverse("network:route-list"), {"q": "nothing"})
    assert "S203" not in filtered.content.decode()
    # The district filter offers (and accepts) only districts in the scope.
    response = client_for(viewer).get(reverse("network:route-list"), {"district": "140221"})
    html = response.content.decode()
    assert "S203" in html and 'value="140226"' not in html


def test_route_detail_and_404(two_districts: Any, make_user: Any) -> None:
    viewer = make_user(role="viewer", organisation=two_districts["org_east"])
    client = client_for(viewer)
    response = client.get(reverse("network:route-detail", kwargs={"code": "S203"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "K0+000" in html and "K5+000" in html
    assert 'class="map' in html and "data-geojson-url=" in html
    assert "/api/v1/network/sections/geojson/?route=S203" in html
    assert client.get(reverse("network:route-detail", kwargs={"code": "G109"})).status_code == 404
    assert client.get(reverse("network:route-detail", kwargs={"code": "X"})).status_code == 404


def test_import_page(two_districts: Any, make_user: Any) -> None:
    viewer = make_user(role="viewer", organisation=two_districts["org_east"])
    assert client_for(viewer).get(reverse("network:import")).status_code == 403
    engineer = make_user(role="engineer", organisation=two_districts["org_east"])
    client = client_for(engineer)
    assert client.get(reverse("network:import")).status_code == 200
    section: dict[str, Any] = {
        "type": "Feature",
        "geometry": None,
        "properties": {
            "kind": "section",
            "route": "S203",
            "start_m": 0,
            "end_m": 5000,
            "lanes": 2,
            "width_m": "narrow",
            "pavement": "gravel",
            "district": "140221",
        },
    }
    doc = {"type": "FeatureCollection", "features": [section]}
    upload = SimpleUploadedFile("n.geojson", json.dumps(doc).encode())
    response = client.post(reverse("network:import"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "width_m" in html and "pavement" in html and "errors-table" in html
    assert Section.objects.get(route__code="S203").width_m == 9  # unchanged
    section["properties"].update(width_m=8, pavement="asphalt")
    upload = SimpleUploadedFile("n.geojson", json.dumps(doc).encode())
    response = client.post(reverse("network:import"), {"file": upload})
    assert response.status_code == 200
    assert "errors-table" not in response.content.decode()
    assert Section.objects.get(route__code="S203").width_m == 8
    upload = SimpleUploadedFile("n.txt", b"x")
    response = client.post(reverse("network:import"), {"file": upload})
    assert ".xlsx" in response.content.decode()


def test_export_links(two_districts: Any, make_user: Any) -> None:
    viewer = make_user(role="viewer", organisation=two_districts["org_east"])
    client = client_for(viewer)
    url = reverse("network:export")
    response = client.get(url, {"format": "geojson"})
    assert response.status_code == 200
    codes = {f["properties"].get("code") for f in json.loads(response.content)["features"]}
    assert "G109" not in codes and "S203" in codes
    assert client.get(url, {"format": "xlsx"})["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    assert client.get(url, {"format": "template"}).status_code == 200


def test_route_list_pages_keep_filters_and_total_everything(make_user: Any) -> None:
    from zhiyang.core.models import Organisation
    from zhiyang.network.models import Route

    Route.objects.bulk_create(
        Route(
            code=f"X{n:03d}",
            name=f"Road {n}",
            admin_level="county",
            tech_class="class4",
            pavement="asphalt",
            start_m=0,
            end_m=1000,
        )
        for n in range(120)
    )
    org = Organisation.objects.create(code="all", name="All", whole_network=True)
    client = client_for(make_user(role="viewer", organisation=org))
    first = client.get(reverse("network:route-list"), {"tech_class": "class4"}).content.decode()
    assert "X000" in first and "X050" not in first
    assert "120 routes" in first and ">120.0<" in first  # totals cover every page
    assert "page=2" in first and "tech_class=class4" in first  # next link keeps the filter
    third = client.get(reverse("network:route-list"), {"tech_class": "class4", "page": "3"})
    assert "X119" in third.content.decode()
    junk = client.get(reverse("network:route-list"), {"page": "junk"})
    assert junk.status_code == 200
