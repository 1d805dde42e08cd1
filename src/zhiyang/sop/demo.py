"""Demo checklist runs on the works demo's work orders (after ``works`` in DEMO_APPS).

- tack coat (G109 mill-and-inlay): passed, every hold point and the run signed off;
- paving: the mix arrived below the SBS minimum at the arrival hold point → failed; an NCR
  raised by the QC inspector, rectified by the worker and approved by the engineer;
- rolling: all steps pass, awaiting the QC inspector's sign-off (open);
- crack sealing (G110, 阳高天镇工区): passed and signed off.

Idempotent: each run has a fixed client id, and each NCR step is taken only once.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM, Actor
from zhiyang.sop import services
from zhiyang.sop.choices import NcrStatus
from zhiyang.sop.models import ChecklistRun, NonConformance, SignOff, StepPhoto, StepResult
from zhiyang.works.choices import Process
from zhiyang.works.models import WorkOrder

UUID_NAMESPACE = uuid.UUID("5a0f3c1e-2b8d-4d7e-9c61-0e3a7b9d2f44")
MAIN_CODE = "DEMO-G109-2026"
AREA_CODE = "DEMO-G110-2026"
# Demo location: G109 near K327 (阳高县) — approximate, for the photos' GPS.
LON, LAT = 113.93, 40.33


def _photo(name: str) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 90, 96)).save(buffer, format="JPEG")
    return SimpleUploadedFile(f"{name}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _typical(spec: services.MeasurementSpec) -> float:
    """A value inside the range (the middle, or just inside a one-sided limit)."""
    lo, hi = spec.min_value, spec.max_value
    if lo is not None and hi is not None:
        return round((lo + hi) / 2, 2)
    if lo is not None:
        return round(lo + max(abs(lo) * 0.08, 1.0), 1)
    if hi is not None:
        return round(hi * 0.8, 1)
    return 1.0


def _submit(
    *,
    actor: Actor,
    work_order: WorkOrder,
    key: str,
    context: dict[str, Any],
    values: dict[str, float] | None = None,
    not_done: tuple[str, ...] = (),
) -> tuple[ChecklistRun, bool]:
    version = services.version_for(work_order=work_order)
    ranges = services.measurement_specs(
        version=version, context=context, organisation_id=work_order.project.organisation_id
    )
    post: dict[str, Any] = {
        "client_uuid": str(uuid.uuid5(UUID_NAMESPACE, key)),
        "version": str(version.pk),
        "lon": str(LON),
        "lat": str(LAT),
        **{f"ctx-{k}": str(v) for k, v in context.items()},
    }
    files: dict[str, Any] = {}
    for step in version.steps:
        code = step["code"]
        if code not in not_done:
            post[f"step-{code}-done"] = "1"
        for spec in ranges.get(code, []):
            name = f"step-{code}-m-{spec.code}"
            post[name] = str((values or {}).get(name, _typical(spec)))
        for p in step.get("photos", []):
            if p.get("required"):
                files[f"step-{code}-photo-{p['code']}"] = _photo(f"{key}-{code}-{p['code']}")
    submission = services.parse_submission(version=version, post=post, files=files)
    return services.submit_run(actor=actor, work_order=work_order, submission=submission)


def _sign_all(run: ChecklistRun, users: dict[str, Any], *, whole: bool = True) -> None:
    signed = set(run.sign_offs.values_list("step_code", flat=True))
    for step_code, role in services.required_sign_offs(run):
        if step_code in signed or (step_code == "" and not whole):
            continue
        services.sign_off(actor=users.get(role, SYSTEM), run=run, step_code=step_code)


def _order(project_code: str, process: str) -> WorkOrder | None:
    return (
        WorkOrder.objects.select_related("project")
        .filter(project__code=project_code, process=process)
        .order_by("sequence", "id")
        .first()
    )


def _set_the_clock(project_codes: list[str]) -> None:
    """Put the demo's runs on the morning their work order started (09:00, a step every 10
    minutes, then the submission, the sign-offs and the NCR's raise → rectify → review),
    instead of every event at the moment the demo was loaded. Deterministic: loading twice
    gives the same times."""
    runs = ChecklistRun.objects.filter(work_order__project__code__in=project_codes).select_related(
        "work_order"
    )
    for run in runs:
        order = run.work_order
        day = order.actual_start or order.planned_start
        if day is None:
            continue
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))

        def after(minutes: int, start: dt.datetime = start) -> dt.datetime:
            return start + dt.timedelta(minutes=minutes)

        results = list(run.results.order_by("pk"))
        for i, result in enumerate(results, start=1):
            StepResult.objects.filter(pk=result.pk).update(recorded_at=after(10 * i))
            StepPhoto.objects.filter(result=result).update(taken_at=after(10 * i))
        sent = 10 * len(results) + 5
        ChecklistRun.objects.filter(pk=run.pk).update(started_at=start, submitted_at=after(sent))
        SignOff.objects.filter(run=run).update(at=after(sent + 30))
        NonConformance.objects.filter(run=run).update(
            raised_at=after(sent + 15), rectified_at=after(sent + 60), approved_at=after(sent + 90)
        )


def load_demo_data(*, context: Any) -> str:
    users = context.users
    worker, qc, engineer = users.get("worker"), users.get("qc_inspector"), users.get("engineer")
    made = 0
    services.load_instructions(actor=SYSTEM)
    with transaction.atomic():
        tack = _order(MAIN_CODE, Process.TACK_COAT)
        if tack is not None:
            run, new = _submit(
                actor=worker,
                work_order=tack,
                key="tack",
                context={"base_type": "asphalt", "product": "emulsion"},
                values={"step-spray_rate-m-rate": 0.42},
            )
            made += int(new)
            _sign_all(run, users)
        paving = _order(MAIN_CODE, Process.PAVING)
        if paving is not None:
            run, new = _submit(
                actor=worker,
                work_order=paving,
                key="paving",
                context={
                    "binder_grade": "sbs",
                    "season": "normal",
                    "mix_type": "dense",
                    "design_thickness_mm": 40,
                },
                # The third truck arrived at 152 °C: below the SBS minimum of 165 °C.
                values={
                    "step-mix_arrival-m-arrival_temp": 152.0,
                    "step-paving_temperature-m-paving_temp": 168.0,
                    "step-speed_continuity-m-paver_speed": 2.5,
                },
                not_done=("mix_arrival",),
            )
            made += int(new)
            result = StepResult.objects.get(run=run, step_code="mix_arrival")
            ncr = NonConformance.objects.filter(run=run, step_code="mix_arrival").first()
            if ncr is None:
                ncr = services.raise_ncr(
                    actor=qc,
                    result=result,
                    description="第3车混合料到场温度152℃，低于SBS改性沥青混合料到场最低温度165℃。"
                    " / Truck 3 arrived at 152 °C, below the 165 °C minimum for SBS mix.",
                )
            if ncr.status == NcrStatus.RAISED:
                ncr = services.rectify_ncr(
                    actor=worker,
                    ncr=ncr,
                    corrective_action="该车退回拌和站废弃；后续运料车加盖双层保温篷布，到场复测171℃。"
                    " / Truck returned to the plant and discarded; later trucks double-tarped,"
                    " re-measured 171 °C on arrival.",
                )
            if ncr.status == NcrStatus.RECTIFIED:
                services.approve_ncr(
                    actor=engineer, ncr=ncr, note="复测合格，同意继续摊铺。 / Re-test passed."
                )
        rolling = _order(MAIN_CODE, Process.ROLLING)
        if rolling is not None:
            run, new = _submit(
                actor=worker,
                work_order=rolling,
                key="rolling",
                context={"binder_grade": "sbs", "season": "normal"},
                values={
                    "step-initial_rolling-m-start_temp": 158.0,
                    "step-final_rolling-m-end_temp": 96.0,
                    "step-open_to_traffic-m-surface_temp": 42.0,
                },
            )
            made += int(new)
            # Open: the first hold point signed, the rest waiting for the inspector.
            if not run.sign_offs.exists():
                services.sign_off(actor=qc, run=run, step_code="roller_combination")
        sealing = _order(AREA_CODE, Process.CRACK_SEALING)
        if sealing is not None:
            run, new = _submit(actor=worker, work_order=sealing, key="sealing", context={})
            made += int(new)
            _sign_all(run, users)
        _set_the_clock([MAIN_CODE, AREA_CODE])
    runs = ChecklistRun.objects.filter(work_order__project__code__in=[MAIN_CODE, AREA_CODE]).count()
    ncrs = NonConformance.objects.filter(
        run__work_order__project__code__in=[MAIN_CODE, AREA_CODE]
    ).count()
    return _(
        "Work instructions: 12 published; %(runs)d checklist runs (%(new)d new), "
        "%(ncrs)d non-conformance report(s)."
    ) % {"runs": runs, "new": made, "ncrs": ncrs}
