"""The telemetry demo: devices on the paving train, a short shift with alarms, idempotent."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation

from zhiyang.core.models import Organisation, User
from zhiyang.demo.services import DemoContext, load_demo
from zhiyang.telemetry.ingest import lake_root
from zhiyang.telemetry.lake import Lake
from zhiyang.telemetry.models import Device, DeviceState


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages in English (the suite's default language is Chinese)."""
    with translation.override("en"):
        yield


@pytest.fixture
def fast(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ZHIYANG_LAKE_DIR = str(tmp_path / "lake")  # this test's readings only


def _alarms() -> int:
    try:
        from zhiyang.telemetry.models import Alarm
    except ImportError:
        return 0
    return Alarm.objects.count()


def test_demo_loads_a_shift_and_is_idempotent(
    transactional_db: Any, fast: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zhiyang.demo import services as demo_services
    from zhiyang.telemetry import demo

    apps = tuple(a for a in demo_services.DEMO_APPS if a != "telemetry")
    monkeypatch.setattr(demo_services, "DEMO_APPS", apps)
    load_demo()
    context = DemoContext(
        branch=Organisation.objects.get(code="datong-branch"),
        works_area=Organisation.objects.get(code="yanggao-tianzhen"),
        users={u.username: u for u in User.objects.all()},
    )
    lake = Lake(lake_root())
    lake_before = lake.count()
    import cProfile
    import os

    profile = cProfile.Profile() if os.environ.get("PROFILE_DEMO") else None
    started = time.perf_counter()
    if profile:
        profile.enable()
    first = demo.load_demo_data(context=context)
    took = time.perf_counter() - started
    if profile:
        profile.disable()
        profile.dump_stats("/tmp/demo.prof")
    devices = Device.objects.filter(equipment__work_orders__project__code=demo.PROJECT_CODE)
    codes = set(devices.values_list("equipment__code", flat=True))
    assert {"PV-01", "SR-01", "PR-01", "AD-01", "TR-01"} <= codes
    assert len(codes & {"SR-02", "VR-01", "VR-02"}) == 1  # the final roller
    assert DeviceState.objects.count() == 6
    after = lake.count()
    assert after - lake_before == 6 * 1200
    alarms = _alarms()
    started = time.perf_counter()
    second = demo.load_demo_data(context=context)
    took_again = time.perf_counter() - started
    assert "already" in second
    assert lake.count() == after
    assert DeviceState.objects.count() == 6
    assert _alarms() == alarms
    print(f"\n{first}\ntelemetry demo {took:.2f} s, again {took_again:.3f} s")


def test_demo_shift_raises_alarms(transactional_db: Any, fast: None) -> None:
    pytest.importorskip("zhiyang.telemetry.live")
    from zhiyang.telemetry.models import Alarm

    load_demo()
    rules = set(Alarm.objects.values_list("rule", flat=True))
    assert {"paving_temp", "paver_stop", "roller_gap_distance"} <= rules, rules
