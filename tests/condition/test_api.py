"""The condition API: engineers import and approve, others read within their scope."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.condition.conftest import interval_rows
from zhiyang.condition import services
from zhiyang.condition.models import Distress, Survey, SurveyUnit
from zhiyang.core.actors import SYSTEM

pytestmark = pytest.mark.django_db

API = "/api/v1/condition"


def csv_upload(text: str, name: str = "vehicle.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 80, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile("pothole.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def engineer(make_user, two_districts):
    return make_user("engineer", organisation=two_districts["org_all"])


def _rated_survey(route, year=2025):
    survey = services.create_survey(
        actor=SYSTEM,
        data={"route": route, "survey_date": dt.date(year, 6, 1), "unit_length_m": 1000.0},
    )
    services.write_intervals(
        actor=SYSTEM,
        survey=survey,
        rows=interval_rows(route.start_m, route.end_m, iri=2.5),
        fields=["iri"],
        source="t",
    )
    return services.approve_survey(actor=SYSTEM, survey=survey)


def test_engineer_creates_imports_and_approves(api_client_for, engineer, two_districts):
    client = api_client_for(engineer)
    created = client.post(
        f"{API}/surveys/",
        {"route": "G109", "survey_date": "2026-05-01", "direction": "up", "lane": 1},
        format="json",
    )
    assert created.status_code == 201, created.json()
    survey_id = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["created_by"] == engineer.username
    body = "start_m,end_m,iri,rd_mm\n" + "".join(
        f"{k * 100},{(k + 1) * 100},{2 + k / 10},5\n" for k in range(20)
    )
    answer = client.post(
        f"{API}/imports/",
        {"file": csv_upload(body), "survey": survey_id, "kind": "intervals"},
        format="multipart",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["job"] is None and answer.json()["summary"]["units"] == 2
    units = client.get(f"{API}/units/", {"survey": survey_id}).json()
    assert units["count"] == 2 and units["results"][0]["start"] == "K0+000"
    assert client.get(f"{API}/intervals/", {"survey": survey_id}).json()["count"] == 20
    approved = client.post(f"{API}/surveys/{survey_id}/approve/")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["approved_by"] == engineer.username
    # an approved survey refuses imports until reopened
    again = client.post(
        f"{API}/imports/",
        {"file": csv_upload(body), "survey": survey_id, "kind": "intervals"},
        format="multipart",
    )
    assert again.status_code == 400


def test_bad_file_answers_errors_by_row_and_column(api_client_for, engineer, survey):
    answer = api_client_for(engineer).post(
        f"{API}/imports/",
        {
            "file": csv_upload("起点桩号,终点桩号,IRI\nK0+000,K0+100,x\nK0+100,K0+050,2\n"),
            "survey": survey.pk,
            "kind": "intervals",
        },
        format="multipart",
    )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["code"] == "invalid_file"
    assert [(r["row"], r["column"]) for r in error["rows"]] == [(2, "IRI"), (3, "起点桩号")]
    assert survey.intervals.count() == 0


def test_large_files_and_profiles_become_jobs(api_client_for, engineer, survey):
    body = "start_m,end_m,iri\n" + "".join(f"{k},{k + 1},2.0\n" for k in range(2500))
    answer = api_client_for(engineer).post(
        f"{API}/imports/",
        {"file": csv_upload(body), "survey": survey.pk, "kind": "intervals"},
        format="multipart",
    )
    assert answer.status_code == 202
    job = answer.json()["job"]
    status = api_client_for(engineer).get(answer.json()["status_url"]).json()
    assert status["id"] == job and status["status"] == "queued" and status["finished"] is False
    assert survey.intervals.count() == 0  # the worker has not run yet


def test_viewer_reads_but_may_not_write(api_client_for, make_user, two_districts, survey):
    viewer = make_user("viewer", organisation=two_districts["org_all"])
    client = api_client_for(viewer)
    assert client.get(f"{API}/surveys/").json()["count"] == 1
    assert client.get(f"{API}/surveys/{survey.pk}/").status_code == 200
    assert client.post(f"{API}/surveys/{survey.pk}/approve/").status_code == 403
    assert client.patch(f"{API}/surveys/{survey.pk}/", {"vendor": "x"}).status_code == 403
    assert client.delete(f"{API}/surveys/{survey.pk}/").status_code == 403
    upload = client.post(
        f"{API}/imports/",
        {
            "file": csv_upload("start_m,end_m,iri\n0,100,2\n"),
            "survey": survey.pk,
            "kind": "intervals",
        },
        format="multipart",
    )
    assert upload.status_code == 403 and survey.intervals.count() == 0


def test_scoped_user_sees_only_its_districts(api_client_for, make_user, two_districts):
    west = _rated_survey(two_districts["g1"])  # G109 in district west
    east = _rated_survey(two_districts["s1"])  # S203 in district east
    scoped = make_user("viewer", organisation=two_districts["org_east"])
    client = api_client_for(scoped)
    units = client.get(f"{API}/units/").json()
    assert units["count"] == 5 and {u["district"] for u in units["results"]} == {"140221"}
    other = SurveyUnit.objects.filter(survey=west).first()
    assert client.get(f"{API}/units/{other.pk}/").status_code == 404
    assert client.get(f"{API}/surveys/{west.pk}/").status_code == 404
    assert client.get(f"{API}/surveys/{east.pk}/").status_code == 200
    assert client.get(f"{API}/intervals/", {"survey": west.pk}).json()["count"] == 0
    features = client.get(f"{API}/units/geojson/").json()
    assert len(features["features"]) == 5 and features["next"] is None
    first = features["features"][0]
    assert first["geometry"]["type"] == "LineString" and first["properties"]["route"] == "S203"
    summary = client.get(f"{API}/summary/").json()
    assert [r["route"] for r in summary["routes"]] == ["S203"]
    assert summary["network"]["length_m"] == 5000
    everyone = make_user("viewer", organisation=two_districts["org_all"])
    summary = api_client_for(everyone).get(f"{API}/summary/", {"year": 2025}).json()
    assert [r["route"] for r in summary["routes"]] == ["G109", "S203"]
    network = summary["network"]["indices"]["rqi"]
    assert network["mean"] > 80 and network["good_rate"] + network["poor_rate"] <= 100


def test_phone_report_with_photo_is_created_once(api_client_for, make_user, two_districts):
    worker = make_user("worker", organisation=two_districts["org_all"])
    client = api_client_for(worker)
    client_uuid = str(uuid.uuid4())

    def send():
        return client.post(
            f"{API}/distress/",
            {
                "lon": "112.755",
                "lat": "40.015",
                "distress": "pothole",
                "severity": "heavy",
                "quantity": "0.5",
                "client_uuid": client_uuid,
                "photo": jpeg(),
            },
            format="multipart",
        )

    first = send()
    assert first.status_code == 201, first.json()
    assert first.json()["route"] == "G109" and first.json()["photo"]
    assert first.json()["source"] == "phone" and first.json()["reported_by"] == worker.username
    second = send()
    assert second.status_code == 200 and second.json()["id"] == first.json()["id"]
    assert Distress.objects.count() == 1
    far = client.post(
        f"{API}/distress/",
        {"lon": 100.0, "lat": 30.0, "distress": "pothole", "severity": "heavy", "quantity": 1.0},
        format="json",
    )
    assert far.status_code == 400 and "lon" in far.json()["error"]["fields"]
    # a worker reports but does not edit or delete
    record = first.json()["id"]
    assert client.patch(f"{API}/distress/{record}/", {"quantity": 2}).status_code == 403
    assert client.delete(f"{API}/distress/{record}/").status_code == 403


def test_photo_must_be_an_image(api_client_for, engineer, two_districts):
    answer = api_client_for(engineer).post(
        f"{API}/distress/",
        {
            "route": "G109",
            "start_m": "K1+200",
            "distress": "pothole",
            "severity": "light",
            "quantity": "0.5",
            "photo": SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg"),
        },
        format="multipart",
    )
    assert answer.status_code == 400 and "photo" in answer.json()["error"]["fields"]


def test_engineer_edits_distress_and_district_follows(api_client_for, engineer, two_districts):
    client = api_client_for(engineer)
    made = client.post(
        f"{API}/distress/",
        {
            "route": "G109",
            "start_m": "K1+200",
            "end_m": "K1+230",
            "distress": "alligator",
            "severity": "medium",
            "quantity": 20,
        },
        format="json",
    )
    assert made.status_code == 201 and made.json()["district"] == "140226"
    assert made.json()["unit"] == "m2"
    moved = client.patch(
        f"{API}/distress/{made.json()['id']}/",
        {"route": "S203", "start_m": 100, "end_m": 130},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["district"] == "140221"
    wrong = client.patch(
        f"{API}/distress/{made.json()['id']}/", {"distress": "faulting"}, format="json"
    )
    assert wrong.status_code == 400 and "distress" in wrong.json()["error"]["fields"]


def test_template_download(api_client_for, make_user, two_districts):
    viewer = make_user("viewer", organisation=two_districts["org_all"])
    answer = api_client_for(viewer).get(f"{API}/template.xlsx")
    assert answer.status_code == 200 and answer.content[:2] == b"PK"


def test_other_users_job_is_not_found(api_client_for, make_user, engineer, two_districts, survey):
    from zhiyang.condition.tasks import start_import

    job = start_import(actor=engineer, survey=survey, kind="intervals", data=b"x", filename="a.csv")
    outsider = make_user("engineer", organisation=two_districts["org_east"])
    assert api_client_for(outsider).get(f"{API}/jobs/{job.pk}/").status_code == 404
    colleague = make_user("viewer", organisation=two_districts["org_west"])
    assert api_client_for(colleague).get(f"{API}/jobs/{job.pk}/").status_code == 200
    assert Survey.objects.count() == 1
