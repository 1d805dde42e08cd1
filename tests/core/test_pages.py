"""The page frame (core/pages): scoped lists with sorting, pagination and Excel export,
edit pages through the services, delete pages, and links shown only when permitted."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhiyang.core.choices import Role
from zhiyang.core.models import AuditLog
from zhiyang.safety import services
from zhiyang.safety.models import Incident

pytestmark = pytest.mark.urls("tests.core.pages_urls")


def _client(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def incidents(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    """Three incidents on the west route, one on the east route, and users of both."""
    world = dict(two_districts)
    west, east = two_districts["org_west"], two_districts["org_east"]
    world["officer"] = make_user(Role.SAFETY_OFFICER, west)
    world["worker"] = make_user(Role.WORKER, west)
    world["outsider"] = make_user(Role.SAFETY_OFFICER, east)
    start = timezone.make_aware(dt.datetime(2026, 11, 2, 8, 0))
    rows = []
    for i, (route, injuries) in enumerate(
        [(world["g1"], 2), (world["g1"], 0), (world["g1"], 5), (world["s1"], 1)]
    ):
        rows.append(
            services.create_incident(
                actor=world["officer"] if route == world["g1"] else world["outsider"],
                data={
                    "route": route,
                    "chainage_m": 1000.0 + i,
                    "occurred_at": start + dt.timedelta(days=i),
                    "incident_type": "fall",
                    "severity": "general",
                    "injuries": injuries,
                    "description": f"incident {i}",
                    "status": "open",
                },
            )
        )
    world["rows"] = rows
    return world


def test_list_is_scoped_sorted_and_paginated(incidents: dict[str, Any]) -> None:
    client = _client(incidents["officer"])
    url = reverse("safety:incident-list")
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="incident-table"' in body
    ids = [r.pk for r in incidents["rows"]]
    # Default order: newest first; the east incident is outside the officer's scope.
    order = [body.index(f"/safety/incidents/{pk}/") for pk in ids[2::-1]]
    assert order == sorted(order)
    assert f"/safety/incidents/{ids[3]}/" not in body
    by_injuries = client.get(url, {"sort": "injuries"}).content.decode()
    order = [by_injuries.index(f"/safety/incidents/{pk}/") for pk in (ids[1], ids[0], ids[2])]
    assert order == sorted(order)
    assert 'aria-sort="ascending"' in by_injuries
    # Only declared sortable columns sort: anything else falls back to the default order.
    assert client.get(url, {"sort": "description"}).status_code == 200
    assert client.get(url, {"sort": "-route__organisation__users__password"}).status_code == 200
    assert client.get(url, {"page": "999"}).status_code == 200


def test_excel_export_holds_every_filtered_row_in_the_users_language(
    incidents: dict[str, Any],
) -> None:
    client = _client(incidents["officer"], "zh-hans")
    response = client.get(reverse("safety:incident-list"), {"export": "xlsx", "sort": "injuries"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="incident-')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("发生时间", "类型", "严重程度", "受伤人数", "位置", "状态")
    assert [r[3] for r in rows[1:]] == [0, 2, 5]  # numbers stay numbers, in the sorted order
    assert all(isinstance(r[0], dt.datetime) for r in rows[1:])
    assert {r[1] for r in rows[1:]} == {"高处坠落"}  # choice labels, not codes
    assert all(r[4].startswith("G109") for r in rows[1:])  # scope: no S203 row


def test_list_actions_and_tabs_follow_the_permission_matrix(incidents: dict[str, Any]) -> None:
    officer = _client(incidents["officer"]).get(reverse("safety:incident-list")).content.decode()
    assert reverse("safety:incident-create") in officer
    assert 'class="tabs"' in officer and reverse("safety:workzone-list") in officer
    worker = _client(incidents["worker"])
    response = worker.get(reverse("safety:hazard-list"))
    assert response.status_code == 200
    body = response.content.decode()
    # The worker may see hazards but not incidents, work zones or inspections: no such tab.
    assert reverse("safety:incident-list") not in body
    assert worker.get(reverse("safety:incident-list")).status_code == 403


def test_edit_page_saves_through_the_service_with_errors_on_fields(
    incidents: dict[str, Any],
) -> None:
    client = _client(incidents["officer"])
    incident = incidents["rows"][0]
    url = reverse("safety:incident-edit", args=[incident.pk])
    form = client.get(url)
    assert form.status_code == 200 and 'id="incident-form"' in form.content.decode()
    data = {
        "occurred_at": "2026-11-20T08:30",
        "route": incidents["g1"].pk,
        "chainage_m": "K5+100",
        "incident_type": "fall",
        "severity": "general",
        "injuries": 3,
        "fatalities": 0,
        "description": "跌倒",
        "status": "open",
    }
    saved = client.post(url, data)
    assert saved.status_code == 302
    assert saved["Location"] == reverse("safety:incident-detail", args=[incident.pk])
    incident.refresh_from_db()
    assert incident.injuries == 3
    assert AuditLog.objects.filter(resource="safety.incident", action="update").exists()
    # The service refuses a route outside the officer's scope: shown on the form, not saved.
    refused = client.post(url, {**data, "route": incidents["s1"].pk, "injuries": 9})
    assert refused.status_code == 200
    assert 'class="errors"' in refused.content.decode()
    incident.refresh_from_db()
    assert incident.injuries == 3


def test_object_pages_check_scope_before_permission(incidents: dict[str, Any]) -> None:
    east_incident = incidents["rows"][3]
    west_incident = incidents["rows"][0]
    worker = _client(incidents["worker"])
    outsider = _client(incidents["outsider"])
    # Outside the scope: 404 whatever the role may do (missing and forbidden look the same).
    for name in ("safety:incident-detail", "safety:incident-edit", "frame-delete"):
        assert outsider.get(reverse(name, args=[west_incident.pk])).status_code == 404
        assert outsider.get(reverse(name, args=[999_999])).status_code == 404
    # A worker may not view incidents at all: the object is out of reach first (404).
    assert worker.get(reverse("safety:incident-edit", args=[west_incident.pk])).status_code == 404
    viewer_like = _client(incidents["officer"])
    assert (
        viewer_like.get(reverse("safety:incident-edit", args=[east_incident.pk])).status_code == 404
    )


def test_delete_page_asks_then_deletes_with_an_audit_row(incidents: dict[str, Any]) -> None:
    client = _client(incidents["officer"])
    incident = incidents["rows"][1]
    url = reverse("frame-delete", args=[incident.pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("safety:incident-list")
    assert not Incident.objects.filter(pk=incident.pk).exists()
    entry = AuditLog.objects.get(resource="safety.incident", action="delete")
    assert entry.before["description"] == "incident 1"


def test_generic_list_template_with_filter_and_header_actions(incidents: dict[str, Any]) -> None:
    client = _client(incidents["officer"])
    response = client.get(reverse("frame-incident-list"), {"status": "open"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'class="filters"' in body and 'data-export="xlsx"' in body
    assert "status=open" in body.split('data-export="xlsx"')[0].rsplit("href=", 1)[1]
