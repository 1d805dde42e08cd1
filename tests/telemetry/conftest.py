"""Telemetry fixtures: a throwaway Mosquitto broker, devices, a lake.

``mosquitto`` (session): one broker on a free port with its own password and ACL files
(persistence on, no queue limits); tests change its users with ``broker.configure(...)``
(rewrites the files and sends SIGHUP). ``mosquitto_factory`` starts extra brokers (the crash
tests use their own). Neither needs a system broker: CI machines may not run one.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from zhiyang.telemetry.credentials import mosquitto_hash

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
INGEST_USER = "zhiyang-ingest"
INGEST_PASSWORD = "ingest-secret-for-tests"
_serial = itertools.count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Broker:
    """A running throwaway broker."""

    host: str
    port: int
    directory: Path
    process: subprocess.Popen[bytes]
    users: dict[str, str] = field(default_factory=dict)  # name → password hash

    @property
    def password_file(self) -> Path:
        return self.directory / "passwords"

    @property
    def acl_file(self) -> Path:
        return self.directory / "acl"

    def write(self, *, passwords: dict[str, str], acl: list[str]) -> None:
        """Replace the users (name → clear password) and ACL lines; no reload."""
        self.password_file.write_text(
            "".join(f"{user}:{mosquitto_hash(pw)}\n" for user, pw in passwords.items())
        )
        self.acl_file.write_text("\n".join(acl) + "\n")

    def reload(self) -> None:
        self.process.send_signal(signal.SIGHUP)
        time.sleep(0.3)

    def configure(self, *, passwords: dict[str, str], acl: list[str]) -> None:
        self.write(passwords=passwords, acl=acl)
        self.reload()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


def default_acl(devices: Sequence[str] = ()) -> list[str]:
    lines = [f"user {INGEST_USER}", "topic read zhiyang/v1/+/readings", ""]
    for code in devices:
        lines += [f"user {code}", f"topic write zhiyang/v1/{code}/readings", ""]
    return lines


def start_mosquitto(
    directory: Path,
    *,
    passwords: dict[str, str] | None = None,
    acl: list[str] | None = None,
    password_file: Path | None = None,
    acl_file: Path | None = None,
) -> Broker:
    """Start mosquitto in ``directory`` with the given users (clear passwords) and ACL, or
    with ready-made files (e.g. written by ``zhiyang telemetry broker-config``)."""
    if not os.path.exists(MOSQUITTO):
        pytest.skip("mosquitto is not installed (apt-get install -y mosquitto)")
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    broker = Broker("127.0.0.1", port, directory, None)  # type: ignore[arg-type]
    if password_file is None:
        broker.write(
            passwords=passwords if passwords is not None else {INGEST_USER: INGEST_PASSWORD},
            acl=acl if acl is not None else default_acl(),
        )
    else:
        shutil.copy(password_file, broker.password_file)
        shutil.copy(acl_file or directory / "acl", broker.acl_file)
    lines = [
        f"listener {port} 127.0.0.1",
        "allow_anonymous false",
        f"password_file {broker.password_file}",
        f"acl_file {broker.acl_file}",
        "persistence true",
        f"persistence_location {directory}/",
        "autosave_interval 60",
        "max_queued_messages 0",
        "max_queued_bytes 0",
        "max_inflight_messages 0",
        "set_tcp_nodelay true",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
    ]
    if os.geteuid() == 0:
        lines.append("user root")
    (directory / "mosquitto.conf").write_text("\n".join(lines) + "\n")
    log = open(directory / "mosquitto.log", "wb")  # noqa: SIM115 - owned by the process
    broker.process = subprocess.Popen(
        [MOSQUITTO, "-c", str(directory / "mosquitto.conf")], stdout=log, stderr=log
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if broker.process.poll() is not None:
            raise RuntimeError((directory / "mosquitto.log").read_text())
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return broker
        except OSError:
            time.sleep(0.05)
    broker.stop()
    raise RuntimeError("mosquitto did not start")


@pytest.fixture(scope="session")
def mosquitto_factory() -> Iterator[Callable[..., Broker]]:
    """Factory: ``mosquitto_factory(passwords=..., acl=...)`` → a new Broker (stopped at the
    end of the session)."""
    brokers: list[Broker] = []
    base = Path(tempfile.mkdtemp(prefix="zhiyang-mosquitto-"))

    def make(**kwargs: Any) -> Broker:
        broker = start_mosquitto(base / f"broker-{next(_serial)}", **kwargs)
        brokers.append(broker)
        return broker

    yield make
    for broker in brokers:
        broker.stop()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def mosquitto(mosquitto_factory: Callable[..., Broker]) -> Broker:
    """The session's broker: ``.host``, ``.port``; ``.configure(passwords=, acl=)``."""
    return mosquitto_factory()


@pytest.fixture
def lake_dir(tmp_path: Path) -> Path:
    return tmp_path / "lake"


@pytest.fixture
def device_factory(db: Any) -> Callable[..., Any]:
    """Factory: ``device_factory(code="DEV-1", equipment_type="vibratory_roller")`` → Device
    on a new machine of a new organisation (no token)."""
    from zhiyang.core.models import Organisation
    from zhiyang.fleet.models import Equipment
    from zhiyang.telemetry import schema
    from zhiyang.telemetry.models import Device

    def make(
        code: str | None = None,
        equipment_type: str = "vibratory_roller",
        organisation: Any = None,
        **fields: Any,
    ) -> Device:
        n = next(_serial)
        org = organisation or Organisation.objects.create(name=f"Org {n}", code=f"ORG{n}")
        equipment = Equipment.objects.create(
            organisation=org, code=f"EQ-{n}", equipment_type=equipment_type
        )
        return Device.objects.create(
            code=code or f"DEV-{n}",
            equipment=equipment,
            machine_type=schema.EQUIPMENT_TYPES[equipment_type],
            **fields,
        )

    return make


def roller_reading(device: str, seq: int, **extra: Any) -> dict[str, Any]:
    return {
        "v": 1,
        "device": device,
        "seq": seq,
        "t": 1_790_000_000_000 + seq * 100,
        "lat": 36.06,
        "lon": 103.83,
        "speed_kmh": 4.0,
        "drum_width_m": 2.1,
        "direction": "forward",
        "vibration": True,
        **extra,
    }
