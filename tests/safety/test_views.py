"""Safety pages: every page renders, scope 404, phone report, steps, checklist, PDF."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.images import png
from tests.pdfs import pdf_text
from zhiyang.core.pdf import PdfFontMissing
from zhiyang.network import linref
from zhiyang.safety import services
from zhiyang.safety.models import Hazard, Incident


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def filled(safety_world: dict[str, Any]) -> dict[str, Any]:
    w = safety_world
    template = services.create_template(
        actor=w["officer"], data={"name": "daily"}, items=["A", "B"]
    )
    w["inspection"] = services.plan_inspection(
        actor=w["officer"],
        data={"template": template, "work_zone": w["zone"], "planned_date": timezone.localdate()},
    )
    w["template"] = template
    w["hazard"], _c = services.report_hazard(
        actor=w["worker"],
        data={"route": w["g1"], "chainage_m": 5100.0, "description": "坑槽", "level": "major"},
    )
    w["incident"] = services.create_incident(
        actor=w["officer"],
        data={
            "route": w["g1"],
            "occurred_at": timezone.now(),
            "incident_type": "traffic",
            "severity": "near_miss",
            "description": "闯入",
            "cause_categories": ["man"],
        },
    )
    return w


def test_pages_render_and_scope(filled: dict[str, Any]) -> None:
    w = filled
    client = _client(w["officer"])
    pages = [
        reverse("safety:dashboard"),
        reverse("safety:hazard-list"),
        reverse("safety:hazard-list") + "?overdue=true&level=major",
        reverse("safety:hazard-report"),
        reverse("safety:hazard-detail", args=[w["hazard"].pk]),
        reverse("safety:workzone-list"),
        reverse("safety:workzone-list") + "?speed_limit_kmh=60&downgrade_pct=4&work_length_m=300",
        reverse("safety:workzone-create"),
        reverse("safety:workzone-detail", args=[w["zone"].pk]),
        reverse("safety:workzone-edit", args=[w["zone"].pk]),
        reverse("safety:workzone-geojson", args=[w["zone"].pk]),
        reverse("safety:inspection-list"),
        reverse("safety:inspection-create"),
        reverse("safety:inspection-detail", args=[w["inspection"].pk]),
        reverse("safety:incident-list"),
        reverse("safety:incident-create"),
        reverse("safety:incident-detail", args=[w["incident"].pk]),
        reverse("safety:incident-edit", args=[w["incident"].pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    outsider = _client(w["outsider"])
    for name, obj in (
        ("safety:hazard-detail", w["hazard"]),
        ("safety:workzone-detail", w["zone"]),
        ("safety:workzone-pdf", w["zone"]),
        ("safety:inspection-detail", w["inspection"]),
        ("safety:incident-detail", w["incident"]),
    ):
        assert outsider.get(reverse(name, args=[obj.pk])).status_code == 404, name
    listing = outsider.get(reverse("safety:hazard-list")).content.decode()
    assert "坑槽" not in listing


def test_phone_report_and_retry(safety_world: dict[str, Any]) -> None:
    w = safety_world
    client = _client(w["worker"])
    lon, lat = linref.point_at(w["g1"], 5_250)
    locate = client.get(reverse("network:locate"), {"lon": lon, "lat": lat}).json()
    assert locate["route"] == "G109" and locate["chainage"] == "K5+250"
    key = str(uuid.uuid4())
    data = {
        "lon": lon,
        "lat": lat,
        "level": "larger",
        "description": "护栏缺失",
        "client_uuid": key,
    }
    response = client.post(reverse("safety:hazard-report"), {**data, "photo": png()})
    assert response.status_code == 302
    client.post(reverse("safety:hazard-report"), {**data, "photo": png()})
    hazard = Hazard.objects.get()
    assert hazard.photo and hazard.reported_by == w["worker"]
    assert response["Location"] == reverse("safety:hazard-detail", args=[hazard.pk])
    missing = client.post(reverse("safety:hazard-report"), {"level": "general", "description": "x"})
    assert missing.status_code == 200 and Hazard.objects.count() == 1


def test_step_forms_on_the_page(filled: dict[str, Any]) -> None:
    w = filled
    url = reverse("safety:hazard-detail", args=[w["hazard"].pk])
    officer = _client(w["officer"])
    assert 'id="step-assign"' in officer.get(url).content.decode()
    assert 'id="step-assign"' not in _client(w["worker"]).get(url).content.decode()
    deadline = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = officer.post(
        url, {"action": "assign", "assignee": w["worker"].pk, "deadline": deadline}
    )
    assert response.status_code == 302
    worker = _client(w["worker"])
    assert worker.post(url, {"action": "rectify", "note": "", "photo": png()}).status_code == 200
    assert (
        worker.post(url, {"action": "rectify", "note": "修好", "photo": png()}).status_code == 302
    )
    w["hazard"].refresh_from_db()
    assert w["hazard"].status == "rectified" and w["hazard"].rectification_photo
    # A worker posting a step the matrix gives only to officers is refused.
    assert worker.post(url, {"action": "close"}).status_code in (403, 200)
    w["hazard"].refresh_from_db()
    assert w["hazard"].status == "rectified"


def test_checklist_record_and_raise(filled: dict[str, Any]) -> None:
    w = filled
    items = list(w["template"].items.all())
    url = reverse("safety:inspection-detail", args=[w["inspection"].pk])
    client = _client(w["officer"])
    post = {
        f"result_{items[0].pk}": "pass",
        f"result_{items[1].pk}": "fail",
        f"note_{items[1].pk}": "缺",
    }
    assert client.post(url, post).status_code == 302
    page = client.get(url).content.decode()
    assert "raise-" in page
    raise_url = reverse("safety:inspection-raise", args=[w["inspection"].pk, items[1].pk])
    response = client.post(raise_url)
    assert response.status_code == 302
    assert Hazard.objects.filter(source_result__item=items[1]).count() == 1


def test_layout_pdf(safety_world: dict[str, Any]) -> None:
    client = _client(safety_world["viewer"])
    try:
        response = client.get(reverse("safety:workzone-pdf", args=[safety_world["zone"].pk]))
    except PdfFontMissing:  # pragma: no cover - the font is part of the environment
        pytest.skip("no CJK font")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "作业区布设图表" in text
    assert "缓冲区" in text and "K5+000" in text
    assert "verify" in text or "待核" in text


def test_workzone_form_creates_layout(safety_world: dict[str, Any]) -> None:
    client = _client(safety_world["officer"])
    data = {
        "name": "页面作业区",
        "route": safety_world["g1"].pk,
        "direction": "up",
        "work_start_m": "K1+000",
        "work_end_m": "K1+200",
        "closed_lane": "outer",
        "closed_lanes": 1,
        "lane_width_m": 3.75,
        "normal_speed_kmh": 60,
        "speed_limit_kmh": 40,
        "downgrade_pct": 0,
        "planned_start": "2026-12-01",
        "planned_end": "2026-12-03",
        "status": "planned",
        "geofence_margin_m": 50,
    }
    response = client.post(reverse("safety:workzone-create"), data)
    assert response.status_code == 302
    bad = client.post(
        reverse("safety:workzone-create"), {**data, "speed_limit_kmh": 100, "normal_speed_kmh": 120}
    )
    assert bad.status_code == 200 and "outside the table" in bad.content.decode()


def test_incident_form(safety_world: dict[str, Any]) -> None:
    client = _client(safety_world["officer"])
    response = client.post(
        reverse("safety:incident-create"),
        {
            "occurred_at": "2026-11-20T08:30",
            "route": safety_world["g1"].pk,
            "chainage_m": "K5+100",
            "incident_type": "fall",
            "severity": "general",
            "injuries": 1,
            "fatalities": 0,
            "description": "跌倒",
            "cause_categories": ["man", "method"],
            "status": "open",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get()
    assert (
        incident.cause_categories == ["man", "method"] and incident.district == safety_world["west"]
    )


def test_dashboard_counts_every_open_hazard(filled: dict[str, Any]) -> None:
    w = filled
    for text in ("一", "二"):
        services.report_hazard(
            actor=w["worker"],
            data={"route": w["g1"], "chainage_m": 5200.0, "description": text, "level": "general"},
        )
    response = _client(w["officer"]).get(reverse("safety:dashboard"))
    buckets = response.context["buckets"]
    assert buckets[0]["total"] == 3 == response.context["open_count"]
    assert buckets[0]["counts"] == [2, 0, 1]
