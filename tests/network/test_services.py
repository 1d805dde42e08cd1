"""Domain services: derived section geometry, re-derivation, audited deletes; the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.network.helpers import coords_of
from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import AuditLog
from zhiyang.network import linref, services
from zhiyang.network.models import Route, Section

pytestmark = pytest.mark.django_db


def test_create_section_derives_geometry(two_districts: Any) -> None:
    route = two_districts["g1"]
    section = services.create_section(
        actor=SYSTEM,
        data={
            "route": route,
            "start_m": 2000.0,
            "end_m": 3000.0,
            "width_m": 7.0,
            "pavement": "asphalt",
            "district": two_districts["west"],
        },
    )
    coords = coords_of(section)
    assert coords[0] == pytest.approx(list(linref.point_at(route, 2000)), abs=2e-7)
    assert linref.length_m_of_coords(coords) == pytest.approx(
        1000 * linref.length_m_of_coords(coords_of(route)) / 10_000, abs=0.1
    )
    assert AuditLog.objects.filter(action="create", resource="network.section").count() == 1


def test_section_outside_route_is_refused(two_districts: Any) -> None:
    with pytest.raises(ValidationError):
        services.create_section(
            actor=SYSTEM,
            data={
                "route": two_districts["s1"],
                "start_m": 4000.0,
                "end_m": 6000.0,
                "width_m": 7.0,
                "pavement": "asphalt",
                "district": two_districts["east"],
            },
        )
    assert Section.objects.count() == 2


def test_route_geometry_change_rederives_sections(two_districts: Any) -> None:
    route = two_districts["g1"]
    section = two_districts["sec_west"]
    assert section.geometry is None  # created directly by the fixture
    new = {"type": "LineString", "coordinates": [[112.7, 40.0], [112.75, 40.05], [112.8, 40.0]]}
    services.update_route(actor=SYSTEM, route=route, data={"geometry": new})
    section.refresh_from_db()
    assert coords_of(section) == new["coordinates"]
    assert AuditLog.objects.filter(resource="network.section", action="update").count() == 1
    # Unchanged shape: nothing re-derived.
    services.update_route(actor=SYSTEM, route=route, data={"name": "京拉线 (新)"})
    assert AuditLog.objects.filter(resource="network.section", action="update").count() == 1
    with pytest.raises(ValidationError):
        services.update_route(actor=SYSTEM, route=route, data={"geometry": {"type": "Point"}})


def test_delete_route_audits_its_sections(two_districts: Any) -> None:
    services.delete_route(actor=SYSTEM, route=two_districts["g1"])
    assert not Route.objects.filter(code="G109").exists()
    assert AuditLog.objects.filter(action="delete").count() == 2


def test_admin_pages(two_districts: Any, make_user: Any) -> None:
    admin = make_user(role="admin", organisation=two_districts["org_all"])
    client = Client()
    client.force_login(admin)
    for model in ("district", "route", "section"):
        assert client.get(reverse(f"admin:network_{model}_changelist")).status_code == 200
    url = reverse("admin:network_route_change", args=[two_districts["s1"].pk])
    assert client.get(url).status_code == 200
