"""The background worker runs what is enqueued (django-tasks, database backend)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django_tasks import task

from zhiyang.network.models import District

pytestmark = pytest.mark.django_db(transaction=True)


@task()
def rename_district(code: str, name: str) -> str:
    District.objects.filter(code=code).update(name=name)
    return name


def test_worker_runs_enqueued_tasks_and_keeps_their_results() -> None:
    District.objects.create(code="140213", name="平城")
    result = rename_district.enqueue("140213", "平城区")
    assert result.status == "READY"
    call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())
    result.refresh()
    assert result.status == "SUCCESSFUL" and result.return_value == "平城区"
    assert District.objects.get(code="140213").name == "平城区"
