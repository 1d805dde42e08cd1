"""Fixtures of the sop tests: a project with work orders, users by role, a photo, and a
helper that builds a complete checklist submission."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories
from zhiyang.core.choices import Role
from zhiyang.sop import services
from zhiyang.works.models import WorkOrder


def jpeg(name: str = "p.jpg") -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def world(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    west = two_districts["org_west"]
    project = factories.project(
        organisation=west,
        route=two_districts["g1"],
        code="P-WEST",
        name="G109 overlay",
        start_m=1000.0,
        end_m=3000.0,
        treatment="mill_and_inlay",
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 20),
        status="in_progress",
    )
    orders = {
        process: factories.work_order(
            project,
            process,
            title=f"{process} order",
            sequence=n,
            unit="m2",
            end=dt.date(2026, 3, 10),
            status="in_progress",
        )
        for n, process in enumerate(("paving", "tack_coat", "work_zone", "rolling"), 1)
    }
    return {
        **two_districts,
        "project": project,
        "orders": orders,
        "worker": make_user(role=Role.WORKER, organisation=west),
        "qc": make_user(role=Role.QC_INSPECTOR, organisation=west),
        "engineer": make_user(role=Role.ENGINEER, organisation=west),
        "safety": make_user(role=Role.SAFETY_OFFICER, organisation=west),
        "admin": make_user(role=Role.ADMIN, organisation=two_districts["org_all"]),
        "viewer": make_user(role=Role.VIEWER, organisation=west),
        "outsider": make_user(role=Role.WORKER, organisation=two_districts["org_east"]),
    }


def inside(lo: float | None, hi: float | None) -> float:
    """A value inside [lo, hi] (either may be open)."""
    if lo is not None and hi is not None:
        return (lo + hi) / 2
    if lo is not None:
        return lo + 1
    return (hi or 2) / 2


def good_post(
    work_order: WorkOrder,
    context: dict[str, Any] | None = None,
    values: dict[str, Any] | None = None,
    *,
    not_done: tuple[str, ...] = (),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(post, files) of a complete, passing checklist (values in the middle of each range),
    with ``values`` overriding single fields."""
    version = services.version_for(work_order=work_order)
    context = dict(context or {})
    ranges = services.measurement_specs(
        version=version, context=context, organisation_id=work_order.project.organisation_id
    )
    post: dict[str, Any] = {
        "client_uuid": str(uuid.uuid4()),
        "version": str(version.pk),
        "lon": "112.75",
        "lat": "40.015",
        **{f"ctx-{k}": str(v) for k, v in context.items()},
    }
    files: dict[str, Any] = {}
    for step in version.steps:
        code = step["code"]
        if code not in not_done:
            post[f"step-{code}-done"] = "1"
        for m in ranges.get(code, []):
            post[f"step-{code}-m-{m.code}"] = str(inside(m.min_value, m.max_value))
        for p in step.get("photos", []):
            if p["required"]:
                files[f"step-{code}-photo-{p['code']}"] = jpeg(f"{code}-{p['code']}.jpg")
    post.update(values or {})
    return post, files


PAVING_70 = {
    "binder_grade": "70",
    "season": "normal",
    "mix_type": "dense",
    "design_thickness_mm": "40",
}


def submit(
    user: Any, work_order: WorkOrder, post: dict[str, Any], files: dict[str, Any]
) -> tuple[Any, bool]:
    version = services.version_for(work_order=work_order, version_id=post.get("version"))
    submission = services.parse_submission(version=version, post=post, files=files)
    return services.submit_run(actor=user, work_order=work_order, submission=submission)
