"""The fleet demo (idempotent, fast, due services present) and the admin's source form."""

from __future__ import annotations

from typing import Any

import pytest

from zhiyang.core import crypto
from zhiyang.core.models import AuditLog, Organisation, User
from zhiyang.fleet.choices import ServiceState
from zhiyang.fleet.models import (
    Equipment,
    EquipmentAssignment,
    ServiceInterval,
    TelematicsImport,
    TelematicsSnapshot,
    TelematicsSource,
)
from zhiyang.fleet.services import due_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def context(monkeypatch: Any) -> Any:
    from zhiyang.demo import services as demo

    monkeypatch.setattr(demo, "DEMO_APPS", ())
    demo.load_demo()
    return demo.DemoContext(
        branch=Organisation.objects.get(code=demo.BRANCH_CODE),
        works_area=Organisation.objects.get(code=demo.WORKS_AREA_CODE),
        users={u.username: u for u in User.objects.all()},
    )


def test_demo_is_idempotent_and_has_due_services(context: Any) -> None:
    from zhiyang.fleet.demo import load_demo_data

    load_demo_data(context=context)
    counts = (
        Equipment.objects.count(),
        TelematicsSnapshot.objects.count(),
        TelematicsImport.objects.count(),
        ServiceInterval.objects.count(),
        EquipmentAssignment.objects.count(),
    )
    assert counts[0] == 18 and counts[1] == 18 * 60
    assert Equipment.objects.filter(organisation=context.works_area).count() == 3
    load_demo_data(context=context)
    assert (
        Equipment.objects.count(),
        TelematicsSnapshot.objects.count(),
        TelematicsImport.objects.count(),
        ServiceInterval.objects.count(),
        EquipmentAssignment.objects.count(),
    ) == counts
    states = {
        (r.interval.equipment.code, r.state)
        for r in due_services(ServiceInterval.objects.all(), only_due=True)
    }
    assert ("PV-01", ServiceState.OVERDUE) in states and ("SR-01", ServiceState.DUE) in states
    assert all(m.last_latitude for m in Equipment.objects.all())


def test_admin_source_form_encrypts_the_auth_value(client: Any, make_user: Any) -> None:
    org = Organisation.objects.create(code="o", name="O")
    admin = make_user(role="admin", organisation=org, is_superuser=True)
    client.force_login(admin)
    assert client.get("/admin/fleet/telematicssource/add/").status_code == 200
    response = client.post(
        "/admin/fleet/telematicssource/add/",
        {
            "organisation": org.pk,
            "name": "Komtrax",
            "base_url": "https://aemp.example.test/Fleet/1",
            "auth_header_name": "Authorization",
            "auth_value": "Bearer admin-secret",
            "format": "auto",
            "page_size": 100,
            "min_interval_s": 900,
            "timeout_s": 30,
            "max_pages": 50,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    source = TelematicsSource.objects.get()
    assert crypto.decrypt(source.auth_value_encrypted) == "Bearer admin-secret"
    row = AuditLog.objects.get(resource="fleet.telematicssource")
    assert "admin-secret" not in str(row.after)
    page = client.get(f"/admin/fleet/telematicssource/{source.pk}/change/").content.decode()
    assert "admin-secret" not in page and source.auth_value_encrypted not in page
