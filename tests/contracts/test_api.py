"""The whole month through the API: the owner's workbook imported, a period measured,
approved line by line and certified; figures recomputed here by hand; certificates as PDF
and Excel; a bad workbook changes nothing; a non-party sees nothing."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.contracts.test_boq_import import owner_workbook
from tests.pdfs import pdf_text
from zhiyang.contracts.models import BoqItem

D = Decimal


@pytest.fixture
def clients(world: dict[str, Any], api_client_for: Any) -> dict[str, Any]:
    return {
        role: api_client_for(world[role])
        for role in ("engineer", "supervisor", "owner", "outsider")
    }


def _upload(client: Any, contract_id: int, data: bytes, name: str) -> Any:
    return client.post(
        f"/api/v1/contracts/contracts/{contract_id}/import-boq/",
        {"file": io.BytesIO(data) if False else _named(data, name)},
        format="multipart",
    )


def _named(data: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


@pytest.mark.django_db
def test_month_through_the_api(world: dict[str, Any], clients: dict[str, Any]) -> None:
    eng, sup, owner = clients["engineer"], clients["supervisor"], clients["owner"]
    cid = world["contract"].pk
    answer = _upload(eng, cid, owner_workbook(), "清单.xlsx")
    assert answer.status_code == 200, answer.content
    assert answer.json()["items"] == 5 and answer.json()["total_yuan"] == "219262.80"

    answer = eng.post("/api/v1/contracts/periods/", {"contract": cid, "month": "2026-03-01"})
    assert answer.status_code == 201, answer.content
    pid = answer.json()["id"]
    lines = {
        line["code"]: line
        for line in eng.get(f"/api/v1/contracts/lines/?period={pid}").json()["results"]
    }
    assert len(lines) == 5
    for code, quantity in (("301-1", "600.25"), ("302-1", "1000"), ("101-1-a", "1")):
        r = eng.patch(f"/api/v1/contracts/lines/{lines[code]['id']}/", {"quantity": quantity})
        assert r.status_code == 200, r.content
    assert sup.post(f"/api/v1/contracts/periods/{pid}/propose/").status_code == 403
    assert eng.post(f"/api/v1/contracts/periods/{pid}/propose/").json()["status"] == "proposed"
    r = sup.patch(f"/api/v1/contracts/lines/{lines['302-1']['id']}/", {"quantity": "950"})
    assert r.status_code == 400  # a change needs a reason
    r = sup.patch(
        f"/api/v1/contracts/lines/{lines['302-1']['id']}/", {"quantity": "950", "reason": "实测"}
    )
    assert r.status_code == 200 and r.json()["approved_quantity"] == "950.000"
    assert owner.post(f"/api/v1/contracts/periods/{pid}/supervisor-approve/").status_code == 403
    assert sup.post(f"/api/v1/contracts/periods/{pid}/supervisor-approve/").status_code == 200
    r = owner.patch(
        f"/api/v1/contracts/lines/{lines['301-1']['id']}/", {"quantity": "600", "reason": "扣减"}
    )
    assert r.status_code == 200
    r = owner.post(f"/api/v1/contracts/periods/{pid}/certify/")
    assert r.status_code == 200 and r.json()["status"] == "certified"

    cert = eng.get(f"/api/v1/contracts/periods/{pid}/certificate/").json()
    # 600 × 85.60 = 51 360.00; 950 × 12.50 = 11 875.00; 1 × 20 000
    value = D("51360.00") + D("11875.00") + D("20000.00")
    retention = (value * D("0.05")).quantize(D("0.01"))
    recovery = (value * D("0.20")).quantize(D("0.01"))
    assert D(cert["work_value"]["this"]) == value == D("83235.00")
    assert D(cert["retention"]["this"]) == retention
    assert D(cert["advance_recovery"]["this"]) == recovery
    assert D(cert["payable"]["this"]) == value - retention - recovery
    by_code = {i["code"]: i for i in cert["items"]}
    assert by_code["301-1"]["this_quantity"] == "600.000"

    pdf = eng.get(f"/api/v1/contracts/periods/{pid}/certificate-pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "301-1" in text and "83,235.00" in text
    xlsx = eng.get(f"/api/v1/contracts/periods/{pid}/certificate-xlsx/")
    book = load_workbook(io.BytesIO(xlsx.content))
    payment = book.worksheets[1]
    assert D(str(payment.cell(3, 3).value)) == value

    # Measured: a new workbook is refused and changes nothing.
    r = _upload(eng, cid, owner_workbook(), "again.xlsx")
    assert r.status_code == 400


@pytest.mark.django_db
def test_bad_workbook_through_the_api(world: dict[str, Any], clients: dict[str, Any]) -> None:
    before = list(BoqItem.objects.values_list("code", "quantity"))
    bad = owner_workbook([["301-1", "面层", "m2", "abc", "85", None]], merge=False)
    r = _upload(clients["engineer"], world["contract"].pk, bad, "bad.xlsx")
    assert r.status_code == 400
    rows = r.json()["error"]["rows"]
    assert rows[0]["row"] == 3 and rows[0]["column"] == "数量"
    assert list(BoqItem.objects.values_list("code", "quantity")) == before


@pytest.mark.django_db
def test_non_party_sees_nothing(world: dict[str, Any], clients: dict[str, Any]) -> None:
    cid = world["contract"].pk
    outsider = clients["outsider"]
    assert outsider.get(f"/api/v1/contracts/contracts/{cid}/").status_code == 404
    assert outsider.get("/api/v1/contracts/boq-items/").json()["count"] == 0
    assert clients["supervisor"].get(f"/api/v1/contracts/contracts/{cid}/").status_code == 200


@pytest.mark.django_db
def test_variation_and_assessment_through_the_api(
    world: dict[str, Any], clients: dict[str, Any]
) -> None:
    cid = world["contract"].pk
    r = clients["engineer"].post(
        "/api/v1/contracts/variations/",
        {
            "contract": cid,
            "code": "BG-01",
            "title": "增项",
            "lines": [
                {"item": "302-1", "new_quantity": "600"},
                {
                    "code": "303-9",
                    "name": "新增",
                    "unit": "m",
                    "new_quantity": "10",
                    "new_unit_price_yuan": "5",
                },
            ],
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    vid = r.json()["id"]
    assert r.json()["change_yuan"] == "1300.00"  # 100 × 12.50 + 10 × 5
    clients["engineer"].post(f"/api/v1/contracts/variations/{vid}/submit/")
    clients["supervisor"].post(f"/api/v1/contracts/variations/{vid}/supervisor-approve/")
    r = clients["owner"].post(f"/api/v1/contracts/variations/{vid}/approve/")
    assert r.status_code == 200 and r.json()["boq_version"] == 2

    r = clients["owner"].post(
        "/api/v1/contracts/assessment-templates/",
        {
            "name": "月度考核",
            "max_score": "100",
            "yuan_per_point": "200",
            "items": [
                {
                    "code": "A",
                    "name": "坑槽",
                    "rule": "per_count",
                    "max_points": "10",
                    "points_per_unit": "2",
                    "yuan_per_unit": "0",
                }
            ],
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    r = clients["owner"].post(
        "/api/v1/contracts/assessments/",
        {
            "contract": cid,
            "template": r.json()["id"],
            "month": "2026-03-01",
            "counts": {"A": "7"},
            "final": True,
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    # 7 × 2 = 14 points, capped at 10: score 90, 10 × 200 yuan
    assert r.json()["score"] == "90.00" and r.json()["deduction_yuan"] == "2000.00"
    assert (
        clients["engineer"]
        .post(
            "/api/v1/contracts/assessments/",
            {"contract": cid, "template": 1, "month": "2026-03-01"},
            format="json",
        )
        .status_code
        == 403
    )


@pytest.mark.django_db
def test_bulk_lines_and_field_aliases(world: dict[str, Any], clients: dict[str, Any]) -> None:
    eng, sup = clients["engineer"], clients["supervisor"]
    cid = world["contract"].pk
    r = eng.post("/api/v1/contracts/periods/", {"contract": cid, "month": "2026-04"})
    assert r.status_code == 201 and r.json()["month"] == "2026-04-01"
    pid = r.json()["id"]
    r = eng.post(
        f"/api/v1/contracts/periods/{pid}/set-lines/",
        [{"code": "301-1", "quantity": "10"}, {"code": "302-1", "proposed_quantity": "4"}],
        format="json",
    )
    assert r.status_code == 200, r.content
    assert {x["code"]: x["proposed_quantity"] for x in r.json()}["302-1"] == "4.000"
    r = eng.post(
        f"/api/v1/contracts/periods/{pid}/set-lines/",
        [{"code": "nope", "quantity": 1}],
        format="json",
    )
    assert r.status_code == 400
    eng.post(f"/api/v1/contracts/periods/{pid}/propose/")
    r = sup.post(
        f"/api/v1/contracts/periods/{pid}/set-lines/",
        [
            {"code": "301-1", "supervisor_quantity": "9", "supervisor_reason": "复核"},
            {"code": "302-1", "quantity": "3"},
        ],  # no reason: nothing is kept
        format="json",
    )
    assert r.status_code == 400
    line = world["items"]["301-1"].lines.get()
    assert line.supervisor_quantity is None
