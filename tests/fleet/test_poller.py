"""The poller against a real HTTP server in a thread: paging, 429 Retry-After, errors."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from zhiyang.core import crypto
from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import AuditLog
from zhiyang.fleet.models import Equipment, TelematicsImport, TelematicsSnapshot, TelematicsSource
from zhiyang.fleet.services import save_source
from zhiyang.fleet.tasks import poll_sources
from zhiyang.fleet.telematics.poller import PollError, poll_source, retry_after_seconds

pytestmark = pytest.mark.django_db


def xml_page(n: int, pins: list[str], *, next_page: int | None) -> bytes:
    links = f"<Links><rel>self</rel><href>/Fleet/{n}</href></Links>"
    if next_page:
        links += f"<Links><rel>next</rel><href>/Fleet/{next_page}</href></Links>"
    machines = "".join(
        f"<Equipment><EquipmentHeader><OEMName>HAMM</OEMName><PIN>{pin}</PIN></EquipmentHeader>"
        f'<CumulativeOperatingHours datetime="2026-05-20T0{n}:00:00Z"><Hour>{100 * n}</Hour>'
        f"</CumulativeOperatingHours></Equipment>"
        for pin in pins
    )
    return f'<Fleet xmlns="urn:iso:15143:-3">{links}{machines}</Fleet>'.encode()


def json_page(n: int, pins: list[str], *, next_page: int | None) -> bytes:
    links = [{"rel": "self", "href": f"/Fleet/{n}"}]
    if next_page:
        links.append({"rel": "next", "href": f"/Fleet/{next_page}"})
    doc = {
        "Links": links,
        "Equipment": [
            {
                "EquipmentHeader": {"PIN": pin},
                "OperatingHours": {"Hour": 100 * n, "datetime": f"2026-05-20T0{n}:00:00Z"},
            }
            for pin in pins
        ],
    }
    return json.dumps(doc).encode()


class FakeProvider:
    """Pages by path; ``throttle`` answers 429 (Retry-After: 0) once per listed path."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[bytes, str]] = {}
        self.throttle: set[str] = set()
        self.requests: list[tuple[str, str | None]] = []

    def serve(self) -> Iterator[str]:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                provider.requests.append((self.path, self.headers.get("Authorization")))
                if self.path in provider.throttle:
                    provider.throttle.discard(self.path)
                    self.send_response(429)
                    self.send_header("Retry-After", "0")
                    self.end_headers()
                    return
                if self.path == "/slow":
                    time.sleep(1.5)
                if self.path not in provider.pages:
                    self.send_response(404)
                    self.end_headers()
                    return
                body, kind = provider.pages[self.path]
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()


@pytest.fixture
def provider() -> Iterator[tuple[FakeProvider, str]]:
    fake = FakeProvider()
    for base in fake.serve():
        yield fake, base


@pytest.fixture
def machines(orgs) -> list[Equipment]:
    return [
        Equipment.objects.create(organisation=orgs["a"], code=f"M{i}", pin=f"PIN{i}")
        for i in range(1, 6)
    ]


def make_source(orgs, base: str, **extra: Any) -> TelematicsSource:
    data = {"organisation": orgs["a"], "name": "Provider", "base_url": base + "/Fleet/1", **extra}
    return save_source(actor=SYSTEM, data=data, auth_value="Bearer s3cret")


@pytest.mark.parametrize("page", [xml_page, json_page])
def test_follows_next_links_and_retries_after_429(provider, orgs, machines, page) -> None:
    fake, base = provider
    kind = "application/xml" if page is xml_page else "application/json"
    fake.pages["/Fleet/1"] = (page(1, ["PIN1", "PIN2"], next_page=2), kind)
    fake.pages["/Fleet/2"] = (page(2, ["PIN3", "PIN4"], next_page=3), kind)
    fake.pages["/Fleet/3"] = (page(3, ["PIN5", "NOT-IN-FLEET"], next_page=None), kind)
    fake.throttle.add("/Fleet/2")
    source = make_source(orgs, base)
    seen: list[int] = []
    waits: list[float] = []
    result = poll_source(
        source, progress=lambda p: seen.append(p.machines), sleep=waits.append, actor=SYSTEM
    )
    assert result.pages == 3 and seen == [2, 4, 6]
    assert result.snapshots_created == 5 and result.unknown[0]["pin"] == "NOT-IN-FLEET"
    assert [p for p, _a in fake.requests] == ["/Fleet/1", "/Fleet/2", "/Fleet/2", "/Fleet/3"]
    assert waits == [0.0]  # Retry-After: 0 honoured
    assert {a for _p, a in fake.requests} == {"Bearer s3cret"}  # decrypted auth header sent
    source.refresh_from_db()
    assert source.last_error == "" and source.last_success_at is not None
    # Polling again writes nothing new (same snapshot times, same source).
    again = poll_source(source, force=True, sleep=waits.append, actor=SYSTEM)
    assert again.snapshots_created == 0 and again.duplicates == 5


def test_malformed_page_writes_nothing_from_the_poll(provider, orgs, machines) -> None:
    fake, base = provider
    fake.pages["/Fleet/1"] = (xml_page(1, ["PIN1", "PIN2"], next_page=2), "application/xml")
    fake.pages["/Fleet/2"] = (b"<Fleet><Equipment><PIN>PIN3</Equipment>", "application/xml")
    source = make_source(orgs, base)
    with pytest.raises(PollError) as info:
        poll_source(source, sleep=lambda s: None, actor=SYSTEM)
    assert "Page 2" in str(info.value) and "/Fleet/2" in str(info.value)
    assert "not well-formed" in str(info.value)
    assert not TelematicsSnapshot.objects.exists() and not TelematicsImport.objects.exists()
    source.refresh_from_db()
    assert "Page 2" in source.last_error and source.last_success_at is None


def test_http_error_and_max_pages(provider, orgs, machines) -> None:
    fake, base = provider
    fake.pages["/Fleet/1"] = (json_page(1, ["PIN1"], next_page=2), "application/json")
    fake.pages["/Fleet/2"] = (json_page(2, ["PIN2"], next_page=3), "application/json")
    source = make_source(orgs, base, max_pages=1)
    source.base_url = base + "/Fleet/1?pageSize={page_size}"
    source.save()
    fake.pages["/Fleet/1?pageSize=100"] = fake.pages["/Fleet/1"]
    result = poll_source(source, sleep=lambda s: None, actor=SYSTEM)
    assert fake.requests[-1][0] == "/Fleet/1?pageSize=100"
    assert (
        result.pages == 1
        and result.snapshots_created == 1
        and "Stopped after 1" in result.warnings[0]
    )
    source.base_url = base + "/Nowhere"
    source.save()
    with pytest.raises(PollError, match="HTTP 404"):
        poll_source(source, force=True, sleep=lambda s: None, actor=SYSTEM)
    source.base_url, source.timeout_s = base + "/slow", 1
    source.save()
    with pytest.raises(PollError, match="no answer within 1 s"):
        poll_source(source, force=True, sleep=lambda s: None, actor=SYSTEM)


def test_minimum_interval_between_requests_and_polls(provider, orgs, machines) -> None:
    fake, base = provider
    fake.pages["/Fleet/1"] = (json_page(1, ["PIN1"], next_page=2), "application/json")
    fake.pages["/Fleet/2"] = (json_page(2, ["PIN2"], next_page=None), "application/json")
    source = make_source(orgs, base, min_interval_s=30)
    waits: list[float] = []
    poll_source(source, sleep=waits.append, actor=SYSTEM)
    assert len(waits) == 1 and 29 < waits[0] <= 30  # spaced the second page
    with pytest.raises(PollError, match="rate limit"):
        poll_source(source, sleep=waits.append, actor=SYSTEM)  # a new poll too soon is refused


def test_auth_value_is_encrypted_and_kept_out_of_the_audit(orgs) -> None:
    source = make_source(orgs, "https://aemp.example.test")
    assert "s3cret" not in source.auth_value_encrypted
    assert crypto.decrypt(source.auth_value_encrypted) == "Bearer s3cret"
    row = AuditLog.objects.get(resource="fleet.telematicssource")
    assert "s3cret" not in json.dumps(row.after) and row.after["auth_value_encrypted"] == "***"


def test_retry_after_http_date() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 5, 20, 8, 0, tzinfo=UTC)
    assert retry_after_seconds("Wed, 20 May 2026 08:00:30 GMT", now=now) == 30
    assert retry_after_seconds("7") == 7 and retry_after_seconds("soon") is None


def test_command_and_task(provider, orgs, machines) -> None:
    fake, base = provider
    fake.pages["/Fleet/1"] = (xml_page(1, ["PIN1"], next_page=None), "application/xml")
    make_source(orgs, base)
    out = StringIO()
    call_command("fleet", "poll", "Provider", stdout=out)
    assert "page 1" in out.getvalue() and "1 snapshots written" in out.getvalue()
    assert poll_sources.call()["Provider"].startswith("0 snapshots, 1 duplicates")
