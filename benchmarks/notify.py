"""Alarm to message: how long from a live alarm raised by the simulator to the message in a
group robot's hands and in the inbox, with the real worker.

A throwaway data directory gets the demo (``zhiyang demo --no-serve``), a DingTalk channel
(signed) for the demo organisation pointing at a local receiver, and a ``zhiyang worker``
subprocess (``--interval`` seconds between polls when idle). ``zhiyang simulate`` then plays a
shift with faults (cold mix, paver stop, roller gap) at ``--speed`` times real time, so the
live rules raise and resolve alarms while it runs. For every alarm message the receiver got:

- robot latency = arrival at the receiver − the alarm's ``raised_at`` (same machine clock);
- inbox latency = the inbox item's ``created_at`` − ``raised_at`` (the same transaction).

The floor in the same run is a bare signed POST of the same payload to the same receiver
(the network and HTTP cost); the ratio says what the outbox, the worker's poll and its
database work add. Usage::

    .venv/bin/python benchmarks/notify.py [--interval 1.0 0.2] [--speed 30] [--minutes 20]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PROJECT = "DEMO-G109-2026"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Receiver:
    def __init__(self) -> None:
        self.port = free_port()
        self.arrivals: list[tuple[float, dict[str, Any]]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.arrivals.append((time.time(), json.loads(raw)))
                body = b'{"errcode": 0, "errmsg": "ok"}'
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def zhiyang(env: dict[str, str], *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command
        [sys.executable, "-m", "zhiyang.cli", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        **kwargs,
    )


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def configure_channel(receiver: Receiver) -> None:
    from zhiyang.core.actors import SYSTEM
    from zhiyang.notify.services import save_channel
    from zhiyang.works.models import Project

    org = Project.objects.get(code=PROJECT).organisation
    save_channel(
        actor=SYSTEM,
        organisation=org,
        kind="dingtalk",
        values={
            "name": "bench robot",
            "url": f"http://127.0.0.1:{receiver.port}/robot/send?access_token=bench",
            "secret": "SECbenchsecret",
            "rate_per_minute": 10_000,
        },
    )


def floor_ms(receiver: Receiver, repeat: int = 50) -> float:
    """A bare signed POST of a DingTalk payload to the receiver: the floor."""
    from zhiyang.notify.channels.robots import dingtalk_sign

    times = []
    for _n in range(repeat):
        start = time.perf_counter()
        ts = int(time.time() * 1000)
        sign = urllib.parse.quote_plus(dingtalk_sign("SECbenchsecret", ts))
        url = f"http://127.0.0.1:{receiver.port}/floor?timestamp={ts}&sign={sign}"
        body = json.dumps({"msgtype": "markdown", "markdown": {"title": "x", "text": "y"}})
        request = urllib.request.Request(
            url, data=body.encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            response.read()
        times.append((time.perf_counter() - start) * 1000)
    receiver.arrivals.clear()
    return statistics.median(times)


def measure(env: dict[str, str], receiver: Receiver, interval: float, args: Any) -> dict[str, Any]:
    from zhiyang.notify.models import Delivery, InboxItem
    from zhiyang.telemetry.models import Alarm

    receiver.arrivals.clear()
    first_event = Delivery.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    worker = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "zhiyang.cli", "worker", "--interval", str(interval)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)  # the worker is up (imports) before the shift starts
        zhiyang(
            env,
            "simulate",
            f"--project={PROJECT}",
            f"--duration-min={args.minutes}",
            f"--speed={args.speed}",
            "--faults=cold_mix,paver_stop,roller_gap",
            f"--seed={int(interval * 10)}",
        )
        time.sleep(max(3.0, 2 * interval))
    finally:
        worker.terminate()
        worker.wait(30)
    rows = (
        Delivery.objects.filter(pk__gt=first_event, kind="dingtalk", status="sent")
        .select_related("event")
        .order_by("sent_at")
    )
    alarms = {str(a.pk): a for a in Alarm.objects.all()}
    arrivals = sorted(t for t, _body in receiver.arrivals)
    robot, inbox = [], []
    for row, arrived in zip(rows, arrivals, strict=False):
        alarm = alarms.get(row.event.object_id)
        if row.event.kind != "telemetry.alarm" or alarm is None:
            continue
        robot.append((arrived - alarm.raised_at.timestamp()) * 1000)
        item = InboxItem.objects.filter(event=row.event).order_by("created_at").first()
        if item is not None:
            inbox.append((item.created_at - alarm.raised_at).total_seconds() * 1000)
    return {"interval": interval, "robot": robot, "inbox": inbox, "messages": len(arrivals)}


def summary(values: list[float]) -> str:
    if not values:
        return "–"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"{statistics.median(ordered):7.0f} {p95:7.0f} {max(ordered):7.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, nargs="+", default=[1.0, 0.2])
    parser.add_argument("--speed", type=float, default=30.0)
    parser.add_argument("--minutes", type=int, default=20)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="zhiyang-bench-notify-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "zhiyang.settings",
        "ZHIYANG_DATA_DIR": str(data),
        "ZHIYANG_STATIC_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    env.pop("ZHIYANG_DATABASE_URL", None)
    started = time.perf_counter()
    zhiyang(env, "demo", "--no-serve")
    print(f"demo loaded in {time.perf_counter() - started:.0f} s ({data})")
    setup_django(env)
    receiver = Receiver()
    configure_channel(receiver)
    floor = floor_ms(receiver)
    print(f"floor: a bare signed POST to the receiver, median {floor:.1f} ms")
    print(f"{'poll s':>7} {'alarms':>7}   robot ms: median     p95     max   inbox ms: median")
    for interval in args.interval:
        result = measure(env, receiver, interval, args)
        inbox_median = statistics.median(result["inbox"]) if result["inbox"] else float("nan")
        print(
            f"{interval:7.1f} {len(result['robot']):7d}   {summary(result['robot'])}"
            f"   {inbox_median:8.0f}"
        )
        if result["robot"]:
            ratio = statistics.median(result["robot"]) / floor
            print(f"        median alarm → robot is {ratio:.0f}× the bare POST")
    receiver.server.shutdown()


if __name__ == "__main__":
    main()
