"""Real peers for the notify tests: an HTTP receiver playing the robot endpoints (WeCom,
DingTalk, Feishu), a signed webhook and the SMS gateway, and a local SMTP server
(aiosmtpd). Each records what it received; the robots answer as their documentation says.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.telemetry.conftest import free_port
from tests.telemetry.test_live import _fresh_engine, site  # noqa: F401 - fixtures


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw)

    @property
    def form(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.raw.decode()))


ANSWERS: dict[str, tuple[int, Any]] = {
    "/wecom": (200, {"errcode": 0, "errmsg": "ok"}),
    "/dingtalk": (200, {"errcode": 0, "errmsg": "ok"}),
    "/feishu": (200, {"code": 0, "data": {}, "msg": "success"}),
    "/webhook": (204, None),
    "/sms": (200, {"Code": "OK", "Message": "OK", "BizId": "1", "RequestId": "r"}),
}


@dataclass
class Receiver:
    """The local HTTP receiver: ``url(path)`` to configure a channel, ``received`` after."""

    port: int
    received: list[Received] = field(default_factory=list)
    answers: dict[str, tuple[int, Any]] = field(default_factory=lambda: dict(ANSWERS))
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    def url(self, path: str, query: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}" + (f"?{query}" if query else "")

    def at(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.path == path]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.received) >= count, timeout)
        with self.lock:
            return list(self.received)


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            with receiver.lock:  # recorded before answering: the sender may look at once
                receiver.received.append(
                    Received(
                        parts.path,
                        dict(urllib.parse.parse_qsl(parts.query)),
                        {k.lower(): v for k, v in self.headers.items()},
                        raw,
                    )
                )
            with receiver.arrived:
                receiver.arrived.notify_all()
            status, answer = receiver.answers.get(parts.path, (404, {"error": "no such"}))
            body = b"" if answer is None else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    port = free_port()
    recv = Receiver(port)
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(recv))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield recv
    server.shutdown()
    server.server_close()


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)


class _Collector:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.box.envelopes.append(envelope)
        self.box.messages.append(message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    """A real SMTP server on a free local port (aiosmtpd), collecting what arrives."""
    box = Mailbox("127.0.0.1", free_port())
    controller = Controller(_Collector(box), hostname=box.host, port=box.port)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture
def site_alarm(site: dict[str, Any]) -> dict[str, Any]:  # noqa: F811 - the imported fixture
    """The telemetry test site with one live alarm (cold SBS mix) raised by the rules."""
    from tests.telemetry.test_live import paving
    from zhiyang.telemetry import live
    from zhiyang.telemetry.models import Alarm, PavingSetup

    PavingSetup.objects.create(project=site["project"], binder_grade="sbs", debounce_s=0)
    live.process_accepted([paving(site, 0, 0, 155.0)])
    return {**site, "org": site["project"].organisation, "alarm": Alarm.objects.get()}
