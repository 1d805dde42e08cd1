"""Sop API: instructions and versions read-only, runs created idempotently, sign-off, NCR
steps; scope."""

from __future__ import annotations

import pytest

from tests.sop.conftest import PAVING_70, good_post
from zhiyang.sop.models import ChecklistRun

pytestmark = pytest.mark.django_db


def test_instructions_read_only(world, api_client_for):
    client = api_client_for(world["viewer"])
    data = client.get("/api/v1/sop/instructions/").json()
    assert data["count"] == 12
    paving = client.get("/api/v1/sop/instructions/paving/").json()
    assert paving["name"]["en"] == "Asphalt mix paving" and paving["hold_points"] == 3
    assert paving["versions"][0]["version"] == 1
    versions = client.get("/api/v1/sop/versions/?instruction=paving").json()
    assert versions["count"] == 1 and versions["results"][0]["content"]["code"] == "paving"
    assert client.post("/api/v1/sop/instructions/", {}, format="json").status_code in (403, 405)


def test_run_create_multipart_idempotent(world, api_client_for):
    client = api_client_for(world["worker"])
    order = world["orders"]["paving"]
    post, files = good_post(order, PAVING_70)
    body = {"work_order": order.pk, **post, **files}
    first = client.post("/api/v1/sop/runs/", body, format="multipart")
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["instruction"] == "paving" and data["version_number"] == 1
    assert len(data["results"]) == 8
    post2, files2 = good_post(order, PAVING_70)
    post2["client_uuid"] = post["client_uuid"]
    again = client.post(
        "/api/v1/sop/runs/", {"work_order": order.pk, **post2, **files2}, format="multipart"
    )
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert ChecklistRun.objects.count() == 1


def test_run_create_errors_and_scope(world, api_client_for):
    order = world["orders"]["paving"]
    post, files = good_post(order, PAVING_70, {"step-mix_arrival-m-arrival_temp": ""})
    client = api_client_for(world["worker"])
    bad = client.post(
        "/api/v1/sop/runs/", {"work_order": order.pk, **post, **files}, format="multipart"
    )
    assert bad.status_code == 400
    assert "step-mix_arrival-m-arrival_temp" in bad.json()["error"]["fields"]
    outsider = api_client_for(world["outsider"])
    post, files = good_post(order, PAVING_70)
    assert (
        outsider.post(
            "/api/v1/sop/runs/", {"work_order": order.pk, **post, **files}, format="multipart"
        ).status_code
        == 404
    )


def test_ncr_flow_and_sign_off(world, api_client_for):
    order = world["orders"]["paving"]
    post, files = good_post(order, PAVING_70, {"step-mix_arrival-m-arrival_temp": "100"})
    run = (
        api_client_for(world["worker"])
        .post("/api/v1/sop/runs/", {"work_order": order.pk, **post, **files}, format="multipart")
        .json()
    )
    assert run["status"] == "failed"
    qc = api_client_for(world["qc"])
    signed = qc.post(
        f"/api/v1/sop/runs/{run['id']}/sign-off/", {"step_code": "surface_ready"}, format="json"
    )
    assert signed.status_code == 200 and len(signed.json()["sign_offs"]) == 1
    refused = api_client_for(world["worker"]).post(
        f"/api/v1/sop/runs/{run['id']}/sign-off/", {"step_code": "loose_thickness"}, format="json"
    )
    assert refused.status_code == 403
    ncr = qc.post(
        "/api/v1/sop/ncrs/",
        {"run": run["id"], "step_code": "mix_arrival", "description": "cold"},
        format="json",
    )
    assert ncr.status_code == 201
    pk = ncr.json()["id"]
    assert qc.post(f"/api/v1/sop/ncrs/{pk}/approve/", {}, format="json").status_code == 400
    worker = api_client_for(world["worker"])
    assert (
        worker.post(
            f"/api/v1/sop/ncrs/{pk}/rectify/", {"text": "re-tested"}, format="json"
        ).status_code
        == 200
    )
    assert worker.post(f"/api/v1/sop/ncrs/{pk}/approve/", {}, format="json").status_code == 403
    approved = api_client_for(world["engineer"]).post(
        f"/api/v1/sop/ncrs/{pk}/approve/", {"text": "ok"}, format="json"
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert api_client_for(world["outsider"]).get(f"/api/v1/sop/ncrs/{pk}/").status_code == 404
