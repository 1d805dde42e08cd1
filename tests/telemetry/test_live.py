"""The live stage: device states, alarms through the rules with audit rows, throughput, and
the server-sent event stream."""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

import pytest

from tests import factories
from zhiyang.core.actors import SYSTEM
from zhiyang.core.choices import Role
from zhiyang.core.models import AuditLog
from zhiyang.fleet.choices import EquipmentType
from zhiyang.fleet.models import Equipment
from zhiyang.telemetry import live
from zhiyang.telemetry.models import Alarm, Device, DeviceState, PavingSetup
from zhiyang.telemetry.schema import Accepted, Reading
from zhiyang.works.models import Project

pytestmark = pytest.mark.django_db
T0 = 1_790_000_000_000


@pytest.fixture(autouse=True)
def _fresh_engine() -> Any:
    live.reset()
    yield
    live.reset()


@pytest.fixture
def site(db: Any) -> dict[str, Any]:
    """Org A with a project, a paver, a steel roller and their devices; org B with a truck."""
    a = factories.organisation("org-a", "Org A")
    b = factories.organisation("org-b", "Org B")
    route = factories.route("G999")  # 10 km, national, asphalt
    project = factories.project(
        organisation=a,
        route=route,
        code="P-LIVE",
        name="Live test",
        end_m=5_000,
        start=date(2026, 11, 1),
        end=date(2026, 12, 1),
    )  # crack sealing
    paver = factories.equipment(a, "PV-A", EquipmentType.PAVER)
    roller = factories.equipment(a, "SR-A", EquipmentType.STEEL_DRUM_ROLLER)
    truck = factories.equipment(b, "TR-B", EquipmentType.TRUCK)
    return {
        "a": a,
        "b": b,
        "project": project,
        "paver": paver,
        "roller": roller,
        "truck": truck,
        "paver_dev": Device.objects.create(code="DEV-PV-A", equipment=paver, machine_type="paver"),
        "roller_dev": Device.objects.create(
            code="DEV-SR-A", equipment=roller, machine_type="roller"
        ),
        "truck_dev": Device.objects.create(code="DEV-TR-B", equipment=truck, machine_type="truck"),
    }


def accepted(
    device: Device, seq: int, t_s: float, project: Project | None = None, **values: Any
) -> Accepted:
    return Accepted(
        device_id=device.pk,
        device_code=device.code,
        equipment_id=device.equipment_id,
        machine_type=device.machine_type,
        project_id=project.pk if project else None,
        reading=Reading(device.code, seq, T0 + int(t_s * 1000), 36.0, 103.0 + seq * 1e-6, values),
    )


def paving(site: dict[str, Any], seq: int, t_s: float, temp: float) -> Accepted:
    return accepted(
        site["paver_dev"], seq, t_s, site["project"], speed_m_per_min=2.0, mat_temp_c=[temp] * 4
    )


def test_states_one_row_per_device_with_the_last_values(site) -> None:
    batch = [paving(site, i, i, 170.0) for i in range(5)]
    batch.append(accepted(site["truck_dev"], 1, 0, None, mix_temp_c=160.0))
    live.process_accepted(batch)
    state = DeviceState.objects.get(device=site["paver_dev"])
    assert (state.seq, state.readings, state.project_id) == (4, 5, site["project"].pk)
    assert state.values["mat_temp_c"] == [170.0] * 4
    live.process_accepted([paving(site, 5, 5, 171.0)])
    state.refresh_from_db()
    assert (state.seq, state.readings) == (5, 6)
    assert DeviceState.objects.count() == 2
    live.process_accepted([])


def test_sbs_setup_raises_one_alarm_audited_and_resolves_by_itself(site) -> None:
    PavingSetup.objects.create(project=site["project"], binder_grade="sbs", debounce_s=10)
    live.process_accepted([paving(site, i, i * 2, 155.0) for i in range(4)])  # 6 s
    assert not Alarm.objects.exists()
    live.process_accepted([paving(site, i, i * 2, 155.0) for i in range(4, 12)])
    alarm = Alarm.objects.get()
    assert (alarm.rule, alarm.status, alarm.value, alarm.limit) == (
        "paving_temp",
        "active",
        155,
        160,
    )
    assert alarm.notified_roles == ["qc_inspector", "engineer"]
    assert alarm.started_at.timestamp() * 1000 == T0
    assert "160" in alarm.message() and "155" in alarm.message()
    assert AuditLog.objects.filter(resource="telemetry.alarm", action="create").count() == 1
    live.process_accepted([paving(site, i, i * 2, 165.0) for i in range(12, 20)])
    alarm.refresh_from_db()
    assert alarm.status == "resolved" and alarm.auto_resolved
    assert AuditLog.objects.filter(resource="telemetry.alarm", action="update").count() == 1
    assert Alarm.objects.count() == 1


def test_state_rebuilds_from_open_alarms_and_people_resolving(site) -> None:
    PavingSetup.objects.create(project=site["project"], binder_grade="sbs", debounce_s=0)
    live.process_accepted([paving(site, 0, 0, 150.0)])
    assert Alarm.objects.filter(status="active").count() == 1
    live.reset()  # a restart: the open alarm is found again, no second one
    live.process_accepted([paving(site, 1, 1, 150.0)])
    assert Alarm.objects.count() == 1
    from zhiyang.telemetry.alarms import resolve_alarm

    resolve_alarm(actor=SYSTEM, alarm=Alarm.objects.get())
    live.process_accepted([paving(site, 2, 2, 150.0)])  # still cold: a new alarm
    assert Alarm.objects.filter(status="active").count() == 1
    assert Alarm.objects.count() == 2


def test_throughput_benchmark(site, capsys) -> None:
    """1,000 readings from 10 devices per call (reported, not asserted)."""
    devices = [site["paver_dev"]] + [
        Device.objects.create(
            code=f"DEV-R{i}",
            equipment=Equipment.objects.create(
                organisation=site["a"], code=f"R{i}", equipment_type=EquipmentType.STEEL_DRUM_ROLLER
            ),
            machine_type="roller",
        )
        for i in range(9)
    ]
    PavingSetup.objects.create(
        project=site["project"],
        roller_phases={str(d.equipment_id): "initial" for d in devices[1:]},
    )

    def batch(k: int) -> list[Accepted]:
        out = []
        for n in range(100):
            seq = k * 100 + n
            out.append(paving(site, seq, seq * 0.1, 150.0))
            for d in devices[1:]:
                out.append(
                    accepted(
                        d,
                        seq,
                        seq * 0.1,
                        site["project"],
                        speed_kmh=3.0,
                        drum_width_m=2.1,
                        surface_temp_c=140.0,
                    )
                )
        return out

    batches = [batch(k) for k in range(6)]
    live.process_accepted(batches[0])  # warm the caches
    start = time.perf_counter()
    for b in batches[1:]:
        live.process_accepted(b)
    elapsed = time.perf_counter() - start
    rate = 5 * 1000 / elapsed
    with capsys.disabled():
        print(f"\nprocess_accepted: {rate:,.0f} readings/s (5 × 1,000 readings, 10 devices)")
    assert DeviceState.objects.get(device=devices[1]).readings == 600


def _events(body: str) -> list[tuple[str, dict[str, Any], str]]:
    out = []
    for block in body.split("\n\n"):
        fields = dict(
            line.split(": ", 1)
            for line in block.splitlines()
            if ": " in line and not line.startswith(":")
        )
        if "event" in fields:
            out.append((fields["event"], json.loads(fields["data"]), fields.get("id", "")))
    return out


def test_stream_sends_new_states_and_alarms_in_scope(site, make_user, client, settings) -> None:
    settings.TELEMETRY_STREAM_SECONDS = 1.0
    settings.TELEMETRY_STREAM_POLL_SECONDS = 0.1
    user = make_user(role=Role.ENGINEER, organisation=site["a"])
    client.force_login(user)
    PavingSetup.objects.create(project=site["project"], binder_grade="sbs", debounce_s=0)
    live.process_accepted(
        [paving(site, 0, 0, 150.0), accepted(site["truck_dev"], 0, 0, None, mix_temp_c=100.0)]
    )
    response = client.get("/telemetry/live/stream/?since=1.1")
    assert response["Content-Type"].startswith("text/event-stream")
    assert response["Cache-Control"] == "no-cache" and response["X-Accel-Buffering"] == "no"
    body = b"".join(response.streaming_content).decode()
    events = _events(body)
    states = [d for name, d, _id in events if name == "state"]
    alarms = [d for name, d, _id in events if name == "alarm"]
    assert [s["code"] for s in states] == ["DEV-PV-A"]  # not org B's truck
    assert [a["rule"] for a in alarms] == ["paving_temp"]
    last_id = events[-1][2]
    # Reconnecting with Last-Event-ID: nothing new, only the stream's preamble.
    again = client.get("/telemetry/live/stream/", HTTP_LAST_EVENT_ID=last_id)
    assert _events(b"".join(again.streaming_content).decode()) == []
    other = make_user(role=Role.ENGINEER, organisation=site["b"])
    client.force_login(other)
    response = client.get("/telemetry/live/stream/?since=1.1")
    codes = [
        d["code"]
        for n, d, _ in _events(b"".join(response.streaming_content).decode())
        if n == "state"
    ]
    assert codes == ["DEV-TR-B"]


def test_live_page_renders_for_the_scope(site, make_user, client) -> None:
    live.process_accepted([paving(site, 0, 0, 150.0)])
    client.force_login(make_user(role=Role.ENGINEER, organisation=site["a"]))
    page = client.get(f"/telemetry/live/?project={site['project'].pk}")
    assert page.status_code == 200
    assert b"live-initial" in page.content and b"DEV-PV-A" in page.content
    client.force_login(make_user(role=Role.ENGINEER, organisation=site["b"]))
    assert client.get(f"/telemetry/live/?project={site['project'].pk}").status_code == 404
