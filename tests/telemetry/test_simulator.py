"""The simulated paving shift: valid schema v1 readings, faults as promised, deterministic."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhiyang.core.actors import SYSTEM
from zhiyang.network import linref
from zhiyang.telemetry import schema
from zhiyang.telemetry.simulator import (
    FAULTS,
    PAVING_MIN_C,
    Shift,
    ShiftConfig,
    default_machines,
)

# A bent line near Datong, 12 km of chainage.
COORDS = [[113.60, 40.100], [113.62, 40.105], [113.65, 40.110], [113.70, 40.120]]
START = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages in English (the suite's default language is Chinese)."""
    with translation.override("en"):
        yield


def config(**kw: object) -> ShiftConfig:
    base: dict[str, object] = {
        "coords": COORDS,
        "route_start_m": 320_000.0,
        "route_end_m": 332_000.0,
        "from_m": 326_000.0,
        "to_m": 329_000.0,
        "start": START,
        "duration_s": 1200.0,
        "binder": "sbs",
        "seed": 7,
    }
    base.update(kw)
    return ShiftConfig(**base)  # type: ignore[arg-type]


def device(role: str) -> str:
    return next(m.device for m in default_machines() if m.role == role)


def chainage(message: dict) -> float:
    return linref.locate_on_coords(
        COORDS, 320_000.0, 332_000.0, message["lon"], message["lat"]
    ).chainage_m


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**31),
    faults=st.sets(st.sampled_from(FAULTS)),
    binder=st.sampled_from(sorted(PAVING_MIN_C)),
    rate=st.sampled_from([0.5, 1.0, 2.0]),
)
def test_every_reading_is_valid_schema_v1(
    seed: int, faults: set[str], binder: str, rate: float
) -> None:
    shift = Shift(
        config(seed=seed, faults=frozenset(faults), binder=binder, rate_hz=rate, duration_s=600)
    )
    seqs: dict[str, list[int]] = {}
    times: list[int] = []
    for sample in shift.readings():
        reading = schema.validate(sample.message, sample.machine_type)
        seqs.setdefault(reading.device, []).append(reading.seq)
        times.append(reading.time_ms)
    assert times == sorted(times)
    assert len(seqs) == 6
    for values in seqs.values():
        assert values == list(range(len(values)))  # per-device seq, one step per reading
        assert len(values) == int(600 * rate)
    assert shift.count == 6 * int(600 * rate)


def test_deterministic_by_seed() -> None:
    a = [s.message for s in Shift(config(faults=frozenset(FAULTS))).readings()]
    b = [s.message for s in Shift(config(faults=frozenset(FAULTS))).readings()]
    c = [s.message for s in Shift(config(faults=frozenset(FAULTS), seed=8)).readings()]
    assert a == b
    assert a != c


def test_seq_start_and_rate() -> None:
    shift = Shift(config(duration_s=60, rate_hz=2.0, seq_start={device("paver"): 1000}))
    paver = shift.messages(device("paver"))
    assert [m["seq"] for m in paver[:3]] == [1000, 1001, 1002]
    assert paver[1]["t"] == "2026-11-27T01:00:00.500Z"


def test_realistic_ranges_without_faults() -> None:
    shift = Shift(config())
    minimum = PAVING_MIN_C["sbs"]
    paver = shift.messages(device("paver"))
    speeds = [m["speed_m_per_min"] for m in paver]
    assert min(speeds) >= 1.0 and max(speeds) <= 3.0  # SBS: 1-3 m/min, no stop
    assert all(min(m["mat_temp_c"]) >= minimum for m in paver)
    assert all(len(m["mat_temp_c"]) == 24 for m in paver)
    profile = np.mean([m["mat_temp_c"] for m in paver], axis=0)
    assert profile[0] < profile[12] and profile[-1] < profile[12]  # cooler edges
    thickness = [m["thickness_mm"] for m in paver]
    assert abs(np.mean(thickness) - 40.0) < 1.5
    sprayer = [m for m in shift.messages(device("sprayer")) if m["rate_l_per_m2"] > 0]
    assert sprayer and all(0.3 <= m["rate_l_per_m2"] <= 0.5 for m in sprayer)
    for role, top in (("initial", 3.0), ("intermediate", 5.0), ("final", 6.0)):
        roller = shift.messages(device(role))
        moving = [m for m in roller if m["direction"] != "stopped"]
        assert moving, role
        assert max(m["speed_kmh"] for m in roller) <= top
        assert {m["direction"] for m in moving} == {"forward", "reverse"}
    initial = shift.messages(device("initial"))
    assert all(m["vibration"] and m["icmv"] > 0 for m in initial if m["direction"] != "stopped")
    gaps = [chainage(p) - chainage(r) for p, r in zip(paver[::20], initial[::20], strict=True)]
    assert max(gaps) < shift.config.roller_gap_limit_m
    trucks = shift.messages(device("truck"))
    assert all(m["mix_temp_c"] >= minimum for m in trucks)


def test_icmv_rises_with_passes() -> None:
    shift = Shift(config())
    segments = shift.roller_segments[device("initial")]
    initial = shift.messages(device("initial"))
    by_pass: dict[int, list[float]] = {1: [], 2: []}
    for segment in segments:
        if segment.pass_no in by_pass:
            for message, offset in zip(initial, shift.times, strict=True):
                if segment.t0 <= offset < segment.t1 and "icmv" in message:
                    by_pass[segment.pass_no].append(message["icmv"])
    assert np.mean(by_pass[2]) > np.mean(by_pass[1])


def test_cold_mix() -> None:
    shift = Shift(config(faults=frozenset({"cold_mix"})))
    assert shift.plan.cold_mix is not None
    start, end = shift.plan.cold_mix
    assert end - start >= 120
    minimum = PAVING_MIN_C["sbs"]
    paver = shift.messages(device("paver"))
    cold = [m for m, t in zip(paver, shift.times, strict=True) if start <= t < end]
    assert cold and all(max(m["mat_temp_c"]) < minimum for m in cold)
    warm = [m for m, t in zip(paver, shift.times, strict=True) if t < start]
    assert all(min(m["mat_temp_c"]) >= minimum for m in warm)
    truck = shift.messages(device("truck"))
    at_start = truck[int(start * shift.config.rate_hz)]
    assert at_start["mix_temp_c"] < minimum  # the cold load arrives as the window opens


def test_paver_stop_of_the_set_length() -> None:
    shift = Shift(config(faults=frozenset({"paver_stop"}), paver_stop_s=240))
    speeds = [m["speed_m_per_min"] for m in shift.messages(device("paver"))]
    stopped = [i for i, v in enumerate(speeds) if v == 0]
    assert len(stopped) == 240
    assert stopped == list(range(stopped[0], stopped[0] + 240))  # one stop, in one piece
    assert shift.plan.paver_stop == (stopped[0], stopped[0] + 240)


def test_roller_gap_beyond_the_limit() -> None:
    shift = Shift(config(faults=frozenset({"roller_gap"})))
    assert shift.plan.roller_gap is not None
    paver = shift.messages(device("paver"))
    initial = shift.messages(device("initial"))
    limit = shift.config.roller_gap_limit_m
    gaps = [chainage(p) - chainage(r) for p, r in zip(paver, initial, strict=True)]
    beyond = [i for i, g in enumerate(gaps) if g > limit]
    assert len(beyond) >= 30  # beyond the limit for at least half a minute
    start, end = shift.plan.roller_gap
    assert all(start <= shift.times[i] <= end + 120 for i in beyond)


def test_missed_coverage_lane_gets_fewer_passes() -> None:
    compaction = pytest.importorskip("zhiyang.analytics.compaction")
    shift = Shift(config(faults=frozenset({"missed_coverage"})))
    assert shift.plan.missed_coverage
    epsg = linref.utm_epsg(COORDS[0][0], COORDS[0][1])
    forward, _inverse = linref.transformers(epsg)
    rollers = [m.device for m in default_machines() if m.machine_type == "roller"]
    rows = [
        (m["device"], m["seq"], m["lon"], m["lat"], m["drum_width_m"], m["direction"])
        for d in rollers
        for m in shift.messages(d)
    ]
    devices, seqs, lons, lats, widths, dirs = zip(*rows, strict=True)
    east, north = forward.transform(np.array(lons), np.array(lats))
    grid = compaction.pass_grid(
        np.array(devices),
        np.array(seqs, dtype=float) / shift.config.rate_hz,
        east,
        north,
        np.array(widths),
        direction=[{"forward": 1, "reverse": -1}.get(d, 0) for d in dirs],
    )

    def passes(chainage_m: float, offset_m: float) -> int:
        lon, lat = linref.offset_point_coords(COORDS, 320_000.0, 332_000.0, chainage_m, offset_m)
        x, y = forward.transform(lon, lat)
        col = int((x - grid.origin_e) // grid.cell_size_m)
        row = int((y - grid.origin_n) // grid.cell_size_m)
        return int(grid.counts[row, col])

    # Mean passes over the skipped stretch, in the band only the skipped lane covers versus
    # the outer lanes' own bands (lane changes steer diagonally: compare means, not cells).
    c0 = min(z[0] for z in shift.plan.missed_coverage)
    c1 = max(z[1] for z in shift.plan.missed_coverage)
    o0, o1 = shift.plan.missed_coverage[0][2:]
    width = o1 - o0
    chainages = np.arange(c0 + 0.5, c1 - 0.5, 0.5)

    def band(lo: float, hi: float) -> float:
        offsets = np.arange(lo + 0.2, hi - 0.2, 0.3)
        return float(np.mean([passes(c, o) for c in chainages for o in offsets]))

    lanes = shift.lanes(width)
    missed = band(o0 + 0.35, o1 - 0.35)  # lane 1 less its overlaps
    other = band(lanes[2] - width / 2 + 0.35, lanes[2] + width / 2 - 0.35)  # lane 2
    assert missed < other - 1.0, (missed, other)
    assert missed >= 3  # fewer passes, not none: the initial and intermediate rollers did


# --- the simulate command ------------------------------------------------------------------


@pytest.fixture
def demo_db(shared_demo_committed: Any) -> None:
    """The session's demo (tests/shared_demo.py), committed, with this test's own copy of
    the lake (this test's readings only)."""


def _lake_count() -> int:
    from zhiyang.telemetry.ingest import lake_root
    from zhiyang.telemetry.lake import Lake

    return Lake(lake_root()).count()


def test_simulate_local_end_to_end(demo_db: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    from zhiyang.telemetry.models import Device, DeviceState

    before = _lake_count()
    states_before = {s.device_id: s.readings for s in DeviceState.objects.all()}
    out = StringIO()
    call_command(
        "simulate",
        "--project=DEMO-G109-2026",
        "--duration-min=4",
        "--faults=paver_stop",
        "--seed=3",
        stdout=out,
    )
    text = out.getvalue()
    assert "Done: 1440 readings sent, 1440 accepted, 0 duplicates, 0 rejected." in text, text
    assert _lake_count() - before == 6 * 240
    devices = Device.objects.filter(equipment__work_orders__project__code="DEMO-G109-2026")
    for state in DeviceState.objects.filter(device__in=devices):
        assert state.readings - states_before.get(state.device_id, 0) == 240


def test_simulate_errors(demo_db: None) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="NO-SUCH"):
        call_command("simulate", "--project=NO-SUCH")
    with pytest.raises(CommandError, match="paving"):
        call_command("simulate", "--project=DEMO-G110-2026")
    with pytest.raises(CommandError, match="cold_snap"):
        call_command("simulate", "--faults=cold_snap")
    with pytest.raises(CommandError, match="Cannot reach"):
        call_command("simulate", "--transport=http", "--url=http://127.0.0.1:9", "--duration-min=1")


def test_simulate_http_against_the_live_server(demo_db: None, live_server: object) -> None:
    from io import StringIO

    from django.core.management import call_command

    from zhiyang.telemetry.models import DeviceState

    before = dict(DeviceState.objects.values_list("device_id", "seq"))
    out = StringIO()
    call_command(
        "simulate",
        "--transport=http",
        f"--url={live_server.url}",  # type: ignore[attr-defined]
        "--duration-min=2",
        "--rate-hz=0.5",
        stdout=out,
    )
    assert "Done: 360 readings sent, 360 accepted, 0 duplicates, 0 rejected." in out.getvalue()
    # The server's live stage (a background thread) brings the device states up to date.
    deadline = time.monotonic() + 20
    latest = 0
    while time.monotonic() < deadline:
        states = DeviceState.objects.filter(device__code__startswith="DEV-")
        latest = sum(1 for s in states if s.seq > before.get(s.device_id, 0))
        if latest == 6:
            break
        time.sleep(0.2)
    assert latest == 6


def test_simulate_mqtt_publishes_with_each_device_credentials(
    demo_db: None, mosquitto: Any
) -> None:
    import threading

    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    from tests.telemetry.conftest import INGEST_PASSWORD, INGEST_USER, default_acl
    from zhiyang.telemetry.broker import READINGS_FILTER
    from zhiyang.telemetry.management.commands.simulate import (
        find_project,
        issue_tokens,
        paving_train,
        run_mqtt,
        shift_config,
    )

    train = paving_train(find_project("DEMO-G109-2026"), actor=SYSTEM)
    tokens = issue_tokens(train, actor=SYSTEM)
    mosquitto.configure(
        passwords={INGEST_USER: INGEST_PASSWORD, **tokens}, acl=default_acl(list(tokens))
    )
    got: list[tuple[str, dict]] = []
    done = threading.Event()
    shift = Shift(shift_config(train, duration_s=30, faults=()))

    def on_message(_client: Any, _userdata: Any, message: Any) -> None:
        got.append((message.topic, json.loads(message.payload)))
        if len(got) >= shift.count:
            done.set()

    subscriber = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    subscriber.username_pw_set(INGEST_USER, INGEST_PASSWORD)
    subscriber.on_message = on_message
    subscriber.connect(mosquitto.host, mosquitto.port)
    subscriber.subscribe(READINGS_FILTER, qos=1)
    subscriber.loop_start()
    try:
        time.sleep(0.3)
        result = run_mqtt(shift, tokens, host=mosquitto.host, port=mosquitto.port)
        assert result.sent == shift.count == 6 * 30
        assert done.wait(10), f"{len(got)} of {shift.count} readings arrived"
    finally:
        subscriber.loop_stop()
        subscriber.disconnect()
    for topic, message in got:
        assert topic == f"zhiyang/v1/{message['device']}/readings"


def test_simulate_mqtt_unreachable_broker(demo_db: None) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Cannot reach the MQTT broker"):
        call_command("simulate", "--transport=mqtt", "--mqtt-port=9", "--duration-min=1")
