"""People pages: check-in form, attendance, workers (masked IDs, alerts), crews, briefings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zhiyang.core.actors import SYSTEM
from zhiyang.people import services
from zhiyang.people.models import Briefing, CheckIn

from .conftest import ID_NUMBER

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew_setup(make_user, worker_factory, two_districts):
    org = two_districts["org_west"]
    account = make_user(role="worker", organisation=org)
    leader = worker_factory(name="王班长", trade="foreman", user=account, id_number=ID_NUMBER)
    member = worker_factory(name="李工")
    crew = services.create_crew(
        actor=SYSTEM,
        data={"organisation": org, "name": "一班", "leader": leader, "members": [member]},
    )
    return {"account": account, "leader": leader, "member": member, "crew": crew, "org": org}


def test_phone_check_in_page_posts_a_check_in(client, crew_setup, zone, inside_point):
    client.force_login(crew_setup["account"])
    page = client.get("/people/checkin/")
    assert page.status_code == 200
    assert "王班长" in page.text and "李工" in page.text and str(zone) in page.text
    lon, lat = inside_point
    response = client.post(
        "/people/checkin/",
        {"worker": crew_setup["member"].pk, "work_zone": zone.pk, "lon": lon, "lat": lat},
        follow=True,
    )
    assert CheckIn.objects.get().worker == crew_setup["member"]
    assert "李工" in response.text
    again = client.post(
        "/people/checkin/",
        {"worker": crew_setup["member"].pk, "work_zone": zone.pk, "lon": lon, "lat": lat},
    )
    assert again.status_code == 200 and "already checked in" in again.text
    no_gps = client.post(
        "/people/checkin/", {"worker": crew_setup["leader"].pk, "work_zone": zone.pk}
    )
    assert "position is not known" in no_gps.text


def test_zones_json_nearest_first(client, crew_setup, zone, inside_point):
    client.force_login(crew_setup["account"])
    data = client.get(
        "/people/checkin/zones/", {"lon": inside_point[0], "lat": inside_point[1]}
    ).json()
    assert data["zones"] == [{"id": zone.pk, "name": str(zone), "distance_m": 0.0, "inside": True}]
    assert client.get("/people/checkin/zones/", {"lon": "nan", "lat": "x"}).status_code == 200


def test_worker_pages_mask_and_flag(client, make_user, crew_setup, worker_factory):
    today = timezone.localdate()
    worker_factory(
        name="刘吊车", trade="crane_operator", certs=(("crane", today + dt.timedelta(days=5)),)
    )
    manager = make_user(role="manager", organisation=crew_setup["org"])
    client.force_login(manager)
    listing = client.get("/people/workers/")
    assert listing.status_code == 200
    assert "1402**********3414" in listing.text and ID_NUMBER not in listing.text
    assert "刘吊车" in listing.text and "certificate-alerts" in listing.text
    detail = client.get(f"/people/workers/{crew_setup['leader'].pk}/")
    assert detail.status_code == 200 and ID_NUMBER not in detail.text
    officer = make_user(role="safety_officer", organisation=crew_setup["org"])
    client.force_login(officer)
    assert ID_NUMBER in client.get(f"/people/workers/{crew_setup['leader'].pk}/").text


def test_other_organisation_gets_404(client, make_user, crew_setup, two_districts):
    east = make_user(role="safety_officer", organisation=two_districts["org_east"])
    client.force_login(east)
    assert client.get(f"/people/workers/{crew_setup['leader'].pk}/").status_code == 404
    assert "王班长" not in client.get("/people/workers/").text
    assert "一班" not in client.get("/people/crews/").text


def test_lists_render(client, make_user, crew_setup, zone, inside_point):
    officer = make_user(role="safety_officer", organisation=crew_setup["org"])
    services.check_in(
        actor=SYSTEM,
        worker=crew_setup["member"],
        work_zone=zone,
        lon=inside_point[0],
        lat=inside_point[1] + 0.01,
    )
    client.force_login(officer)
    attendance = client.get("/people/attendance/")
    assert attendance.status_code == 200 and "李工" in attendance.text
    assert "m outside" in attendance.text
    assert client.get("/people/attendance/", {"date": "2001-01-01"}).status_code == 200
    assert "王班长" in client.get("/people/crews/").text
    assert client.get("/people/briefings/").status_code == 200


def test_briefing_form_records_attendance(client, make_user, crew_setup, zone):
    officer = make_user(role="safety_officer", organisation=crew_setup["org"])
    client.force_login(officer)
    assert client.get("/people/briefings/new/").status_code == 200
    response = client.post(
        "/people/briefings/new/",
        {
            "date": timezone.localdate().isoformat(),
            "crew": crew_setup["crew"].pk,
            "work_zone": zone.pk,
            "topic": "高温作业防中暑",
            "content": "多饮水，轮换作业。",
            "given_by": crew_setup["leader"].pk,
            "attendees": [crew_setup["leader"].pk, crew_setup["member"].pk],
        },
    )
    assert response.status_code == 302, response.content[:2000]
    briefing = Briefing.objects.get()
    assert briefing.attendees.count() == 2 and briefing.work_zone == zone
    assert "高温作业防中暑" in client.get("/people/briefings/").text


def test_worker_role_cannot_open_worker_list(client, crew_setup):
    client.force_login(crew_setup["account"])
    assert client.get("/people/workers/").status_code == 403
    assert client.get("/people/briefings/new/").status_code == 403


def test_safety_officer_creates_and_edits_a_worker_with_photo(client, make_user, two_districts):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from zhiyang.core.models import AuditLog
    from zhiyang.people.models import Worker

    officer = make_user(role="safety_officer", organisation=two_districts["org_west"])
    client.force_login(officer)
    assert client.get("/people/workers/new/").status_code == 200
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    photo = SimpleUploadedFile("me.png", buffer.getvalue(), content_type="image/png")
    response = client.post(
        "/people/workers/new/",
        {
            "name": "新工人",
            "id_number": ID_NUMBER,
            "trade": "labourer",
            "active": "on",
            "photo": photo,
        },
    )
    worker = Worker.objects.get(name="新工人")
    assert response.status_code == 302 and worker.organisation == two_districts["org_west"]
    assert worker.photo.name.endswith(".png")
    fake = SimpleUploadedFile("x.png", b"not an image", content_type="image/png")
    bad = client.post(
        f"/people/workers/{worker.pk}/edit/",
        {"name": "新工人", "trade": "labourer", "photo": fake},
    )
    assert bad.status_code == 200 and "image" in bad.text
    client.post(
        f"/people/workers/{worker.pk}/edit/",
        {"name": "新工人", "id_number": ID_NUMBER, "trade": "welder", "active": "on"},
    )
    update = AuditLog.objects.get(resource="people.worker", action="update")
    assert update.changed_fields() == ["trade"]
    # Certificates and training are added on the detail page.
    client.post(
        f"/people/workers/{worker.pk}/certificate/add/",
        {"cert_type": "welding", "number": "W-1", "valid_until": "2030-01-01"},
    )
    client.post(
        f"/people/workers/{worker.pk}/training/add/",
        {"level": "company", "date": "2026-01-05", "hours": "16", "topic": "公司级"},
    )
    assert worker.certificates.count() == 1 and worker.training.count() == 1
    refused = client.post(
        f"/people/workers/{worker.pk}/certificate/add/",
        {
            "cert_type": "welding",
            "number": "W-2",
            "valid_from": "2031-01-01",
            "valid_until": "2030-01-01",
        },
        follow=True,
    )
    assert "cannot end before it starts" in refused.text and worker.certificates.count() == 1


def test_manager_cannot_edit_or_add(client, make_user, crew_setup):
    manager = make_user(role="manager", organisation=crew_setup["org"])
    client.force_login(manager)
    pk = crew_setup["member"].pk
    # The frame's order: in scope (else 404), then the role's permission (else 403).
    assert client.get(f"/people/workers/{pk}/edit/").status_code == 403
    assert client.get("/people/workers/new/").status_code == 403
    assert client.post(f"/people/workers/{pk}/training/add/", {}).status_code == 403


def test_uploaded_files_only_through_the_scope(client, make_user, worker_factory, two_districts):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "JPEG")
    worker = worker_factory(photo=SimpleUploadedFile("p.jpg", buffer.getvalue()))
    url = f"/people/files/worker-photo/{worker.pk}/"
    client.force_login(make_user(role="manager", organisation=two_districts["org_west"]))
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert response["Cache-Control"].startswith("private")
    assert client.get(f"/people/files/briefing-photo/{worker.pk}/").status_code == 404
    assert client.get(f"/people/files/passwords/{worker.pk}/").status_code == 404
    client.force_login(make_user(role="manager", organisation=two_districts["org_east"]))
    assert client.get(url).status_code == 404
