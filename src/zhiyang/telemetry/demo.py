"""Demo telemetry: devices on the G109 paving train and a short simulated shift.

On the demo paving project (works demo ``DEMO-G109-2026``, AC-13C SBS, 4 cm) the paver PV-01,
the truck TR-01, the distributor AD-01 and three rollers (SR-01 initial, PR-01 intermediate,
a second steel roller final — added to the rolling work order) get telemetry devices; the
project gets its paving setup (SBS, 40 mm, tack coat on asphalt, roller roles); then 20
minutes of machine time ending now run in-process through the ingest (lake, device states,
live rules, alarms) with every fault on, so the live page, the alarms and the QC report
have something to show.

Idempotent: a project whose paver device already has a state is left as it is. Fast: the
shift is computed vectorised and ingested in 10-second batches (well under 2 s).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhiyang.core.actors import SYSTEM
from zhiyang.fleet.models import Equipment
from zhiyang.telemetry.models import DeviceState
from zhiyang.telemetry.simulator import FAULTS, Shift
from zhiyang.works.choices import Process, WorkOrderStatus
from zhiyang.works.models import Project, WorkOrder

log = logging.getLogger(__name__)

PROJECT_CODE = "DEMO-G109-2026"
DURATION_S = 20 * 60.0
SEED = 2026
#: The final (steel, static) roller: the first of these found is added to rolling.
FINAL_ROLLERS = ("SR-02", "VR-01", "VR-02")


def _ensure_final_roller(project: Project) -> Equipment | None:
    from zhiyang.works import services as works_services

    order = (
        WorkOrder.objects.filter(project=project, process=Process.ROLLING)
        .exclude(status=WorkOrderStatus.CLOSED)
        .first()
    )
    if order is None:
        return None
    current = list(order.equipment.all())
    rollers = [m for m in current if m.equipment_type.endswith("roller")]
    if len(rollers) >= 3:
        return None
    for code in FINAL_ROLLERS:
        machine = Equipment.objects.filter(code=code).first()
        if machine is None or machine in current:
            continue
        try:
            works_services.assign_work_order(
                actor=SYSTEM, work_order=order, crew=order.crew, equipment=[*current, machine]
            )
        except ValidationError as exc:
            log.info("demo: %s not added to rolling: %s", code, exc)
            continue
        return machine
    return None


def _ensure_setup(project: Project) -> Any:
    try:
        from zhiyang.telemetry.alarms import save_setup
        from zhiyang.telemetry.models import PavingSetup
    except ImportError:  # pragma: no cover - the rules part not installed
        return None
    setup = PavingSetup.objects.filter(project=project).first()
    if setup is not None:
        return setup
    codes = dict(
        Equipment.objects.filter(
            work_orders__project=project, work_orders__process=Process.ROLLING
        ).values_list("code", "pk")
    )
    phases: dict[str, str] = {}
    for code, role in (("SR-01", "initial"), ("PR-01", "intermediate")):
        if code in codes:
            phases[str(codes[code])] = role
    for code in FINAL_ROLLERS:
        if code in codes:
            phases[str(codes[code])] = "final"
            break
    return save_setup(
        actor=SYSTEM,
        data={
            "project": project,
            "binder_grade": "sbs",
            "season": "normal",
            "mix_type": "dense",
            "design_thickness_mm": 40.0,
            "roller_phases": phases,
            "spray_base": "asphalt",
            "spray_product": "emulsion",
        },
    )


def load_demo_data(*, context: Any) -> str:
    from zhiyang.telemetry.management.commands.simulate import (
        SimulateError,
        paving_train,
        run_local,
        shift_config,
    )

    project = Project.objects.select_related("route").filter(code=PROJECT_CODE).first()
    if project is None:
        return _("Telemetry: no demo paving project, nothing simulated.")
    with transaction.atomic():
        _ensure_final_roller(project)
        _ensure_setup(project)
        try:
            train = paving_train(project, actor=SYSTEM)
        except SimulateError as exc:
            return _("Telemetry: %(error)s") % {"error": exc}
    devices = train.devices
    paver = next(d for m, d in train.machines if m.role == "paver")
    if DeviceState.objects.filter(device=paver).exists():
        return _("Telemetry: %(devices)d devices on %(code)s (shift already simulated).") % {
            "devices": len(devices),
            "code": project.code,
        }
    shift = Shift(shift_config(train, duration_s=DURATION_S, faults=FAULTS, seed=SEED))
    # One-minute batches and no fsync: the whole load stays well under two seconds.
    result = run_local(shift, batch_s=60.0, fsync=False)
    return _(
        "Telemetry: %(devices)d devices on %(code)s, a %(minutes)d-minute simulated shift "
        "(%(accepted)d readings, faults: cold mix, paver stop, roller gap, missed coverage)."
    ) % {
        "devices": len(devices),
        "code": project.code,
        "minutes": round(DURATION_S / 60),
        "accepted": result.accepted,
    }
