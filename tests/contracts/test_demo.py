"""Demo contracts: load fast, idempotent, three months certified with figures that add up,
one variation, one assessment in the payment certificate."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest

from zhiyang.contracts import demo
from zhiyang.contracts.models import Assessment, Contract, MeasurementPeriod, Variation
from zhiyang.core.models import Organisation
from zhiyang.demo.services import DemoContext, load_network

D = Decimal


@pytest.fixture
def demo_base(db: Any, make_user: Any) -> DemoContext:
    load_network()
    branch = Organisation.objects.create(code="branch", name="大同公路养护分部", whole_network=True)
    users = {
        name: make_user(name, branch, username=name) for name in ("engineer", "supervisor", "owner")
    }
    return DemoContext(branch=branch, works_area=branch, users=users)


def test_demo_loads_once_and_adds_up(demo_base: DemoContext) -> None:
    started = time.perf_counter()
    line = demo.load_demo_data(context=demo_base)
    elapsed = time.perf_counter() - started
    assert demo.load_demo_data(context=demo_base) == "contracts: already loaded"
    assert elapsed < 10, line
    routine = Contract.objects.get(code=demo.ROUTINE_CODE)
    periods = list(MeasurementPeriod.objects.filter(contract=routine).order_by("month"))
    assert [p.status for p in periods] == ["certified"] * 3
    assert Variation.objects.get(contract=routine).boq_version == 2
    assessment = Assessment.objects.get(contract=routine)
    # 3 potholes × 2 + 200 m × 0.01 + 2 days × 1 = 10 points; 3 × 100 + 2 × 200 + 10 × 200
    assert assessment.score == D("90.00") and assessment.deduction_yuan == D("2700.00")
    last = periods[-1].certificate
    assert last["assessment_deduction"]["this"] == "2700.00"
    cumulative = sum(D(p.certificate["work_value"]["this"]) for p in periods)
    assert D(last["work_value"]["cumulative"]) == cumulative
    # First month by hand: 12 000 + 100 × 180 + 198 × 165.50 + 1 500 × 9.80
    assert periods[0].certificate["work_value"]["this"] == "77469.00"
