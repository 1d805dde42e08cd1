"""Demo works data: on the people and fleet demo, deterministic, idempotent, every state."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from zhiyang.demo.services import DemoContext
from zhiyang.works import demo
from zhiyang.works.models import DailyReport, Project, WorkOrder


@pytest.fixture
def demo_base(db: Any) -> DemoContext:
    from zhiyang.fleet import demo as fleet_demo
    from zhiyang.people import demo as people_demo

    context = factories.demo_context(("worker", "engineer", "manager"))
    people_demo.load_demo_data(context=context)
    fleet_demo.load_demo_data(context=context)
    return context


def test_demo_loads_once_with_every_state(demo_base: DemoContext) -> None:
    line = demo.load_demo_data(context=demo_base)
    assert "2" in line
    demo.load_demo_data(context=demo_base)
    assert Project.objects.count() == 2
    main = Project.objects.get(code=demo.MAIN_CODE)
    assert main.status == "in_progress" and main.route.code == "G109"
    states = dict(main.work_orders.values_list("process", "status"))
    assert states == {
        "milling": "closed",
        "base_cleaning": "completed",
        "tack_coat": "in_progress",
        "paving": "in_progress",
        "rolling": "in_progress",
        "road_marking": "planned",
    }
    assert WorkOrder.objects.filter(project=main, crew__name="路面养护一班").count() == 5
    assert WorkOrder.objects.get(project=main, process="paving").equipment.filter(code="PV-01")
    reports = DailyReport.objects.filter(project=main)
    dates = sorted(set(reports.values_list("date", flat=True)))
    assert len(dates) == demo.DAYS and (dates[-1] - dates[0]).days == demo.DAYS - 1
    assert reports.filter(status="submitted").count() == 2
    assert reports.filter(status="rejected").count() == 1
    assert reports.filter(status="approved").count() == demo.DAYS - 2
    assert all(q.cost_yuan for r in reports for q in r.quantities.all())
    # Milling and cleaning are fully reported; paving about 72 %.
    milling = main.work_orders.get(process="milling")
    assert sum(q.quantity for q in milling.daily_quantities.all()) == milling.planned_quantity
    assert DailyReport.objects.filter(project__code=demo.AREA_CODE).count() == 3
