"""Background jobs: progress bookkeeping, who may see a job, the JSON and htmx views."""

from __future__ import annotations

import pytest

from zhiyang.core import jobs
from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import Job
from zhiyang.network.importexport.common import ImportValidationError, RowError

pytestmark = pytest.mark.django_db


def test_progress_finish_and_fail(make_user):
    user = make_user("engineer")
    job = jobs.start_job(actor=user, kind="test", message="waiting")
    assert (job.status, job.progress, job.created_by) == ("queued", 0, user)
    jobs.set_progress(job.pk, 140, "half")
    job.refresh_from_db()
    assert (job.status, job.progress, job.message) == ("running", 100, "half")
    jobs.finish_job(job.pk, result={"rows": 3}, message="done")
    job.refresh_from_db()
    assert job.finished and job.status == "succeeded" and job.result == {"rows": 3}


def test_running_job_records_row_errors_and_reraises():
    job = jobs.start_job(actor=SYSTEM, kind="test")
    with pytest.raises(ImportValidationError), jobs.running_job(job.pk):
        raise ImportValidationError([RowError(4, "iri", "not a number")])
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.errors == [{"row": 4, "column": "iri", "message": "not a number", "sheet": ""}]
    other = jobs.start_job(actor=SYSTEM, kind="test")
    with pytest.raises(RuntimeError), jobs.running_job(other.pk):
        raise RuntimeError("disk full")
    other.refresh_from_db()
    assert other.status == "failed" and other.message == "disk full" and other.errors == []


def test_visibility_creator_and_scope(make_user, two_districts):
    from zhiyang.network.models import Route

    creator = make_user("engineer", organisation=two_districts["org_east"])
    route = two_districts["g1"]  # in district west
    job = jobs.start_job(actor=creator, kind="t", resource="network.route", object_id=route.pk)
    private = jobs.start_job(actor=creator, kind="t")
    west = make_user("viewer", organisation=two_districts["org_west"])
    east = make_user("viewer", organisation=two_districts["org_east"])
    assert set(jobs.visible_jobs(creator)) == {job, private}
    assert list(jobs.visible_jobs(west)) == [job]  # may view the route
    assert list(jobs.visible_jobs(east)) == []
    assert Route.objects.count() == 2


def test_status_json_and_progress_partial(client, make_user):
    user = make_user("engineer")
    job = jobs.start_job(actor=user, kind="test")
    jobs.set_progress(job.pk, 40, "Checking row 400 of 1000")
    client.force_login(user)
    data = client.get(f"/jobs/{job.pk}/").json()
    assert data["progress"] == 40 and data["status"] == "running" and not data["finished"]
    page = client.get(f"/jobs/{job.pk}/progress/")
    html = page.content.decode()
    assert 'hx-trigger="every 1s"' in html and "width: 40%" in html and "400" in html
    jobs.fail_job(job.pk, message="bad", errors=[{"row": 7, "column": "IRI", "message": "x"}])
    page = client.get(f"/jobs/{job.pk}/progress/")
    assert page["HX-Trigger"] == "job-finished" and "hx-trigger" not in page.content.decode()
    assert '<td class="num">7</td>' in page.content.decode()
    stranger = make_user("engineer")
    client.force_login(stranger)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    assert client.get(f"/jobs/{job.pk}/progress/").status_code == 404
    assert Job.objects.count() == 1
