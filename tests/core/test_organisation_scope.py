"""An organisation's districts and routes: declared by the network app (core knows no network
model), yet written, read and audited as the organisation's own, through the API, the
generic services and the admin."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from zhiyang.core import services
from zhiyang.core.access import scoped_through
from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import AuditLog, Organisation

pytestmark = pytest.mark.django_db


def test_api_reads_and_writes_the_districts_and_routes(two_districts, make_user):
    client = APIClient()
    client.force_authenticate(make_user(role="admin", organisation=two_districts["org_all"]))
    east, g1 = two_districts["east"], two_districts["g1"]
    response = client.post(
        "/api/v1/core/organisations/",
        {"code": "crew-a", "name": "Crew A", "districts": [east.pk], "routes": [g1.pk]},
        format="json",
    )
    assert response.status_code == 201, response.content
    org = Organisation.objects.get(code="crew-a")
    assert list(org.districts.all()) == [east]
    assert list(org.routes.all()) == [g1]
    body = client.get(f"/api/v1/core/organisations/{org.pk}/").json()
    assert body["districts"] == [east.pk] and body["routes"] == [g1.pk]


def test_services_write_and_audit_them(two_districts):
    east, west = two_districts["east"], two_districts["west"]
    org = services.create_object(
        actor=SYSTEM, model=Organisation, data={"code": "x", "name": "X", "districts": [east]}
    )
    services.update_object(actor=SYSTEM, obj=org, data={"districts": [east, west]})
    rows = AuditLog.objects.filter(resource="core.organisation", object_id=str(org.pk))
    created, updated = rows.order_by("pk")
    assert created.after["districts"] == [east.pk]
    assert updated.before["districts"] == [east.pk]
    assert updated.after["districts"] == sorted([east.pk, west.pk])


def test_admin_edits_them_inline(two_districts, make_user):
    admin = make_user(role="admin", organisation=two_districts["org_all"], is_superuser=True)
    admin.is_staff = True
    admin.save()
    client = Client()
    client.force_login(admin)
    org = two_districts["org_east"]
    page = client.get(f"/admin/core/organisation/{org.pk}/change/")
    assert page.status_code == 200
    prefixes = set(re.findall(rb'name="([^"]+)-TOTAL_FORMS"', page.content))
    assert len(prefixes) == 2, prefixes  # the districts and the routes inlines


@pytest.mark.parametrize(
    "through", [{}, {"project": "project", "machine": "equipment"}, {"route": "r", "project": "p"}]
)
def test_a_scope_is_declared_through_exactly_one_thing(through):
    with pytest.raises(TypeError):
        scoped_through(**through)
