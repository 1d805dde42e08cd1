"""Patrol pages: every page renders, scope 404, the phone forms (offline JSON answers, no
duplicates), triage / repair / verify through the pages, the log PDF and Excel exports."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.images import png
from tests.patrol.conftest import track_along
from tests.pdfs import pdf_text
from zhiyang.core.pdf import PdfFontMissing
from zhiyang.patrol import services
from zhiyang.patrol.models import Finding, Patrol, RepairTask

JSON = {"HTTP_ACCEPT": "application/json"}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def loop(patrol_world: dict[str, Any]) -> dict[str, Any]:
    w = patrol_world
    w["plan"] = services.create_plan(
        actor=w["engineer"],
        data={"name": "G109 日巡", "route": w["g1"], "start_m": 0.0, "end_m": 6000.0},
    )
    w["patrol"], _c = services.record_patrol(
        actor=w["patroller"],
        data={
            "plan": w["plan"],
            "track": track_along(w["g1"], 0, 6000),
            "weather": "晴",
            "client_uuid": uuid.uuid4(),
        },
    )
    w["finding"], _c = services.report_finding(
        actor=w["patroller"],
        data={
            "patrol": w["patrol"],
            "route": w["g1"],
            "chainage_m": 1200.0,
            "category": "pavement",
            "kind": "pothole",
            "severity": "light",
            "quantity": 0.8,
        },
    )
    return w


def test_pages_render_and_scope(loop: dict[str, Any]) -> None:
    eng = _client(loop["engineer"])
    urls = [
        reverse("patrol:record"), reverse("patrol:calendar"), reverse("patrol:measures"),
        reverse("patrol:plan-list"), reverse("patrol:plan-create"),
        reverse("patrol:plan-detail", args=[loop["plan"].pk]),
        reverse("patrol:patrol-list"), reverse("patrol:patrol-detail", args=[loop["patrol"].pk]),
        reverse("patrol:finding-list"), reverse("patrol:finding-create"),
        reverse("patrol:finding-detail", args=[loop["finding"].pk]),
        reverse("patrol:task-list"),
    ]  # fmt: skip
    for url in urls:
        response = eng.get(url)
        assert response.status_code == 200, url
    page = eng.get(reverse("patrol:finding-detail", args=[loop["finding"].pk])).content.decode()
    assert 'id="triage-form"' in page
    outsider = _client(loop["outsider"])
    assert (
        outsider.get(reverse("patrol:finding-detail", args=[loop["finding"].pk])).status_code == 404
    )
    assert (
        outsider.get(reverse("patrol:patrol-detail", args=[loop["patrol"].pk])).status_code == 404
    )
    assert _client(loop["viewer"]).get(reverse("patrol:record")).status_code == 403
    xlsx = eng.get(reverse("patrol:finding-list") + "?export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd")
    measures = eng.get(reverse("patrol:measures") + "?export=xlsx")
    book = load_workbook(io.BytesIO(measures.content))
    assert book.sheetnames[1:] == ["Coverage", "Backlog"] or len(book.sheetnames) == 3


def test_phone_forms_offline_answers(loop: dict[str, Any]) -> None:
    phone = _client(loop["patroller"])
    key = str(uuid.uuid4())
    patrol_key = str(uuid.uuid4())
    body = {"client_uuid": key, "patrol_uuid": patrol_key, "route": loop["g1"].pk,
            "chainage_m": "K2+100", "category": "drainage", "kind": "blocked_drain",
            "quantity": "1", "unit": "ea", "photo": png()}  # fmt: skip
    url = reverse("patrol:finding-create")
    first = phone.post(url, body, **JSON)
    assert first.status_code == 201, first.content
    body["photo"] = png()
    again = phone.post(url, body, **JSON)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert first.json()["url"] == reverse("patrol:record")
    track = track_along(loop["g1"], 0, 3000)
    end = {"client_uuid": patrol_key, "plan": loop["plan"].pk, "track": json.dumps(track),
           "weather": "阴"}  # fmt: skip
    sent = phone.post(reverse("patrol:patrol-create"), end, **JSON)
    assert sent.status_code == 201, sent.content
    assert phone.post(reverse("patrol:patrol-create"), end, **JSON).status_code == 200
    patrol = Patrol.objects.get(client_uuid=patrol_key)
    assert abs(patrol.covered_km - 3.0) < 0.05
    assert Finding.objects.get(client_uuid=key).patrol == patrol
    body.pop("photo")
    bad = phone.post(url, {**body, "client_uuid": str(uuid.uuid4()), "kind": "pothole"}, **JSON)
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]


def test_triage_repair_verify_pages(loop: dict[str, Any]) -> None:
    eng, phone, qc = (_client(loop[k]) for k in ("engineer", "patroller", "qc"))
    finding = loop["finding"]
    triage = reverse("patrol:finding-triage", args=[finding.pk])
    assert phone.post(triage, {"decision": "repair"}).status_code == 403
    done = eng.post(triage, {"decision": "repair", "assignee": loop["patroller"].pk})
    assert done.status_code == 302
    task = RepairTask.objects.get(finding=finding)
    assert task.response_rule == "pavement.pothole" and task.response_hours == 168
    detail = phone.get(reverse("patrol:task-detail", args=[task.pk])).content.decode()
    assert 'id="repair-link"' in detail and 'id="verify-link"' not in detail
    repaired = phone.post(
        reverse("patrol:task-repair", args=[task.pk]),
        {"quantity_done": "0.9", "materials": "cold mix", "photo_before": png(),
         "photo_after": png()},
    )  # fmt: skip
    assert repaired.status_code == 302, repaired.content.decode()[:2000]
    assert qc.post(reverse("patrol:task-verify", args=[task.pk]),
                   {"decision": "verify"}).status_code == 302  # fmt: skip
    task.refresh_from_db()
    assert task.status == "closed" and task.photo_after


def test_patrol_log_pdf_and_xlsx(loop: dict[str, Any]) -> None:
    eng = _client(loop["engineer"])
    day = timezone.localtime(loop["patrol"].started_at).date().isoformat()
    xlsx = eng.get(reverse("patrol:log-pdf") + f"?date={day}&format=xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[2][0] == "G109" and rows[2][8] == "K1+200"
    try:
        response = eng.get(reverse("patrol:log-pdf") + f"?date={day}")
    except PdfFontMissing:
        pytest.skip("no CJK font")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "巡查日志" in text and "K1+200" in text and "G109" in text
