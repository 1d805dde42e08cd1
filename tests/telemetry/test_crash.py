"""kill -9 in mid-stream: every acknowledged reading is in the lake, none twice.

MQTT: `zhiyang telemetry subscribe` runs as a subprocess against a throwaway Mosquitto; a
device publishes N readings with QoS 1; the subscriber is killed with SIGKILL after it has
acknowledged some, restarted, and stopped cleanly once the lake holds N readings.

HTTP: a gunicorn process serves the ingest endpoint; a client posts batches and sends again
every batch that was not acknowledged; the server is killed with SIGKILL mid-stream and
started again. Every acknowledged reading must be in the lake and the total must be N.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from django.db import connection
from paho.mqtt.enums import CallbackAPIVersion

from tests.telemetry.conftest import (
    INGEST_PASSWORD,
    INGEST_USER,
    default_acl,
    free_port,
    roller_reading,
)
from zhiyang.core.actors import SYSTEM
from zhiyang.telemetry import services
from zhiyang.telemetry.broker import topic_for
from zhiyang.telemetry.lake import Lake

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]
N = 3000


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def environment(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="zhiyang.settings",
        ZHIYANG_DATA_DIR=str(tmp_path / "data"),
        ZHIYANG_LAKE_DIR=str(tmp_path / "lake"),
        ZHIYANG_DATABASE_URL=database_url(),
        ZHIYANG_SECRET_KEY="crash-test-secret-key-" + "x" * 40,
        ZHIYANG_STATIC_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
    )
    return env


def wal_bytes(lake_dir: Path) -> int:
    return (
        sum(p.stat().st_size for p in (lake_dir / "_wal").glob("*.wal")) if lake_dir.exists() else 0
    )


def wait_for(predicate: Any, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(message)
        time.sleep(0.05)


def test_mqtt_subscriber_killed_mid_stream(
    tmp_path: Path, device_factory: Any, mosquitto_factory: Any
) -> None:
    device_factory(code="CRASH-M")
    broker = mosquitto_factory(
        passwords={INGEST_USER: INGEST_PASSWORD, "CRASH-M": "pw"}, acl=default_acl(["CRASH-M"])
    )
    (tmp_path / "ingest-pw").write_text(INGEST_PASSWORD)
    env = environment(tmp_path)
    lake_dir = tmp_path / "lake"
    command = [
        sys.executable,
        "-m",
        "zhiyang.cli",
        "telemetry",
        "subscribe",
        "--host",
        broker.host,
        "--port",
        str(broker.port),
        "--username",
        INGEST_USER,
        "--password-file",
        str(tmp_path / "ingest-pw"),
        "--client-id",
        "crash-test",
        "--segment-age",
        "1",
    ]

    def start(n: int) -> tuple[subprocess.Popen[bytes], Path]:
        log = tmp_path / f"subscriber-{n}.log"
        with open(log, "wb") as out:  # the child keeps its own descriptor
            proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        wait_for(
            lambda: "MQTT connected" in log.read_text(), 30, f"no connection: {log.read_text()}"
        )
        return proc, log

    first, _ = start(1)
    publisher = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id="crash-pub", protocol=mqtt.MQTTv311
    )
    publisher.username_pw_set("CRASH-M", "pw")
    publisher.max_inflight_messages_set(200)
    publisher.max_queued_messages_set(0)
    publisher.connect(broker.host, broker.port)
    publisher.loop_start()
    infos = []

    def publish_all() -> None:
        for seq in range(N):
            infos.append(
                publisher.publish(
                    topic_for("CRASH-M"), json.dumps(roller_reading("CRASH-M", seq)), qos=1
                )
            )
            if seq % 100 == 99:
                time.sleep(0.01)

    thread = threading.Thread(target=publish_all)
    thread.start()
    wait_for(lambda: wal_bytes(lake_dir) > 40_000, 30, "the subscriber acknowledged nothing")
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    killed_at = wal_bytes(lake_dir)
    thread.join(60)
    for info in infos:
        info.wait_for_publish(30)
    publisher.disconnect()
    publisher.loop_stop()

    second, log = start(2)
    lake = Lake(lake_dir)
    try:
        wait_for(
            lambda: lake.count("roller", dedup=False) >= N,
            45,
            f"lake short: {lake.count('roller')}",
        )
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(30) == 0, log.read_text()
    raw = lake.count("roller", dedup=False)
    distinct = lake.count("roller")
    print(f"\nMQTT crash: killed after {killed_at} WAL bytes; distinct {distinct}, raw {raw}")
    assert distinct == N
    assert raw == N  # the WAL replay rebuilt de-duplication: no redelivery was stored twice
    assert sorted(lake.read("roller", columns=["seq"]).column("seq").to_pylist()) == list(range(N))


def _post(port: int, token: str, body: bytes) -> dict[str, Any] | None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/telemetry/ingest/",
        data=body,
        headers={"Authorization": f"Device {token}", "Content-Type": "application/x-ndjson"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read())
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return None


def test_http_server_killed_mid_stream(tmp_path: Path, device_factory: Any) -> None:
    device = device_factory(code="CRASH-H")
    token = services.issue_token(actor=SYSTEM, device=device)
    env = environment(tmp_path)
    lake_dir = tmp_path / "lake"
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "zhiyang.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--timeout",
        "30",
    ]

    def start(n: int) -> subprocess.Popen[bytes]:
        with open(tmp_path / f"server-{n}.log", "wb") as log:
            proc = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

        def up() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    return True
            except OSError:
                return False

        wait_for(up, 30, "the server did not start")
        return proc

    server = start(1)
    batches = [
        b"\n".join(json.dumps(roller_reading("CRASH-H", seq)).encode() for seq in range(i, i + 50))
        for i in range(0, N, 50)
    ]
    acknowledged = 0
    killed = False
    restarted = False
    for index, body in enumerate(batches):
        while True:
            if index == len(batches) // 3 and not killed:
                os.killpg(server.pid, signal.SIGKILL)  # master and workers at once
                server.wait(10)
                killed = True
            result = _post(port, token, body)
            if result is not None:
                assert result["rejected"] == []
                acknowledged += result["accepted"]
                break
            if killed and not restarted:
                server = start(2)
                restarted = True
            time.sleep(0.05)
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(30)
    lake = Lake(lake_dir)
    # Gunicorn workers flush on exit; recovery covers a worker that did not.
    Lake(lake_dir).open().close()
    raw = lake.count("roller", dedup=False)
    distinct = lake.count("roller")
    print(f"\nHTTP crash: acknowledged {acknowledged} new readings; distinct {distinct}, raw {raw}")
    assert distinct == N
    assert sorted(lake.read("roller", columns=["seq"]).column("seq").to_pylist()) == list(range(N))
