"""Pages: instruction list/detail/publish, the phone checklist (offline contract: JSON
answers, repeat client_uuid), run detail with sign-off, NCR pages; roles and scope."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.sop.conftest import PAVING_70, good_post
from zhiyang.sop import content as sop_content
from zhiyang.sop.choices import NcrStatus, RunStatus
from zhiyang.sop.models import ChecklistRun, InstructionVersion, NonConformance

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


def _post(client, order, post, files, **headers):
    return client.post(reverse("sop:run-create", args=[order.pk]), {**post, **files}, **headers)


def test_instruction_pages_in_both_languages(world, client):
    client.force_login(world["worker"])
    page = client.get(reverse("sop:instruction-list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "沥青混合料摊铺" in page.content.decode()
    page = client.get(reverse("sop:instruction-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert "Asphalt mix paving" in page.content.decode()
    detail = client.get(
        reverse("sop:instruction-detail", args=["rolling"]), HTTP_ACCEPT_LANGUAGE="en"
    )
    body = detail.content.decode()
    assert detail.status_code == 200 and "sop-hold" in body and "rolling_start_temp_c" in body
    assert client.get(reverse("sop:instruction-detail", args=["nope"])).status_code == 404


def test_publish_page_admin_only(world, client):
    client.force_login(world["worker"])
    url = reverse("sop:instruction-publish", args=["tack_coat"])
    assert client.get(url).status_code == 403
    client.force_login(world["admin"])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"content": '{"code": "tack_coat"}', "note": "x"})
    assert bad.status_code == 200 and b"errors" in bad.content
    data = sop_content.packaged("tack_coat")
    response = client.post(url, {"content": json.dumps(data), "note": "typo fixed"})
    assert response.status_code == 302
    assert (
        InstructionVersion.objects.get(instruction__code="tack_coat", status="published").version
        == 2
    )


def test_checklist_page_shows_ranges_and_offline_form(world, client):
    client.force_login(world["worker"])
    page = client.get(reverse("sop:run-create", args=[world["orders"]["paving"].pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-offline="checklist"' in body and 'name="client_uuid"' in body
    assert 'name="step-mix_arrival-m-arrival_temp"' in body and 'data-min="145"' in body
    assert 'name="step-surface_ready-photo-surface"' in body


def test_checklist_post_json_created_then_repeat(world, client):
    client.force_login(world["worker"])
    order = world["orders"]["paving"]
    post, files = good_post(order, PAVING_70)
    first = _post(client, order, post, files, **JSON)
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["created"] is True and data["url"].endswith(f"/sop/runs/{data['id']}/")
    post2, files2 = good_post(order, PAVING_70)
    post2["client_uuid"] = post["client_uuid"]
    again = _post(client, order, post2, files2, **JSON)
    assert again.status_code == 200 and again.json() == {**data, "created": False}
    assert ChecklistRun.objects.count() == 1


def test_checklist_post_errors(world, client):
    client.force_login(world["worker"])
    order = world["orders"]["paving"]
    post, files = good_post(order, PAVING_70, {"step-mix_arrival-m-arrival_temp": ""})
    bad = _post(client, order, post, files, **JSON)
    assert bad.status_code == 400
    assert "step-mix_arrival-m-arrival_temp" in bad.json()["errors"]
    page = _post(client, order, post, files)
    assert page.status_code == 200 and b"errors" in page.content
    post, files = good_post(order, PAVING_70)
    ok = _post(client, order, post, files)
    assert ok.status_code == 302


def test_ranges_endpoint(world, client):
    client.force_login(world["worker"])
    url = reverse("sop:run-ranges", args=[world["orders"]["paving"].pk])
    data = client.get(
        url,
        {
            "ctx-binder_grade": "sbs",
            "ctx-season": "normal",
            "ctx-mix_type": "dense",
            "ctx-design_thickness_mm": "40",
        },
    ).json()
    assert data["step-mix_arrival-m-arrival_temp"]["min"] == 165.0
    assert data["step-speed_continuity-m-paver_speed"]["max"] == 3.0


def test_scope_and_roles(world, client):
    order = world["orders"]["paving"]
    client.force_login(world["outsider"])
    assert client.get(reverse("sop:run-create", args=[order.pk])).status_code == 404
    client.force_login(world["viewer"])
    assert client.get(reverse("sop:run-create", args=[order.pk])).status_code == 403
    assert client.get(reverse("sop:instruction-list")).status_code == 200


def test_run_detail_sign_off_and_ncr_pages(world, client):
    order = world["orders"]["paving"]
    client.force_login(world["worker"])
    post, files = good_post(order, PAVING_70, {"step-mix_arrival-m-arrival_temp": "100"})
    run_id = _post(client, order, post, files, **JSON).json()["id"]
    client.force_login(world["qc"])
    detail = client.get(reverse("sop:run-detail", args=[run_id]))
    body = detail.content.decode()
    assert (
        detail.status_code == 200 and 'id="raise-mix_arrival"' in body and "close-blockers" in body
    )
    client.post(reverse("sop:run-sign-off", args=[run_id]), {"step_code": "surface_ready"})
    assert ChecklistRun.objects.get(pk=run_id).sign_offs.count() == 1
    raised = client.post(
        reverse("sop:ncr-raise", args=[run_id]),
        {"step_code": "mix_arrival", "description": "Arrived at 100 °C"},
    )
    ncr = NonConformance.objects.get()
    assert raised.status_code == 302 and raised["Location"] == reverse(
        "sop:ncr-detail", args=[ncr.pk]
    )
    client.force_login(world["worker"])
    page = client.get(reverse("sop:ncr-detail", args=[ncr.pk]))
    assert b'id="ncr-rectify"' in page.content
    client.post(
        reverse("sop:ncr-detail", args=[ncr.pk]),
        {"action": "rectify", "text": "rejected the truck"},
    )
    client.force_login(world["engineer"])
    client.post(reverse("sop:ncr-detail", args=[ncr.pk]), {"action": "approve", "text": "ok"})
    ncr.refresh_from_db()
    assert ncr.status == NcrStatus.APPROVED
    assert client.get(reverse("sop:ncr-list")).status_code == 200
    assert client.get(reverse("sop:run-list"), {"status": RunStatus.FAILED}).status_code == 200
    client.force_login(world["outsider"])
    assert client.get(reverse("sop:run-detail", args=[run_id])).status_code == 404
    assert client.get(reverse("sop:ncr-detail", args=[ncr.pk])).status_code == 404


def test_start_list(world, client):
    client.force_login(world["worker"])
    page = client.get(reverse("sop:run-start-list"))
    assert page.status_code == 200 and b"paving order" in page.content


def test_dashboard_tile(world, client):
    from zhiyang.sop.dashboard import tiles

    order = world["orders"]["paving"]
    client.force_login(world["worker"])
    post, files = good_post(order, PAVING_70, {"step-mix_arrival-m-arrival_temp": "100"})
    _post(client, order, post, files, **JSON)
    (tile,) = tiles(world["qc"])
    assert tile.key == "open-ncrs" and tile.tone == "bad" and tile.value == "0"
    assert tiles(world["outsider"])[0].tone == "good"
    assert client.get(reverse("web:dashboard")).status_code == 200


def test_publish_by_uploading_toml(world, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from zhiyang.sop.content import packaged_codes

    assert "work_zone" in packaged_codes()
    path = sop_content.__file__.replace("content.py", "data/work_zone.toml")
    with open(path, encoding="utf-8") as handle:
        text = handle.read().replace(
            'zh-hans = "作业区布设与撤除"', 'zh-hans = "作业区布设与撤除（修订）"'
        )
    client.force_login(world["admin"])
    upload = SimpleUploadedFile("work_zone.toml", text.encode("utf-8"))
    response = client.post(
        reverse("sop:instruction-publish", args=["work_zone"]),
        {"upload": upload, "note": "renamed"},
    )
    assert response.status_code == 302
    version = InstructionVersion.objects.get(instruction__code="work_zone", status="published")
    assert version.version == 2 and version.content["name"]["zh-hans"].endswith("（修订）")
    broken = SimpleUploadedFile("x.toml", b"code = [")
    page = client.post(
        reverse("sop:instruction-publish", args=["work_zone"]), {"upload": broken, "note": "x"}
    )
    assert page.status_code == 200 and b"TOML" in page.content


def test_f40_standard_page(world, client):
    client.force_login(world["engineer"])
    page = client.get("/standards/jtg_f40_2004/")
    assert page.status_code == 200 and "hot_mix.grade_70" in page.content.decode()
