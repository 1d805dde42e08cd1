"""Background imports: the worker runs the task, the job shows progress and the outcome."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from zhiyang.condition.tasks import UPLOAD_DIR, start_import
from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import Job

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())


def _stored_uploads() -> list[str]:
    try:
        return default_storage.listdir(UPLOAD_DIR)[1]
    except FileNotFoundError:
        return []


def test_queued_import_succeeds_with_progress_and_result(survey, make_user, two_districts):
    engineer = make_user("engineer", organisation=two_districts["org_all"])
    body = "start_m,end_m,iri\n" + "".join(f"{k * 2},{k * 2 + 2},2.5\n" for k in range(3000))
    before = set(_stored_uploads())
    job = start_import(
        actor=engineer, survey=survey, kind="intervals", data=body.encode(), filename="big.csv"
    )
    assert job.status == "queued" and job.object_id == str(survey.pk)
    assert len(set(_stored_uploads()) - before) == 1  # kept in the data dir until the end
    run_worker()
    job.refresh_from_db()
    assert job.status == "succeeded" and job.progress == 100, (job.message, job.errors)
    assert job.result["rows"] == 3000 and job.result["units"] == 6
    assert survey.intervals.count() == 3000 and survey.units.count() == 6
    assert set(_stored_uploads()) == before


def test_queued_bad_file_fails_with_errors_by_row(survey):
    body = "start_m,end_m,iri\n" + "".join(f"{k},{k + 1},2.0\n" for k in range(2100))
    body += "2100,2101,abc\n"
    before = set(_stored_uploads())
    job = start_import(
        actor=SYSTEM, survey=survey, kind="intervals", data=body.encode(), filename="bad.csv"
    )
    run_worker()
    job = Job.objects.get(pk=job.pk)
    assert job.status == "failed" and job.progress < 100
    assert job.errors == [
        {"row": 2102, "column": "iri", "message": job.errors[0]["message"], "sheet": ""}
    ]
    assert survey.intervals.count() == 0 and set(_stored_uploads()) == before


# The public example profile (Sroubek et al. 2021, MIT), kept with the tests.
PROFILE = Path(__file__).resolve().parents[1] / "analytics/data/sroubek2021/profile_2.txt"


def test_profile_upload_through_the_api_runs_as_a_job(survey, make_user, two_districts):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    engineer = make_user("engineer", organisation=two_districts["org_all"])
    client = APIClient()
    client.force_authenticate(engineer)
    answer = client.post(
        "/api/v1/condition/imports/",
        {
            "file": SimpleUploadedFile("profile_2.txt", PROFILE.read_bytes()),
            "survey": survey.pk,
            "kind": "profile",
            "wheel_path": "right",
            "segment_length_m": "50",
            "start_m": "K2+000",
        },
        format="multipart",
    )
    assert answer.status_code == 202, answer.json()
    run_worker()
    status = client.get(answer.json()["status_url"]).json()
    assert status["status"] == "succeeded", status
    assert status["result"]["rows"] == 10 and status["result"]["units"] == 1
    first = survey.intervals.order_by("start_m").first()
    assert (first.start_m, first.end_m) == (2000.0, 2050.0)
    assert first.iri_left is None and first.iri == first.iri_right > 0
