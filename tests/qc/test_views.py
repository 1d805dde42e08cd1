"""QC report pages, images, exports and API, on the demo's simulated shift; scoped."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from zhiyang.core.models import User
from zhiyang.qc import services
from zhiyang.works.models import Project


@pytest.fixture
def demo(shared_demo_committed: Any) -> Project:
    """The session's demo (tests/shared_demo.py), committed, with this test's own copy of
    the shift's lake."""
    return Project.objects.get(code="DEMO-G109-2026")


def _day(project: Project) -> str:
    days = [d for p, d in services.project_days(Project.objects.all()) if p.pk == project.pk]
    assert days, "the demo shift left no readings in the lake"
    return days[0].isoformat()


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def test_report_summary_from_the_demo_shift(demo: Project) -> None:
    day = _day(demo)
    assert day in (timezone.localdate().isoformat(), (timezone.localdate()).isoformat())
    report = services.build_report(demo, timezone.datetime.fromisoformat(day).date())
    s = report.summary
    assert s["readings"]["paver"] >= 1200 and s["readings"]["roller"] >= 3600
    c = s["compaction"]
    assert c["area_covered_m2"] > 100
    assert 0 < c["pct_area_at_target"] < 100  # the missed lane is below the target
    assert s["thermal"]["sublots"] and s["thermal"]["paver_stops"]  # the 3-minute stop
    roles = {r["role"] for r in s["rollers"]}
    assert roles == {"initial", "intermediate", "final"}
    initial = next(r for r in s["rollers"] if r["role"] == "initial")
    # The roller-gap fault: behind by time (its far-back stretch lies before the paver path
    # of this short shift, so the distance along the path is capped there).
    assert initial["pct_beyond_limit_s"] > 0
    assert s["thickness"]["count"] >= 1200
    assert {a["rule"] for a in s["alarms"]} >= {"paving_temp", "paver_stop"}
    assert report.has_compaction and report.has_thermal


def test_pages_images_and_exports(demo: Project) -> None:
    day = _day(demo)
    client = _client("engineer")
    index = client.get(reverse("qc:report-list"))
    assert index.status_code == 200
    url = reverse("qc:report", args=[demo.pk, day])
    assert url.encode() in index.content
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    for anchor in ("qc-passes-map", "qc-thermal-map", "qc-sublots", "qc-rollers", "qc-alarms"):
        assert anchor in text
    for kind in ("passes", "thermal"):
        png = client.get(reverse("qc:image", args=[demo.pk, day, kind]))
        assert png.status_code == 200 and png["Content-Type"] == "image/png"
        assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    data = client.get(reverse("qc:export", args=[demo.pk, day, "json"]))
    assert json.loads(data.content)["project"]["code"] == demo.code
    xlsx = client.get(reverse("qc:export", args=[demo.pk, day, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(reverse("qc:export", args=[demo.pk, day, "doc"])).status_code == 404
    assert client.get(reverse("qc:report", args=[demo.pk, "yesterday"])).status_code == 404


def test_api_summary(demo: Project, api_client_for: Any) -> None:
    day = _day(demo)
    client = api_client_for(User.objects.get(username="qc_inspector"))
    response = client.get(f"/api/v1/qc/reports/{demo.pk}/{day}/")
    assert response.status_code == 200, response.content
    assert response.json()["compaction"]["target_passes"] == services.TARGET_PASSES
    assert api_client_for(None).get(f"/api/v1/qc/reports/{demo.pk}/{day}/").status_code in (
        401,
        403,
    )


def test_scope_outside_the_organisation_is_404(demo: Project, api_client_for: Any) -> None:
    day = _day(demo)
    client = _client("yanggao_viewer")  # 阳高天镇工区: the G109 project is not theirs
    assert client.get(reverse("qc:report", args=[demo.pk, day])).status_code == 404
    assert client.get(reverse("qc:image", args=[demo.pk, day, "passes"])).status_code == 404
    assert client.get(reverse("qc:export", args=[demo.pk, day, "pdf"])).status_code == 404
    index = client.get(reverse("qc:report-list"))
    assert index.status_code == 200 and demo.code.encode() not in index.content
    api = api_client_for(User.objects.get(username="yanggao_viewer"))
    assert api.get(f"/api/v1/qc/reports/{demo.pk}/{day}/").status_code == 404
