"""Demo safety data: loads fast, idempotent, covers every state."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from zhiyang.demo.services import DemoContext
from zhiyang.safety import demo
from zhiyang.safety.models import Hazard, Incident, Inspection, WorkZone


@pytest.fixture
def demo_base(db: Any) -> DemoContext:
    """The demo network and the three users the safety demo acts as."""
    return factories.demo_context(("safety_officer", "worker", "engineer"), works_area=False)


def test_demo_loads_once(demo_base: DemoContext) -> None:
    context = demo_base
    demo.load_demo_data(context=context)
    demo.load_demo_data(context=context)
    assert WorkZone.objects.count() == 2
    assert WorkZone.objects.filter(status="active", route__code="G208").count() == 1
    statuses = set(Hazard.objects.values_list("status", flat=True))
    assert {"reported", "assigned", "rectified", "closed"} <= statuses
    assert Hazard.objects.filter(escalation_level__gte=1).count() == 1
    assert Inspection.objects.count() == 3 and Incident.objects.count() == 1
