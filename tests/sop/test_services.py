"""SOP services: measurement validation against the ranges (boundaries included), photos,
idempotent runs, versions kept, sign-off by role, NCR loop and the close guard, scope."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.sop.conftest import PAVING_70, good_post, jpeg, submit
from zhiyang.core.models import AuditLog
from zhiyang.sop import content as sop_content
from zhiyang.sop import services
from zhiyang.sop.choices import NcrStatus, RunStatus, VersionStatus
from zhiyang.sop.models import ChecklistRun, StepPhoto, StepResult, WorkInstruction
from zhiyang.works import services as works_services
from zhiyang.works.models import WorkOrder

pytestmark = pytest.mark.django_db
ARRIVAL = "step-mix_arrival-m-arrival_temp"


def _paving(world, **values):
    return good_post(world["orders"]["paving"], PAVING_70, values)


@pytest.mark.parametrize(
    "value, passed",
    [(145.0, True), (144.9, False), (195.0, True), (195.1, False), (170.0, True)],
)
def test_arrival_temperature_boundaries_for_70(world, value, passed):
    post, files = _paving(world, **{ARRIVAL: str(value)})
    run, created = submit(world["worker"], world["orders"]["paving"], post, files)
    assert created
    result = StepResult.objects.get(run=run, step_code="mix_arrival")
    assert result.passed is passed
    stored = result.values["arrival_temp"]
    assert (stored["min"], stored["max"], stored["value"]) == (145.0, 195.0, value)
    assert run.status == (RunStatus.IN_PROGRESS if passed else RunStatus.FAILED)


def test_sbs_context_raises_the_limit(world):
    ctx = {**PAVING_70, "binder_grade": "sbs"}
    post, files = good_post(world["orders"]["paving"], ctx, {ARRIVAL: "160"})
    run, _ = submit(world["worker"], world["orders"]["paving"], post, files)
    assert not StepResult.objects.get(run=run, step_code="mix_arrival").passed


def test_loose_thickness_follows_the_design(world):
    # 40 mm design × loose factor 1.15–1.35 → 46–54 mm
    post, files = _paving(world, **{"step-loose_thickness-m-loose_depth": "54"})
    run, _ = submit(world["worker"], world["orders"]["paving"], post, files)
    assert StepResult.objects.get(run=run, step_code="loose_thickness").passed
    post, files = _paving(world, **{"step-loose_thickness-m-loose_depth": "54.1"})
    run, _ = submit(world["worker"], world["orders"]["paving"], post, files)
    assert not StepResult.objects.get(run=run, step_code="loose_thickness").passed


def test_spray_rate_by_surface_and_product(world):
    order = world["orders"]["tack_coat"]
    ctx = {"base_type": "asphalt", "product": "emulsion"}
    post, files = good_post(order, ctx, {"step-spray_rate-m-rate": "0.6"})
    run, _ = submit(world["worker"], order, post, files)
    assert run.status == RunStatus.IN_PROGRESS
    post, files = good_post(order, ctx, {"step-spray_rate-m-rate": "0.65"})
    run, _ = submit(world["worker"], order, post, files)
    assert run.status == RunStatus.FAILED


def test_missing_values_photos_and_context_are_errors_by_field(world):
    post, files = _paving(world, **{ARRIVAL: "", "ctx-binder_grade": "999"})
    files.pop("step-surface_ready-photo-surface")
    with pytest.raises(ValidationError) as info:
        submit(world["worker"], world["orders"]["paving"], post, files)
    fields = info.value.message_dict
    assert "ctx-binder_grade" in fields
    assert "step-surface_ready-photo-surface" in fields
    post, files = _paving(world, **{ARRIVAL: "abc"})
    with pytest.raises(ValidationError) as info:
        submit(world["worker"], world["orders"]["paving"], post, files)
    assert ARRIVAL in info.value.message_dict
    assert not ChecklistRun.objects.exists()


def test_not_done_step_fails_even_in_range(world):
    post, files = good_post(world["orders"]["paving"], PAVING_70, not_done=("joints",))
    run, _ = submit(world["worker"], world["orders"]["paving"], post, files)
    assert not StepResult.objects.get(run=run, step_code="joints").passed
    assert run.status == RunStatus.FAILED


def test_photos_keep_time_and_gps(world):
    post, files = _paving(world)
    post["step-surface_ready-photo-surface-taken_at"] = "2026-03-02T08:15:00+08:00"
    post["step-surface_ready-photo-surface-lon"] = "112.7512"
    post["step-surface_ready-photo-surface-lat"] = "40.0151"
    files["step-segregation_check-photo-mat"] = jpeg("mat.jpg")
    run, _ = submit(world["worker"], world["orders"]["paving"], post, files)
    photo = StepPhoto.objects.get(result__run=run, code="surface")
    assert photo.lon == pytest.approx(112.7512) and photo.lat == pytest.approx(40.0151)
    assert photo.taken_at.isoformat().startswith("2026-03-02T00:15")
    mat = StepPhoto.objects.get(result__run=run, code="mat")
    assert mat.lon == pytest.approx(112.75)  # the run's position when the photo has none


def test_not_an_image_is_refused(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    post, files = _paving(world)
    files["step-surface_ready-photo-surface"] = SimpleUploadedFile("x.jpg", b"not an image")
    with pytest.raises(ValidationError) as info:
        submit(world["worker"], world["orders"]["paving"], post, files)
    assert "step-surface_ready-photo-surface" in info.value.message_dict
    assert not ChecklistRun.objects.exists()


def test_same_client_uuid_returns_the_first_run(world):
    post, files = _paving(world)
    first, created = submit(world["worker"], world["orders"]["paving"], post, files)
    post2, files2 = _paving(world, **{ARRIVAL: "100"})
    post2["client_uuid"] = post["client_uuid"]
    again, created_again = submit(world["worker"], world["orders"]["paving"], post2, files2)
    assert created and not created_again and again.pk == first.pk
    assert ChecklistRun.objects.count() == 1
    assert AuditLog.objects.filter(resource="sop.checklistrun").count() == 1
    # Each step's result and photo has its own audit row with the values recorded.
    results = AuditLog.objects.filter(resource="sop.stepresult")
    assert results.count() == first.results.count() > 0
    arrival = first.results.get(step_code="mix_arrival")
    logged = results.get(object_id=str(arrival.pk)).after
    assert logged["values"] == arrival.values and logged["passed"] == arrival.passed
    photos = StepPhoto.objects.filter(result__run=first).count()
    assert AuditLog.objects.filter(resource="sop.stepphoto").count() == photos > 0


def test_client_uuid_of_another_scope_is_refused(world):
    post, files = _paving(world)
    submit(world["worker"], world["orders"]["paving"], post, files)
    with pytest.raises(ValidationError) as info:
        submit(world["outsider"], world["orders"]["paving"], post, files)
    assert "client_uuid" in info.value.message_dict


def test_outsider_cannot_run_on_another_organisations_order(world):
    post, files = _paving(world)
    with pytest.raises(ValidationError):
        submit(world["outsider"], world["orders"]["paving"], post, files)
    with pytest.raises(PermissionDenied):
        submit(world["viewer"], world["orders"]["paving"], post, files)


def test_a_run_keeps_its_version_after_publishing(world):
    post, files = _paving(world)
    run, _ = submit(world["worker"], world["orders"]["paving"], post, files)
    instruction = WorkInstruction.objects.get(code="paving")
    data = sop_content.packaged("paving")
    data["steps"][0]["text"]["en"] = "Check the base again."
    v2 = services.publish_version(
        actor=world["admin"], instruction=instruction, content=data, note="clarified"
    )
    run.refresh_from_db()
    assert v2.version == 2 and v2.status == VersionStatus.PUBLISHED
    assert run.version.version == 1 and run.version.status == VersionStatus.RETIRED
    assert services.published_version("paving") == v2
    # A form rendered with v1 and posted later (offline) still records against v1.
    post, files = _paving(world)
    post["version"] = str(run.version_id)
    late, _ = submit(world["worker"], world["orders"]["paving"], post, files)
    assert late.version.version == 1
    post, files = _paving(world)
    post["version"] = ""
    current, _ = submit(world["worker"], world["orders"]["paving"], post, files)
    assert current.version == v2


def test_publish_refuses_bad_content_and_other_roles(world):
    instruction = WorkInstruction.objects.get(code="paving")
    with pytest.raises(ValidationError):
        services.publish_version(
            actor=world["admin"], instruction=instruction, content={"code": "paving"}
        )
    with pytest.raises(ValidationError):
        services.publish_version(
            actor=world["admin"], instruction=instruction, content=sop_content.packaged("rolling")
        )
    with pytest.raises(PermissionDenied):
        services.publish_version(
            actor=world["engineer"], instruction=instruction, content=sop_content.packaged("paving")
        )
    assert instruction.versions.count() == 1


def test_sign_off_by_role_then_passed(world):
    post, files = _paving(world)
    run, _ = submit(world["worker"], world["orders"]["paving"], post, files)
    with pytest.raises(PermissionDenied):
        services.sign_off(actor=world["engineer"], run=run, step_code="surface_ready")
    with pytest.raises(ValidationError):
        services.sign_off(actor=world["qc"], run=run, step_code="")  # hold points first
    for code, _role in services.required_sign_offs(run):
        if code:
            services.sign_off(actor=world["qc"], run=run, step_code=code)
    with pytest.raises(ValidationError):
        services.sign_off(actor=world["qc"], run=run, step_code="surface_ready")
    services.sign_off(actor=world["qc"], run=run, step_code="")
    run.refresh_from_db()
    assert run.status == RunStatus.PASSED


def _failed_paving(world):
    post, files = _paving(world, **{ARRIVAL: "120"})
    run, _ = submit(world["worker"], world["orders"]["paving"], post, files)
    return run, StepResult.objects.get(run=run, step_code="mix_arrival")


def test_failed_hold_point_blocks_closing_until_ncr_approved(world):
    order = world["orders"]["paving"]
    run, result = _failed_paving(world)
    WorkOrder.objects.filter(pk=order.pk).update(status="completed")
    order.refresh_from_db()
    with pytest.raises(ValidationError) as info:
        works_services.close_work_order(actor=world["engineer"], work_order=order)
    assert f"#{run.pk}" in " ".join(info.value.messages)
    ncr = services.raise_ncr(actor=world["qc"], result=result, description="too cold")
    with pytest.raises(ValidationError):
        services.raise_ncr(actor=world["qc"], result=result, description="again")
    with pytest.raises(ValidationError):
        services.approve_ncr(actor=world["engineer"], ncr=ncr)  # not rectified yet
    ncr = services.rectify_ncr(actor=world["worker"], ncr=ncr, corrective_action="truck rejected")
    with pytest.raises(ValidationError):
        works_services.close_work_order(actor=world["engineer"], work_order=order)
    with pytest.raises(PermissionDenied):
        services.approve_ncr(actor=world["worker"], ncr=ncr)  # not a reviewer
    ncr = services.reject_ncr(actor=world["qc"], ncr=ncr, note="show the re-test")
    assert ncr.status == NcrStatus.REJECTED
    ncr = services.rectify_ncr(actor=world["worker"], ncr=ncr, corrective_action="re-test 171 °C")
    ncr = services.approve_ncr(actor=world["engineer"], ncr=ncr, note="ok")
    assert ncr.status == NcrStatus.APPROVED and ncr.approved_by == world["engineer"]
    closed = works_services.close_work_order(actor=world["engineer"], work_order=order)
    assert closed.status == "closed"
    actions = set(
        AuditLog.objects.filter(resource="sop.nonconformance").values_list("action", flat=True)
    )
    assert {"create", "update"} <= actions


def test_rectifier_cannot_approve_own_rectification(world):
    _run, result = _failed_paving(world)
    ncr = services.raise_ncr(actor=world["qc"], result=result, description="too cold")
    ncr = services.rectify_ncr(actor=world["engineer"], ncr=ncr, corrective_action="fixed")
    with pytest.raises(PermissionDenied):
        services.approve_ncr(actor=world["engineer"], ncr=ncr)


def test_failed_non_hold_step_does_not_block(world):
    from zhiyang.sop.guards import failed_hold_points

    post, files = _paving(world, **{"step-joints-m-joint_gap": "9"})
    submit(world["worker"], world["orders"]["paving"], post, files)
    assert failed_hold_points(world["orders"]["paving"]) == []


def test_ncr_on_passed_step_is_refused(world):
    post, files = _paving(world)
    run, _ = submit(world["worker"], world["orders"]["paving"], post, files)
    with pytest.raises(ValidationError):
        services.raise_ncr(
            actor=world["qc"],
            result=StepResult.objects.get(run=run, step_code="mix_arrival"),
            description="x",
        )


def test_closed_work_order_takes_no_run(world):
    order = world["orders"]["paving"]
    WorkOrder.objects.filter(pk=order.pk).update(status="closed")
    order.refresh_from_db()
    post, files = good_post(order, PAVING_70)
    post["client_uuid"] = str(uuid.uuid4())
    with pytest.raises(ValidationError):
        submit(world["worker"], order, post, files)


def test_organisation_override_changes_the_range(world):
    from zhiyang.standards.models import ParameterOverride

    ParameterOverride.objects.create(
        standard="jtg_f40_2004",
        organisation=world["org_west"],
        overrides={"hot_mix": {"grade_70": {"arrival_min_c": 150.0}}},
        reason="provincial guideline",
        active=True,
    )
    post, files = _paving(world, **{ARRIVAL: "148"})
    run, _ = submit(world["worker"], world["orders"]["paving"], post, files)
    result = StepResult.objects.get(run=run, step_code="mix_arrival")
    assert not result.passed and result.values["arrival_temp"]["min"] == 150.0
