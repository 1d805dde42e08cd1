"""The assets demo: every MQI part has values on the six demo routes, fast, idempotent."""

from __future__ import annotations

import time
from typing import Any

import pytest

from zhiyang.assets import demo
from zhiyang.assets.models import Asset, AssetType
from zhiyang.condition import demo as condition_demo
from zhiyang.condition.models import SurveyUnit
from zhiyang.demo.services import load_network
from zhiyang.notify.models import Event


@pytest.fixture
def context(db: Any, make_user: Any) -> Any:
    load_network()

    class Context:
        users = {"engineer": make_user("engineer")}

    return Context()


def test_demo_gives_every_mqi_part(context: Any) -> None:
    condition_demo.load_demo_data(context=context)
    started = time.perf_counter()
    line = demo.load_demo_data(context=context)
    seconds = time.perf_counter() - started
    assert "103" in line or "assets" in line.lower()
    print(f"assets demo: {seconds:.1f} s")
    assert seconds < 60  # two cores shared by many: generous
    assert set(Asset.objects.values_list("asset_type__code", flat=True)) >= {
        t.code for t in AssetType.objects.exclude(code__in=["planting", "shoulder"])
    }
    units = SurveyUnit.objects.filter(survey__survey_date=condition_demo.SURVEY_DATES[-1])
    assert units.count() > 100
    for part in ("sci", "bci", "tci", "mqi"):
        assert not units.filter(**{f"{part}__isnull": True}).exists(), part
    assert units.filter(sci__lt=100).exists() and units.filter(tci__lt=100).exists()
    assert units.filter(bci__lt=100).exists()
    assert Event.objects.filter(kind="assets.structure_class").count() == 1  # the class-4 bridge
    assert demo.load_demo_data(context=context).endswith("already loaded.")
