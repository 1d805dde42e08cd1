"""Works pages: lists, details, the phone daily-report form (browser post and the offline
JSON answers), approvals, exports (PDF and Excel) and the scope on every page."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.images import png
from tests.pdfs import pdf_text
from zhiyang.works import guards, services
from zhiyang.works.models import DailyReport

from .conftest import report_data

pytestmark = pytest.mark.django_db


def _login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def test_pages_render_and_filter(works_world: dict[str, Any], client: Any):
    w = works_world
    _login(client, w["viewer"])
    listing = client.get(reverse("works:project-list"), {"status": "approved", "route": "G109"})
    assert listing.status_code == 200
    assert w["project"].code in listing.content.decode()
    empty = client.get(reverse("works:project-list"), {"status": "closed"})
    assert w["project"].code not in empty.content.decode()
    detail = client.get(reverse("works:project-detail", args=[w["project"].pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "workorder-table" in html and w["paving"].title in html
    # A viewer gets no edit, status or report buttons.
    assert "project-status-buttons" not in html and "daily-report-new" not in html
    assert client.get(reverse("works:workorder-detail", args=[w["paving"].pk])).status_code == 200
    assert client.get(reverse("works:project-create")).status_code == 403
    assert client.get(reverse("works:daily-report-start")).status_code == 403


def test_pages_are_404_for_another_organisation(works_world: dict[str, Any], client: Any):
    w = works_world
    report, _ = services.submit_daily_report(actor=w["worker"], data=report_data(w))
    _login(client, w["outsider"])
    for url in (
        reverse("works:project-detail", args=[w["project"].pk]),
        reverse("works:workorder-detail", args=[w["paving"].pk]),
        reverse("works:daily-report-detail", args=[report.pk]),
        reverse("works:daily-report-export", args=[report.pk, "pdf"]),
        reverse("works:weekly-export", args=[w["project"].pk, "xlsx"]),
        reverse("works:daily-report-form", args=[w["project"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert w["project"].code not in client.get(reverse("works:project-list")).content.decode()


def test_engineer_creates_project_and_work_order(works_world: dict[str, Any], client: Any):
    w = works_world
    _login(client, w["engineer"])
    response = client.post(
        reverse("works:project-create"),
        {
            "name": "G109 灌缝",
            "route": w["g1"].pk,
            "start_m": "K6+000",
            "end_m": "K7+500",
            "treatment": "crack_sealing",
            "contract_value_yuan": "80000",
            "planned_start": str(w["today"]),
            "planned_end": str(w["today"]),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    project = w["project"].__class__.objects.get(name="G109 灌缝")
    assert project.start_m == 6000 and project.end_m == 7500
    bad = client.post(
        reverse("works:workorder-create", args=[project.pk]),
        {
            "process": "crack_sealing",
            "planned_quantity": "1200",
            "unit": "m",
            "unit_cost_yuan": "15",
            "planned_start": str(w["today"]),
            "planned_end": str(w["today"]),
            "start_m": "K1+000",
            "end_m": "K2+000",
            "sequence": "1",
        },
    )
    assert bad.status_code == 200 and "errors" in bad.content.decode()
    ok = client.post(
        reverse("works:workorder-create", args=[project.pk]),
        {
            "process": "crack_sealing",
            "planned_quantity": "1200",
            "unit": "m",
            "unit_cost_yuan": "15",
            "planned_start": str(w["today"]),
            "planned_end": str(w["today"]),
            "sequence": "1",
        },
    )
    assert ok.status_code == 302
    assert project.work_orders.get().title  # the process name when left empty


def test_close_button_shows_blockers(works_world: dict[str, Any], client: Any):
    w = works_world

    def guard(work_order):
        return ["未关闭的不合格报告 NCR-7"]

    guards.register_close_guard(guard)
    try:
        _login(client, w["engineer"])
        services.complete_work_order(actor=w["engineer"], work_order=w["paving"])
        page = client.get(reverse("works:workorder-detail", args=[w["paving"].pk]))
        html = page.content.decode()
        assert "close-blockers" in html and "NCR-7" in html
        response = client.post(reverse("works:workorder-step", args=[w["paving"].pk, "close"]))
        assert response.status_code == 302
        w["paving"].refresh_from_db()
        assert w["paving"].status == "completed"
    finally:
        guards.unregister_close_guard(guard)


def _form_data(w: dict[str, Any], key: str, **extra: Any) -> dict[str, Any]:
    data = {
        "client_uuid": key,
        "date": str(w["today"]),
        "weather": "sunny",
        "workers_count": "6",
        "crew": str(w["crew"].pk),
        "machines": [str(w["paver"].pk)],
        "materials": "AC-13 120 t",
        f"qty_{w['paving'].pk}": "120",
        f"cost_{w['paving'].pk}": "62400",
    }
    data.update(extra)
    return data


def test_daily_report_form_browser_post(works_world: dict[str, Any], client: Any):
    w = works_world
    _login(client, w["worker"])
    url = reverse("works:daily-report-form", args=[w["project"].pk])
    page = client.get(url)
    html = page.content.decode()
    assert 'data-offline="daily-report"' in html and 'name="client_uuid"' in html
    assert f"qty_{w['paving'].pk}" in html
    response = client.post(url, _form_data(w, str(uuid.uuid4())))
    assert response.status_code == 302
    report = DailyReport.objects.get()
    assert response["Location"] == reverse("works:daily-report-detail", args=[report.pk])
    assert report.quantities.get().quantity == 120
    assert list(report.machines.all()) == [w["paver"]]


def test_daily_report_form_takes_several_photos(works_world: dict[str, Any], client: Any):
    w = works_world
    _login(client, w["worker"])
    url = reverse("works:daily-report-form", args=[w["project"].pk])
    assert 'name="photo" accept="image/*" multiple' in client.get(url).content.decode()
    headers = {"HTTP_ACCEPT": "application/json"}
    photos = [png(f"site-{i}.png") for i in range(3)]
    response = client.post(url, _form_data(w, str(uuid.uuid4()), photo=photos), **headers)
    assert response.status_code == 201, response.content
    assert DailyReport.objects.get().photos.count() == 3
    # Too many, or one that is not an image: a message on the field, nothing written.
    too_many = [png(f"more-{i}.png") for i in range(11)]
    refused = client.post(url, _form_data(w, str(uuid.uuid4()), photo=too_many), **headers)
    assert refused.status_code == 400 and "photo" in refused.json()["errors"]
    fake = io.BytesIO(b"not an image")
    fake.name = "fake.png"
    refused = client.post(url, _form_data(w, str(uuid.uuid4()), photo=[png(), fake]), **headers)
    assert refused.status_code == 400 and "photo" in refused.json()["errors"]
    assert DailyReport.objects.count() == 1


def test_daily_report_form_offline_json(works_world: dict[str, Any], client: Any):
    w = works_world
    _login(client, w["worker"])
    url = reverse("works:daily-report-form", args=[w["project"].pk])
    key = str(uuid.uuid4())
    headers = {"HTTP_ACCEPT": "application/json", "HTTP_X_ZHIYANG_OFFLINE": "1"}
    first = client.post(url, _form_data(w, key), **headers)
    assert first.status_code == 201
    body = first.json()
    assert body["created"] is True and body["url"].endswith(f"/{body['id']}/")
    again = client.post(url, _form_data(w, key), **headers)
    assert again.status_code == 200
    assert again.json() == {**body, "created": False}
    bad = client.post(
        url, _form_data(w, str(uuid.uuid4()), **{f"qty_{w['paving'].pk}": "-5"}), **headers
    )
    assert bad.status_code == 400
    assert f"qty_{w['paving'].pk}" in bad.json()["errors"]
    assert DailyReport.objects.count() == 1


def test_approval_pages(works_world: dict[str, Any], client: Any):
    w = works_world
    report, _ = services.submit_daily_report(actor=w["worker"], data=report_data(w))
    _login(client, w["engineer"])
    assert client.get(reverse("works:approval-list")).status_code == 403
    _login(client, w["manager"])
    queue = client.get(reverse("works:approval-list"))
    assert queue.status_code == 200 and f"approve-{report.pk}" in queue.content.decode()
    detail_url = reverse("works:daily-report-detail", args=[report.pk])
    rejected = client.post(detail_url, {"decision": "reject", "reason": ""})
    assert rejected.status_code == 200  # the reason is required
    response = client.post(detail_url, {"decision": "approve", "next": "approvals"})
    assert response.status_code == 302 and response["Location"] == reverse("works:approval-list")
    report.refresh_from_db()
    assert report.status == "approved"


def test_daily_exports(works_world: dict[str, Any], client: Any):
    w = works_world
    report, _ = services.submit_daily_report(
        actor=w["worker"],
        data=report_data(w, problems="小雨暂停摊铺"),
        quantities=[{"work_order": w["paving"], "quantity": "150", "cost_yuan": "78000"}],
    )
    _login(client, w["viewer"])
    pdf = client.get(reverse("works:daily-report-export", args=[report.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "小雨暂停摊铺" in text and "78,000" in text and w["project"].code in text
    xlsx = client.get(reverse("works:daily-report-export", args=[report.pk, "xlsx"]))
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert 150 in values and 78000 in values and "小雨暂停摊铺" in values
    assert (
        client.get(reverse("works:daily-report-export", args=[report.pk, "doc"])).status_code == 404
    )


def test_weekly_exports(works_world: dict[str, Any], client: Any):
    w = works_world
    for day_offset, qty in ((0, "100"), (1, "80")):
        day = w["today"] - dt.timedelta(days=day_offset)
        services.submit_daily_report(
            actor=w["worker"],
            data=report_data(w, date=day),
            quantities=[{"work_order": w["paving"], "quantity": qty, "cost_yuan": "1000"}],
        )
    # A rejected report does not count.
    rejected, _ = services.submit_daily_report(
        actor=w["worker"],
        data=report_data(w),
        quantities=[{"work_order": w["paving"], "quantity": "999"}],
    )
    services.reject_daily_report(actor=w["manager"], report=rejected, reason="重复")
    _login(client, w["viewer"])
    week = w["today"]
    xlsx = client.get(
        reverse("works:weekly-export", args=[w["project"].pk, "xlsx"]), {"week": str(week)}
    )
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == w["paving"].title]
    assert len(rows) == 1
    # planned 720 t; this week's share depends on whether yesterday is in the same week.
    to_date = rows[0][4]
    assert to_date == 180
    assert rows[0][5] == 25.0
    pdf = client.get(
        reverse("works:weekly-export", args=[w["project"].pk, "pdf"]), {"week": "junk"}
    )
    assert pdf.status_code == 200
    assert w["paving"].title in pdf_text(pdf.content)


def test_rejected_report_is_corrected_as_a_new_one(works_world: dict[str, Any], client: Any):
    w = works_world
    report, _ = services.submit_daily_report(
        actor=w["worker"],
        data=report_data(w, problems="磅单缺失"),
        quantities=[{"work_order": w["paving"], "quantity": "150", "cost_yuan": "78000"}],
    )
    services.reject_daily_report(actor=w["manager"], report=report, reason="补充磅单")
    _login(client, w["worker"])
    detail = client.get(reverse("works:daily-report-detail", args=[report.pk]))
    assert "daily-correct" in detail.content.decode()
    url = reverse("works:daily-report-form", args=[w["project"].pk])
    page = client.get(url, {"from": report.pk}).content.decode()
    assert "磅单缺失" in page and 'value="150.00"' in page
    assert client.get(url, {"from": "99999999999999"}).status_code == 200
