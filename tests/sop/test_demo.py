"""Demo checklist runs on the works demo: one failed hold point with its NCR approved, one
awaiting sign-off, passed ones; idempotent; the work orders can be closed."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from zhiyang.demo.services import DemoContext
from zhiyang.sop import demo
from zhiyang.sop.guards import failed_hold_points
from zhiyang.sop.models import ChecklistRun, NonConformance
from zhiyang.works import demo as works_demo


@pytest.fixture
def demo_base(db: Any) -> DemoContext:
    context = factories.demo_context(
        ("worker", "qc_inspector", "engineer", "manager", "safety_officer")
    )
    works_demo.load_demo_data(context=context)
    return context


def test_demo_runs(demo_base: DemoContext) -> None:
    demo.load_demo_data(context=demo_base)
    count = ChecklistRun.objects.count()
    demo.load_demo_data(context=demo_base)
    assert count == ChecklistRun.objects.count() == 4
    runs = {r.version.instruction.code: r for r in ChecklistRun.objects.all()}
    assert set(runs) == {"tack_coat", "paving", "rolling", "crack_sealing"}
    assert runs["tack_coat"].status == "passed" and runs["crack_sealing"].status == "passed"
    assert runs["paving"].status == "failed" and runs["rolling"].status == "in_progress"
    ncr = NonConformance.objects.get()
    assert ncr.status == "approved" and ncr.step_code == "mix_arrival"
    assert failed_hold_points(runs["paving"].work_order) == []
