"""The contracts pages: scope, the workflow by form posts, the import page, the phone
assessment page, certificates downloaded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.contracts.test_boq_import import owner_workbook
from tests.images import png
from tests.pdfs import pdf_text
from zhiyang.contracts import services
from zhiyang.contracts.models import Assessment, BoqItem, MeasurementPeriod
from zhiyang.core.actors import SYSTEM

D = Decimal


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_pages_and_scope(world: dict[str, Any]) -> None:
    eng = client_for(world["engineer"])
    contract = world["contract"]
    assert eng.get("/contracts/").status_code == 200
    page = eng.get(f"/contracts/{contract.pk}/")
    assert page.status_code == 200 and "301-1" in page.content.decode()
    assert client_for(world["outsider"]).get(f"/contracts/{contract.pk}/").status_code == 404
    for url in ("/contracts/periods/", "/contracts/variations/", "/contracts/assessments/"):
        assert eng.get(url).status_code == 200


@pytest.mark.django_db
def test_workflow_through_the_pages(world: dict[str, Any]) -> None:
    eng, sup, owner = (client_for(world[r]) for r in ("engineer", "supervisor", "owner"))
    contract = world["contract"]
    r = eng.post(f"/contracts/{contract.pk}/periods/open/", {"month": "2026-03"})
    period = MeasurementPeriod.objects.get(contract=contract)
    assert r.status_code == 302 and r["Location"] == f"/contracts/periods/{period.pk}/"
    line = period.lines.get(item__code="302-1")
    url = f"/contracts/periods/{period.pk}/"
    eng.post(url, {f"q_{line.pk}": "100", "action": "step"})
    period.refresh_from_db()
    assert period.status == "proposed"
    assert eng.post(url, {"action": "step"}).status_code == 403  # not the supervisor's right
    sup.post(url, {f"q_{line.pk}": "90", f"r_{line.pk}": "实测", "action": "step"})
    period.refresh_from_db()
    assert period.status == "supervisor_approved"
    page = owner.get(url).content.decode()
    assert 'id="step-button"' in page
    owner.post(url, {"action": "step"})
    period.refresh_from_db()
    assert period.status == "certified"
    assert period.certificate["work_value"]["this"] == "1125.00"  # 90 × 12.50
    pdf = eng.get(f"/contracts/periods/{period.pk}/certificate.pdf")
    assert pdf.status_code == 200 and "1,125.00" in pdf_text(pdf.content)
    xlsx = eng.get(f"/contracts/periods/{period.pk}/certificate.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


@pytest.mark.django_db
def test_import_page_shows_errors_and_changes_nothing(world: dict[str, Any]) -> None:
    eng = client_for(world["engineer"])
    contract = world["contract"]
    bad = owner_workbook([["301-1", "面层", "m2", "x", "85", None]], merge=False)
    r = eng.post(
        f"/contracts/{contract.pk}/boq/import/", {"file": SimpleUploadedFile("b.xlsx", bad)}
    )
    assert r.status_code == 400 and "import-errors" in r.content.decode()
    assert BoqItem.objects.filter(contract=contract).count() == 3
    r = eng.post(
        f"/contracts/{contract.pk}/boq/import/",
        {"file": SimpleUploadedFile("ok.xlsx", owner_workbook())},
    )
    assert r.status_code == 302
    assert BoqItem.objects.filter(contract=contract).count() == 5
    assert (
        client_for(world["supervisor"]).get(f"/contracts/{contract.pk}/boq/import/").status_code
        == 403
    )


@pytest.mark.django_db
def test_assessment_phone_page(world: dict[str, Any]) -> None:
    services.create_template(
        actor=SYSTEM,
        name="考核",
        yuan_per_point=10,
        items=[
            {
                "code": "K1",
                "name": "坑槽",
                "rule": "per_count",
                "max_points": D("20"),
                "points_per_unit": D("2"),
                "yuan_per_unit": D("50"),
            }
        ],
    )
    owner = client_for(world["owner"])
    page = owner.get("/contracts/assessments/new/")
    assert page.status_code == 200 and 'name="count_K1"' in page.content.decode()
    r = owner.post(
        "/contracts/assessments/new/",
        {
            "contract": world["contract"].pk,
            "template": page.context["form"].sheet.pk,
            "month": "2026-03",
            "route": world["g1"].pk,
            "count_K1": "4",
            "photo_K1": png("pothole.png"),
            "final": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    assessment = Assessment.objects.get()
    # 4 × 2 = 8 points; 4 × 50 + 8 × 10 = 280 yuan
    assert assessment.score == D("92.00") and assessment.deduction_yuan == D("280.00")
    assert assessment.month == dt.date(2026, 3, 1) and assessment.entries.get().photo
    assert client_for(world["engineer"]).get("/contracts/assessments/new/").status_code == 403
