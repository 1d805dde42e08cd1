"""kill -9 of the worker mid-batch: nothing lost, nothing sent twice by the outbox.

A real ``zhiyang worker`` subprocess sends N webhook messages to a local receiver. The
receiver holds the K-th request unanswered while the test kills the worker with SIGKILL:
the worst moment, when the receiver has the message and the worker has not recorded it.
A second worker is started; it recovers the dead worker's claim at once (its process is
gone) and sends the rest. Every delivery is recorded sent exactly once; the receiver gets
each message, and the one it held comes again with the same ``X-Zhiyang-Delivery`` id, so
a receiver that keeps the ids gets every message exactly once.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.telemetry.conftest import free_port
from tests.telemetry.test_crash import database_url, environment, wait_for
from zhiyang.core.actors import SYSTEM
from zhiyang.notify import services
from zhiyang.notify.events import raise_event
from zhiyang.notify.models import Delivery, DeliveryAttempt

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(120)]
N = 30
K = 12


class Holder:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.lock = threading.Lock()
        self.holding = threading.Event()
        self.release = threading.Event()


def serve(holder: Holder, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            assert json.loads(raw)["kind"] == "safety.hazard_new"
            with holder.lock:
                holder.ids.append(self.headers["X-Zhiyang-Delivery"])
                hold = len(holder.ids) == K
            if hold:
                holder.holding.set()
                holder.release.wait(30)
            try:
                self.send_response(204)
                self.end_headers()
            except OSError:
                pass  # the worker was killed while we held its request

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_worker_killed_mid_batch(two_districts: dict[str, Any], tmp_path: Path) -> None:
    holder = Holder()
    port = free_port()
    server = serve(holder, port)
    services.save_channel(
        actor=SYSTEM,
        organisation=two_districts["org_east"],
        kind="webhook",
        values={
            "name": "hook",
            "url": f"http://127.0.0.1:{port}/hook",
            "secret": "crash-test-secret-0123",
            "rate_per_minute": 10_000,
        },
    )
    for i in range(N):
        raise_event(
            actor=SYSTEM,
            kind="safety.hazard_new",
            obj=two_districts["sec_east"],
            title=f"Hazard {i}",
            key=f"crash:{i}",
        )
    assert Delivery.objects.filter(status="pending").count() == N
    env = environment(tmp_path)
    env["ZHIYANG_DATA_DIR"] = str(settings.DATA_DIR)  # the same field key decrypts the secret
    env["ZHIYANG_DATABASE_URL"] = database_url()
    command = [sys.executable, "-m", "zhiyang.cli", "worker", "--interval", "0.2"]

    def start(n: int) -> tuple[subprocess.Popen[bytes], Path]:
        log = tmp_path / f"worker-{n}.log"
        with open(log, "wb") as out:
            return subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT), log

    first, log1 = start(1)
    try:
        assert holder.holding.wait(60), log1.read_text()
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        holder.release.set()
    killed_sent = Delivery.objects.filter(status="sent").count()
    in_doubt = Delivery.objects.filter(status="sending").count()
    assert killed_sent == K - 1 and in_doubt == 1  # the held one: received, not recorded

    second, log2 = start(2)
    try:
        wait_for(
            lambda: Delivery.objects.filter(status="sent").count() == N,
            60,
            f"not all sent: {log2.read_text()}",
        )
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(30)
        server.shutdown()
        server.server_close()
    counts = Counter(holder.ids)
    print(f"\nkill -9 mid-batch: {len(counts)} messages, {len(holder.ids)} requests")
    rows = Delivery.objects.all()
    assert {str(d.pk) for d in rows} == set(counts)  # nothing lost
    ok = Counter(DeliveryAttempt.objects.filter(ok=True).values_list("delivery_id", flat=True))
    assert len(ok) == N and set(ok.values()) == {1}  # each recorded sent exactly once
    repeats = {k: v for k, v in counts.items() if v > 1}
    assert len(repeats) == 1 and set(repeats.values()) == {2}  # only the held one, same id
    assert set(counts.values()) <= {1, 2}
