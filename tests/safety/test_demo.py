"""Demo safety data: loads fast, idempotent, covers every state."""

from __future__ import annotations

from typing import Any

import pytest

from zhiyang.core.models import Organisation
from zhiyang.demo.services import DemoContext, load_network
from zhiyang.safety import demo
from zhiyang.safety.models import Hazard, Incident, Inspection, WorkZone


@pytest.fixture
def demo_base(db: Any, make_user: Any) -> DemoContext:
    """The demo network and the three users the safety demo acts as."""
    load_network()
    branch = Organisation.objects.create(code="branch", name="Branch", whole_network=True)
    users = {
        name: make_user(name, branch, username=name)
        for name in ("safety_officer", "worker", "engineer")
    }
    return DemoContext(branch=branch, works_area=branch, users=users)


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
