"""The fleet pages: list, detail (404 outside the scope), service form, map, import, commands."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.fleet.conftest import DATA, read
from zhiyang.core.actors import SYSTEM
from zhiyang.fleet.models import ServiceInterval, ServiceRecord, TelematicsSnapshot
from zhiyang.fleet.services import import_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, manager_a):
    client.force_login(manager_a)
    return client


def test_pages_render(logged_in, fleet, manager_a) -> None:
    import_document(read("iso_fleet.xml"), actor=manager_a, filename="f.xml")
    ServiceInterval.objects.create(
        equipment=fleet["paver"], name="oil", every_hours=250, last_service_hours=1270
    )
    listing = logged_in.get("/fleet/")
    assert (
        listing.status_code == 200
        and "PV-01" in listing.content.decode()
        and "B-01" not in listing.content.decode()
    )
    detail = logged_in.get(f"/fleet/machines/{fleet['paver'].pk}/")
    body = detail.content.decode()
    assert (
        detail.status_code == 200
        and "SPN 110 FMI 0" in body
        and 'data-chart-json="fleet-history-chart"' in body
    )
    for url in (
        "/fleet/map/",
        "/fleet/services/",
        "/fleet/services/?all=1",
        "/fleet/utilisation/",
        "/fleet/import/",
    ):
        assert logged_in.get(url).status_code == 200, url
    assert "oil" in logged_in.get("/fleet/services/").content.decode()  # 3.4 h left: due


def test_other_organisations_machine_page_is_404(client, fleet, manager_b) -> None:
    client.force_login(manager_b)
    assert client.get(f"/fleet/machines/{fleet['paver'].pk}/").status_code == 404
    assert client.post(f"/fleet/machines/{fleet['paver'].pk}/service/", {}).status_code == 404


def test_service_record_form(logged_in, fleet) -> None:
    oil = ServiceInterval.objects.create(
        equipment=fleet["paver"], name="oil", every_days=90, last_service_date=date(2026, 1, 1)
    )
    url = f"/fleet/machines/{fleet['paver'].pk}/service/"
    bad = logged_in.post(url, {"description": "", "date": "2026-05-20"})
    assert bad.status_code == 400 and not ServiceRecord.objects.exists()
    ok = logged_in.post(
        url,
        {
            "interval": oil.pk,
            "description": "oil",
            "hours": "1500",
            "date": "2026-05-20",
            "cost_cny": "900",
        },
    )
    assert ok.status_code == 302
    oil.refresh_from_db()
    assert oil.last_service_date == date(2026, 5, 20)


def test_import_page_lists_problems_and_writes_nothing(logged_in, fleet) -> None:
    bad = read("iso_fleet.xml").replace(b'datetime="2026-05-20T01:45:00Z"', b'datetime="tomorrow"')
    response = logged_in.post("/fleet/import/", {"file": SimpleUploadedFile("bad.xml", bad)})
    body = response.content.decode()
    assert (
        "/Fleet/Equipment[2]/Location[1]/@datetime" in body
        and not TelematicsSnapshot.objects.exists()
    )
    good = logged_in.post(
        "/fleet/import/", {"file": SimpleUploadedFile("f.xml", read("iso_fleet.xml"))}
    )
    assert good.status_code == 200 and TelematicsSnapshot.objects.count() == 2


def test_commands(fleet, tmp_path) -> None:
    out = StringIO()
    call_command("fleet", "import", str(DATA / "deere_style.json"), "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["snapshots_created"] == 1
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"Equipment": [{"PIN": "x", "OperatingHours": "many", '
        '"snapshotTime": "2026-05-20T08:00:00Z"}]}'
    )
    with pytest.raises(CommandError, match="/Equipment/0/OperatingHours"):
        call_command("fleet", "import", str(bad), stdout=StringIO())
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("fleet", "import", str(tmp_path / "missing.xml"), stdout=StringIO())
    ServiceInterval.objects.create(
        equipment=fleet["deere"], name="oil", every_hours=250, last_service_hours=3000
    )
    out = StringIO()
    call_command("fleet", "service-due", "--format", "json", stdout=out)
    (row,) = json.loads(out.getvalue())
    assert row["equipment"] == "LD-02" and row["state"] == "overdue" and row["hours_left"] == -50.2
    out = StringIO()
    call_command(
        "fleet",
        "utilisation",
        "--start",
        "2026-05-01",
        "--end",
        "2026-05-31",
        "--format",
        "json",
        stdout=out,
    )
    assert len(json.loads(out.getvalue())["machines"]) == 6
    with pytest.raises(CommandError):
        call_command("fleet", "utilisation", "--start", "May", stdout=StringIO())


def test_viewer_sees_the_machine_but_not_its_telematics(client, make_user, orgs, fleet, manager_a):
    from zhiyang.core.choices import Role

    import_document(read("iso_fleet.xml"), actor=manager_a, filename="f.xml")
    client.force_login(make_user(role=Role.VIEWER, organisation=orgs["a"]))
    page = client.get(f"/fleet/machines/{fleet['paver'].pk}/")
    assert page.status_code == 200 and "SPN 110 FMI 0" not in page.content.decode()
    assert client.get("/fleet/services/").status_code == 403
    assert client.get("/fleet/import/").status_code == 403


def test_poll_now_queues_a_task(logged_in, orgs, manager_b, client):
    from django_tasks_db.models import DBTaskResult

    from zhiyang.fleet.services import save_source

    source = save_source(
        actor=SYSTEM,
        data={"organisation": orgs["a"], "name": "P", "base_url": "https://x.test/F/1"},
    )
    assert "P" in logged_in.get("/fleet/import/").content.decode()
    response = logged_in.post(f"/fleet/sources/{source.pk}/poll/")
    assert response.status_code == 302 and DBTaskResult.objects.count() == 1
    client.force_login(manager_b)
    assert client.post(f"/fleet/sources/{source.pk}/poll/").status_code == 404
