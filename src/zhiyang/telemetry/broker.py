"""Mosquitto's password and ACL files, written from the database.

Each active device with a token is a broker user named by its device code, allowed to
publish only to ``zhiyang/v1/<device code>/readings``; the ingest user (default
``zhiyang-ingest``) may read ``zhiyang/v1/+/readings``. Point Mosquitto at the files with
``password_file`` and ``acl_file`` and send it SIGHUP after writing them (docs/telemetry.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from zhiyang.telemetry.credentials import mosquitto_hash

TOPIC_PREFIX = "zhiyang/v1"
READINGS_FILTER = f"{TOPIC_PREFIX}/+/readings"
INGEST_USER = "zhiyang-ingest"


def topic_for(device_code: str) -> str:
    return f"{TOPIC_PREFIX}/{device_code}/readings"


def device_of_topic(topic: str) -> str | None:
    """The device code of a readings topic, None for any other topic."""
    parts = topic.split("/")
    if len(parts) == 4 and parts[0] == "zhiyang" and parts[1] == "v1" and parts[3] == "readings":
        return parts[2] or None
    return None


def password_lines(
    devices: Iterable[tuple[str, str]], *, ingest_user: str, ingest_hash: str
) -> list[str]:
    lines = [f"{ingest_user}:{ingest_hash}"]
    lines += [f"{code}:{hashed}" for code, hashed in devices if hashed and code != ingest_user]
    return lines


def acl_lines(device_codes: Iterable[str], *, ingest_user: str) -> list[str]:
    lines = [
        "# Written by `zhiyang telemetry broker-config`; do not edit by hand.",
        f"user {ingest_user}",
        f"topic read {READINGS_FILTER}",
        "",
    ]
    for code in device_codes:
        if code == ingest_user:
            continue
        lines += [f"user {code}", f"topic write {topic_for(code)}", ""]
    return lines


def _write(path: Path, lines: list[str]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o640)
    os.replace(tmp, path)


def write_files(
    out: Path,
    devices: Iterable[tuple[str, str]],
    *,
    ingest_password: str,
    ingest_user: str = INGEST_USER,
) -> tuple[Path, Path]:
    """Write ``passwords`` and ``acl`` into ``out`` from (code, mqtt_password_hash) pairs."""
    out.mkdir(parents=True, exist_ok=True)
    devices = [(code, hashed) for code, hashed in devices if hashed]
    passwords, acl = out / "passwords", out / "acl"
    _write(
        passwords,
        password_lines(
            devices, ingest_user=ingest_user, ingest_hash=mosquitto_hash(ingest_password)
        ),
    )
    _write(acl, acl_lines([code for code, _ in devices], ingest_user=ingest_user))
    return passwords, acl


def write_from_database(
    out: Path, *, ingest_password: str, ingest_user: str = INGEST_USER
) -> tuple[Path, Path]:
    """The files for every active device that has a token."""
    from zhiyang.telemetry.models import Device

    rows = Device.objects.filter(active=True).exclude(mqtt_password_hash="").order_by("code")
    return write_files(
        out,
        rows.values_list("code", "mqtt_password_hash"),
        ingest_password=ingest_password,
        ingest_user=ingest_user,
    )
