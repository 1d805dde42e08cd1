"""Telemetry ingest, end to end through a real broker: publishers → Mosquitto → subscriber → lake.

For 1, 10 and 100 simulated machines, a publisher process sends ``--count`` readings at QoS 1
(one MQTT client per machine, each its own broker user limited by the ACL to its topic) to a
throwaway Mosquitto started by this script. Two consumers are timed in the same run:

- raw: a bare paho subscriber (QoS 1, automatic acknowledgements) that only counts: the
  broker's own publish → subscribe rate, the floor;
- ingest: ``zhiyang.telemetry.mqtt.Subscriber`` with the Ingestor and a durable Lake (group
  commit, fsync before the manual acknowledgements), as ``zhiyang telemetry subscribe`` runs.

Rate = readings / (last acknowledged − first received). ``--mode drain`` (default) publishes
everything into the broker first (the consumers' persistent sessions queue it) and times the
consumers emptying it: their capacity, independent of the Python publisher. ``--mode stream``
consumes while publishing (bounded by the publisher) and, with the live stage installed
(``telemetry.live``), reports the p99 latency from publish (the reading's ``t``) to
``on_accepted``. ``BENCH_LIVE=0`` leaves the live stage out. Usage::

    .venv/bin/python benchmarks/ingest.py [--machines 1 10 100] [--count 30000] [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
INGEST_USER = "zhiyang-ingest"
INGEST_PASSWORD = "bench-ingest"  # noqa: S105 - a throwaway broker
DEVICE_PASSWORD = "bench-device"  # noqa: S105


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def device_code(i: int) -> str:
    return f"BENCH-{i:04d}"


# ---------------------------------------------------------------- publisher (subprocess)


def publish(port: int, machines: int, count: int) -> None:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    clients = []
    for i in range(machines):
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"pub-{i}", protocol=mqtt.MQTTv311
        )
        client.username_pw_set(device_code(i), DEVICE_PASSWORD)
        client.max_inflight_messages_set(1000)
        client.max_queued_messages_set(0)
        client.connect("127.0.0.1", port)
        client.loop_start()
        clients.append(client)
    time.sleep(0.5)
    topics = [f"zhiyang/v1/{device_code(i)}/readings" for i in range(machines)]
    infos = []
    for n in range(count):
        m = n % machines
        t = int(time.time() * 1000)
        payload = (
            f'{{"v":1,"device":"{device_code(m)}","seq":{n // machines},"t":{t},'
            f'"lat":36.06,"lon":103.83,"speed_kmh":4.0,"drum_width_m":2.1,'
            f'"direction":"forward","vibration":true,"frequency_hz":42.0,"amplitude_mm":0.8}}'
        )
        infos.append(clients[m].publish(topics[m], payload, qos=1))
        if len(infos) > 5000:
            infos.pop(0).wait_for_publish(60)
    for info in infos:
        info.wait_for_publish(60)
    for client in clients:
        client.disconnect()
        client.loop_stop()


# ---------------------------------------------------------------- broker


def start_broker(directory: Path, machines: int) -> tuple[subprocess.Popen[bytes], int]:
    from zhiyang.telemetry.broker import write_files
    from zhiyang.telemetry.credentials import mosquitto_hash

    hashed = mosquitto_hash(DEVICE_PASSWORD)
    write_files(
        directory,
        [(device_code(i), hashed) for i in range(machines)],
        ingest_password=INGEST_PASSWORD,
    )
    port = free_port()
    lines = [
        f"listener {port} 127.0.0.1",
        "allow_anonymous false",
        f"password_file {directory / 'passwords'}",
        f"acl_file {directory / 'acl'}",
        "max_queued_messages 0",
        "max_queued_bytes 0",
        "max_inflight_messages 0",
        "set_tcp_nodelay true",
        "log_dest stderr",
        "log_type error",
    ]
    if os.geteuid() == 0:
        lines.append("user root")
    (directory / "mosquitto.conf").write_text("\n".join(lines) + "\n")
    process = subprocess.Popen(  # noqa: S603 - the broker binary
        [MOSQUITTO, "-c", str(directory / "mosquitto.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("mosquitto did not start")


def run_publisher(port: int, machines: int, count: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own script
        [sys.executable, __file__, "--publisher", str(port), str(machines), str(count)]
    )


# ---------------------------------------------------------------- consumers


def raw_rate(port: int, machines: int, count: int, drain: bool) -> float:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    times: list[float] = []
    done = threading.Event()
    received = [0]

    def on_message(client: Any, userdata: Any, message: Any) -> None:
        received[0] += 1
        if received[0] == 1:
            times.append(time.perf_counter())
        if received[0] >= count:
            times.append(time.perf_counter())
            done.set()

    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    def connect() -> Any:
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id="bench-raw", protocol=mqtt.MQTTv5
        )
        client.username_pw_set(INGEST_USER, INGEST_PASSWORD)
        client.on_message = on_message
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 3600
        properties.ReceiveMaximum = 20000
        client.connect("127.0.0.1", port, clean_start=False, properties=properties)
        client.loop_start()
        return client

    client = connect()
    subscribed = threading.Event()
    client.on_subscribe = lambda *a: subscribed.set()
    client.subscribe("zhiyang/v1/+/readings", qos=1)
    subscribed.wait(10)
    publisher = run_publisher(port, machines, count)
    if drain:  # the broker queues everything for the offline session, then we drain it
        client.disconnect()
        client.loop_stop()
        publisher.wait(300)
        client = connect()
    done.wait(300)
    publisher.wait(60)
    client.disconnect()
    client.loop_stop()
    return count / (times[1] - times[0])


def ingest_rate(
    port: int, machines: int, count: int, lake_dir: Path, drain: bool
) -> tuple[float, float | None]:
    from zhiyang.telemetry import ingest as ingest_module
    from zhiyang.telemetry.ingest import Ingestor
    from zhiyang.telemetry.lake import Lake
    from zhiyang.telemetry.mqtt import MqttSettings, Subscriber

    live = ingest_module.default_on_accepted() if os.environ.get("BENCH_LIVE", "1") == "1" else None
    latencies: list[float] = []

    def on_accepted(items: list[Any]) -> None:
        now = time.time() * 1000
        latencies.extend(now - item.reading.time_ms for item in items[:: max(1, len(items) // 50)])
        if live is not None:
            live(items)

    lake = Lake(lake_dir).open()
    ingestor = Ingestor(lake, on_accepted=on_accepted, transport="mqtt")
    config = MqttSettings(
        port=port, username=INGEST_USER, password=INGEST_PASSWORD, client_id="bench-ingest"
    )
    subscriber = Subscriber(ingestor, config)
    thread = threading.Thread(target=subscriber.run, daemon=True)
    thread.start()
    subscriber.connected.wait(10)
    time.sleep(0.3)
    publisher = run_publisher(port, machines, count)
    if drain:  # the broker keeps the session and queues; the subscriber then drains it
        subscriber.stop()
        thread.join(30)
        publisher.wait(300)
        subscriber = Subscriber(ingestor, config)
        thread = threading.Thread(target=subscriber.run, daemon=True)
        thread.start()
    while subscriber.received == 0:
        time.sleep(0.0005)
    first = time.perf_counter()
    while subscriber.acked < count:
        time.sleep(0.001)
    last = time.perf_counter()
    publisher.wait(60)
    subscriber.stop()
    thread.join(30)
    ingestor.close()
    lake.close()
    assert Lake(lake_dir).count("roller") == count, "readings lost or duplicated"
    # In drain mode the readings waited in the broker's queue: no meaningful latency.
    p99 = (
        statistics.quantiles(latencies, n=100)[98]
        if live is not None and latencies and not drain
        else None
    )
    return count / (last - first), p99


def _member(
    port: int,
    n: int,
    lake_dir: Path,
    stop_event: Any,
    ready: Any,
    acked: Any,
    first: Any,
) -> None:
    """One shared-subscription member (a forked process, as ``--processes N`` runs them)."""
    from django import db

    from zhiyang.telemetry.ingest import Ingestor
    from zhiyang.telemetry.lake import Lake
    from zhiyang.telemetry.mqtt import MqttSettings, Subscriber

    db.connections.close_all()
    lake = Lake(lake_dir).open()
    ingestor = Ingestor(lake, transport="mqtt")
    config = MqttSettings(
        port=port,
        username=INGEST_USER,
        password=INGEST_PASSWORD,
        client_id=f"bench-shared-{n}",
        shared_group="bench",
    )
    subscriber = Subscriber(ingestor, config)
    thread = threading.Thread(target=subscriber.run, daemon=True)
    thread.start()
    subscriber.connected.wait(10)
    ready.release()
    reported = 0
    while not stop_event.is_set():
        if subscriber.received and first.value == 0.0:
            with first.get_lock():
                if first.value == 0.0:
                    first.value = time.time()
        done = subscriber.acked
        if done != reported:
            with acked.get_lock():
                acked.value += done - reported
            reported = done
        time.sleep(0.001)
    subscriber.stop()
    thread.join(30)
    ingestor.close()
    lake.close()


def shared_rate(
    port: int, machines: int, count: int, lake_dir: Path, drain: bool, processes: int
) -> float:
    """``processes`` subscriber processes in one MQTT 5 shared subscription group."""
    import multiprocessing

    from django import db

    db.connections.close_all()
    context = multiprocessing.get_context("fork")
    acked = context.Value("q", 0)
    first = context.Value("d", 0.0)

    def start() -> tuple[list[Any], Any]:
        stop_event = context.Event()
        ready = context.Semaphore(0)
        members = [
            context.Process(
                target=_member, args=(port, n, lake_dir, stop_event, ready, acked, first)
            )
            for n in range(processes)
        ]
        for member in members:
            member.start()
        for _ in members:
            ready.acquire(timeout=30)
        return members, stop_event

    members, stop_event = start()
    time.sleep(0.3)
    publisher = run_publisher(port, machines, count)
    if drain:  # sessions kept by the broker queue each member's share while it is away
        stop_event.set()
        for member in members:
            member.join(60)
        publisher.wait(300)
        acked.value = 0
        first.value = 0.0
        members, stop_event = start()
    while acked.value < count:
        time.sleep(0.001)
    last = time.time()
    publisher.wait(60)
    stop_event.set()
    for member in members:
        member.join(60)
    from zhiyang.telemetry.lake import Lake

    assert Lake(lake_dir).count("roller") == count, "readings lost"
    assert Lake(lake_dir).count("roller", dedup=False) == count, "readings written twice"
    return count / (last - first.value)


# ---------------------------------------------------------------- main


def setup_django(directory: Path, machines: int) -> None:
    os.environ["ZHIYANG_DATA_DIR"] = str(directory / "data")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhiyang.settings")
    os.environ.pop("ZHIYANG_DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from zhiyang.core.models import Organisation
    from zhiyang.fleet.models import Equipment
    from zhiyang.telemetry.models import Device

    org = Organisation.objects.create(code="bench", name="Bench")
    for i in range(machines):
        equipment = Equipment.objects.create(
            organisation=org, code=f"RL-{i:04d}", equipment_type="vibratory_roller"
        )
        Device.objects.create(code=device_code(i), equipment=equipment, machine_type="roller")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--machines", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--count", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--processes",
        type=int,
        default=2,
        help="subscriber processes in the shared-subscription run (0 leaves it out)",
    )
    parser.add_argument(
        "--mode",
        choices=["drain", "stream"],
        default="drain",
        help="drain: publish into the broker first, then time the consumer emptying the "
        "session queue (consumer capacity); stream: consume while publishing (bounded by "
        "the Python publisher)",
    )
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="zhiyang-bench-ingest-"))
    setup_django(base, max(args.machines))
    print(f"ingest benchmark ({args.mode}): {args.count} readings per run, {os.cpu_count()} cores")
    shared = f"shared×{args.processes}"
    print(
        f"{'machines':>8} {'raw /s':>10} {'ingest /s':>10} {'ratio':>6} {'p99 ms':>8}"
        + (f" {shared + ' /s':>14} {'ratio':>6}" if args.processes else "")
    )
    results = []
    shared_results = []
    try:
        for machines in args.machines:
            raws, ours, p99s, shares = [], [], [], []
            for r in range(args.repeat):
                broker, port = start_broker(base / f"broker-{machines}-{r}", max(args.machines))
                try:
                    raws.append(raw_rate(port, machines, args.count, args.mode == "drain"))
                    rate, p99 = ingest_rate(
                        port,
                        machines,
                        args.count,
                        base / f"lake-{machines}-{r}",
                        args.mode == "drain",
                    )
                    ours.append(rate)
                    if p99 is not None:
                        p99s.append(p99)
                    if args.processes:
                        shares.append(
                            shared_rate(
                                port,
                                machines,
                                args.count,
                                base / f"lake-shared-{machines}-{r}",
                                args.mode == "drain",
                                args.processes,
                            )
                        )
                finally:
                    broker.send_signal(signal.SIGTERM)
                    broker.wait(10)
            raw, ours_median = statistics.median(raws), statistics.median(ours)
            p99 = statistics.median(p99s) if p99s else None
            results.append((machines, raw, ours_median, p99))
            shown = f"{p99:8.0f}" if p99 is not None else f"{'—':>8}"
            line = (
                f"{machines:>8} {raw:>10.0f} {ours_median:>10.0f} {ours_median / raw:>6.2f} {shown}"
            )
            if shares:
                share = statistics.median(shares)
                shared_results.append((machines, raw, share))
                line += f" {share:>14.0f} {share / raw:>6.2f}"
            print(line)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    worst = min(results, key=lambda row: row[2] / row[1])
    print(
        f"summary: ingest reaches {min(r[2] for r in results):,.0f}"
        f"–{max(r[2] for r in results):,.0f}"
        f" readings/s durable, {worst[2] / worst[1]:.0%} of the raw broker rate at worst"
        f" ({worst[0]} machines); target ≥ 50 % and ≥ 20,000/s"
    )
    if shared_results:
        low = min(shared_results, key=lambda row: row[2] / row[1])
        print(
            f"summary: {args.processes} subscriber processes on a shared subscription reach "
            f"{low[2] / low[1]:.2f} of the bare subscriber at worst ({low[0]} machines); "
            "target ≥ 0.8"
        )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--publisher":
        publish(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
