"""Quantities from the work: approved daily reports mapped to BOQ items; machine-measured
quantities beside them; other apps register their own sources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
import pytest

from zhiyang.analytics.machine_quantities import covered
from zhiyang.contracts import attribution, services
from zhiyang.contracts.models import QuantityMapping
from zhiyang.works.models import DailyQuantity, DailyReport, Project, WorkOrder

D = Decimal
MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def project(world: dict[str, Any]) -> Project:
    project = Project.objects.create(
        organisation=world["org_west"],
        code="P-1",
        name="G109 罩面",
        route=world["g1"],
        start_m=1000,
        end_m=3000,
        treatment="thin_overlay",
        planned_start=dt.date(2026, 3, 1),
        planned_end=dt.date(2026, 4, 30),
        status="in_progress",
    )
    world["contract"].projects.add(project)
    return project


def _report(project: Project, order: WorkOrder, day: dt.date, quantity: str, status: str) -> None:
    report = DailyReport.objects.create(project=project, date=day, status=status)
    DailyQuantity.objects.create(report=report, work_order=order, quantity=D(quantity))


@pytest.mark.django_db
def test_approved_daily_quantities_feed_the_period(world: dict[str, Any], project: Any) -> None:
    paving = WorkOrder.objects.create(
        project=project,
        process="paving",
        title="摊铺",
        planned_quantity=D("1000"),
        unit="m2",
        planned_start=MARCH,
        planned_end=dt.date(2026, 3, 31),
    )
    sealing = WorkOrder.objects.create(
        project=project,
        process="crack_sealing",
        title="灌缝",
        planned_quantity=D("100"),
        unit="m",
        planned_start=MARCH,
        planned_end=dt.date(2026, 3, 31),
    )
    _report(project, paving, dt.date(2026, 3, 3), "120.5", "approved")
    _report(project, paving, dt.date(2026, 3, 4), "80", "approved")
    _report(project, paving, dt.date(2026, 3, 5), "999", "submitted")  # not approved yet
    _report(project, paving, dt.date(2026, 4, 1), "50", "approved")  # next month
    _report(project, sealing, dt.date(2026, 3, 6), "40", "approved")
    items = world["items"]
    services.map_quantity(
        actor=world["engineer"],
        data={"contract": world["contract"], "item": items["301-1"], "activity": "paving"},
    )
    services.map_quantity(
        actor=world["engineer"],
        data={
            "contract": world["contract"],
            "item": items["302-1"],
            "work_order": sealing,
            "factor": D("1.5"),
        },
    )
    period = services.open_period(actor=world["engineer"], contract=world["contract"], month=MARCH)
    lines = {line.item.code: line for line in period.lines.select_related("item")}
    assert lines["301-1"].reported_quantity == D("200.500")  # 120.5 + 80
    assert lines["301-1"].proposed_quantity == D("200.500")
    assert lines["302-1"].reported_quantity == D("60.000")  # 40 × 1.5
    assert lines["101-1"].reported_quantity == D("0")
    assert lines["301-1"].sources == {"works": "200.500"}


@pytest.mark.django_db
def test_a_registered_source_and_machine_difference(world: dict[str, Any]) -> None:
    def repairs(contract: Any, mappings: Any, start: Any, end: Any) -> Any:
        for m in mappings:
            yield attribution.Attributed(item_id=m.item_id, quantity=D("7"), ref="repair:1")

    def measured(contract: Any, mappings: Any, start: Any, end: Any) -> Any:
        for m in mappings:
            yield attribution.Attributed(item_id=m.item_id, quantity=D("6.5"))

    attribution.register_source("testrepairs", "repairs", repairs)
    attribution.register_source("testmachine", "machine", measured, machine=True)
    try:
        for source in ("testrepairs", "testmachine"):
            QuantityMapping.objects.create(
                contract=world["contract"], item=world["items"]["302-1"], source=source
            )
        period = services.open_period(
            actor=world["engineer"], contract=world["contract"], month=MARCH
        )
        line = period.lines.get(item__code="302-1")
        assert line.reported_quantity == D("7") and line.machine_quantity == D("6.5")
        assert line.machine_difference == D("0.5")
    finally:
        attribution._SOURCES.pop("testrepairs")
        attribution._SOURCES.pop("testmachine")


def test_machine_area_by_hand() -> None:
    # 3 m/min = 0.05 m/s for 100 s at 7.5 m wide = 37.5 m²; then a 5-minute gap counts nothing.
    t = np.array([0.0, 50.0, 100.0, 400.0, 410.0])
    speed = np.full(5, 0.05)
    width = np.full(5, 7.5)
    assert covered(t, speed, width) == pytest.approx(37.5 + 0.05 * 10 * 7.5)
    depth = np.full(5, 0.04)
    assert covered(t, speed, width, per_m2=depth) == pytest.approx((37.5 + 3.75) * 0.04)
    assert covered(np.array([1.0]), np.array([1.0]), np.array([1.0])) == 0.0


@pytest.mark.django_db
def test_earned_value_uses_certified_quantities(world: dict[str, Any], project: Any) -> None:
    from tests.contracts.conftest import measure
    from zhiyang.core.actors import SYSTEM
    from zhiyang.works.progress import project_progress

    WorkOrder.objects.create(
        project=project,
        process="paving",
        title="摊铺",
        planned_quantity=D("1000"),
        unit="m2",
        unit_cost_yuan=D("10"),
        planned_start=MARCH,
        planned_end=dt.date(2026, 3, 31),
    )
    before = project_progress(user=SYSTEM, project=project, status_date=dt.date(2026, 4, 15))
    assert before.ev_basis == "quantities" and before.figures.ev_yuan == 0
    measure(world, MARCH, {"301-1": "100", "302-1": "8"})  # 100 × 80 + 8 × 12.50 = 8 100
    after = project_progress(user=SYSTEM, project=project, status_date=dt.date(2026, 4, 15))
    assert after.ev_basis == "certified" and after.figures.ev_yuan == pytest.approx(8100.0)
    assert after.figures.sv_yuan == pytest.approx(8100.0 - after.figures.pv_yuan)
    early = project_progress(user=SYSTEM, project=project, status_date=dt.date(2026, 2, 15))
    assert early.ev_basis == "quantities"


def test_machine_day_quantity_from_lake_readings() -> None:
    import pyarrow as pa

    from zhiyang.contracts.machine import day_quantity

    class Lake:
        def read(self, machine_type: str, **where: Any) -> Any:
            assert machine_type == "paver" and where["project"] == "P-1"
            ms = [0, 60_000, 120_000]  # one reading a minute
            return pa.table(
                {
                    "time": pa.array(ms, pa.timestamp("ms", tz="UTC")),
                    "device": ["pv1"] * 3,
                    "speed_m_per_min": [3.0, 3.0, 3.0],
                    "mat_width_m": [7.5, 7.5, 7.5],
                    "thickness_mm": [40.0, 40.0, 40.0],
                }
            )

    # 3 m/min for 2 minutes × 7.5 m = 45 m²; × 0.04 m = 1.8 m³
    assert day_quantity(Lake(), "paver_area_m2", "P-1", MARCH) == pytest.approx(45.0)
    assert day_quantity(Lake(), "paver_volume_m3", "P-1", MARCH) == pytest.approx(1.8)


@pytest.mark.django_db
def test_verified_repairs_by_work_item_code(world: dict[str, Any], monkeypatch: Any) -> None:
    from types import SimpleNamespace

    from zhiyang.patrol import services as patrol

    g109, s203 = world["g1"].pk, world["s1"].pk
    tasks = {
        "YH-2026-01": [
            SimpleNamespace(pk=1, work_item_code="302-1", quantity_done=2.2, route_id=s203)
        ],
        "": [
            SimpleNamespace(pk=2, work_item_code="302-1", quantity_done=1.3, route_id=g109),
            SimpleNamespace(pk=3, work_item_code="302-1", quantity_done=9.0, route_id=s203),
            SimpleNamespace(pk=4, work_item_code="999-9", quantity_done=5.0, route_id=g109),
            SimpleNamespace(pk=5, work_item_code="303-1", quantity_done=2.0, route_id=g109),
        ],
    }
    monkeypatch.setattr(
        patrol, "completed_repairs", lambda *, actor, start, end, contract_ref: tasks[contract_ref]
    )
    QuantityMapping.objects.create(  # 303-1 repairs are measured under 301-1, × 0.5
        contract=world["contract"],
        item=world["items"]["301-1"],
        source="patrol",
        activity="303-1",
        factor=D("0.5"),
    )
    period = services.open_period(actor=world["engineer"], contract=world["contract"], month=MARCH)
    lines = {line.item.code: line for line in period.lines.select_related("item")}
    # 2.2 (its contract) + 1.3 (no contract, on G109); S203 is not the contract's route
    assert lines["302-1"].reported_quantity == D("3.500")
    assert lines["301-1"].reported_quantity == D("1.000")
    assert lines["302-1"].sources == {"patrol": "3.500"}
