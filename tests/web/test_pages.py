"""Pages need a login; the map, audit log and permission matrix render for those allowed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from zhiyang.core.services import create_object
from zhiyang.network.models import District

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["web:dashboard", "web:map", "audit-log", "permission-matrix"])
def test_pages_require_login(client, url_name):
    url = reverse(url_name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_map_page(client, make_user, two_districts):
    client.force_login(make_user(role="viewer", organisation=two_districts["org_all"]))
    response = client.get(reverse("web:map"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="map"' in html and 'data-legend-target="map-legend"' in html
    assert "/api/v1/network/sections/geojson/" in html or "geojson" in html


def test_shell_loads_only_local_assets(client, make_user):
    client.force_login(make_user(role="viewer"))
    html = client.get(reverse("web:dashboard")).content.decode()
    assert "htmx.min.js" in html and "leaflet.js" in html
    assert "//cdn" not in html and "unpkg" not in html and "https://" not in html
    assert 'name="viewport"' in html
    assert "X-CSRFToken" in html  # htmx sends the token


def test_audit_log_page_for_admins(client, make_user, two_districts):
    admin = make_user(role="admin", organisation=two_districts["org_all"])
    create_object(actor=admin, model=District, data={"code": "140213", "name": "平城区"})
    client.force_login(admin)
    response = client.get(reverse("audit-log"), {"resource": "district"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "平城区" in html
    assert "<details" in html


def test_audit_log_forbidden_for_viewers(client, make_user):
    client.force_login(make_user(role="viewer"))
    response = client.get(reverse("audit-log"))
    assert response.status_code == 403
    assert "403" in response.content.decode()


def test_permission_matrix_page(client, make_user):
    client.force_login(make_user(role="admin"))
    response = client.get(reverse("permission-matrix"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Branch manager" in html and "network.*" in html


def test_404_page_uses_the_shell(client, make_user):
    client.force_login(make_user(role="viewer"))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "error-code" in response.content.decode()
