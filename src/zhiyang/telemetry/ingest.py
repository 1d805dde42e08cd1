"""The ingest: raw payloads from a transport → validated readings in the lake → live stage.

A transport (the MQTT subscriber, the HTTP endpoint, the simulator) hands batches of
:class:`Raw` payloads, each with the device identity it authenticated (the topic's device
over MQTT, the token's device over HTTP), to :meth:`Ingestor.ingest`. For each payload:

1. decode the JSON, check the device (it must exist, be active, and be the authenticated
   device), validate against the schema of its machine type (``schema.validate``);
2. append the valid readings to the lake in one durable write (duplicates by device + seq
   dropped there), and write the rejected ones to the dead-letter store (one bulk insert);
3. return: only now may the transport acknowledge;
4. hand the accepted readings to ``on_accepted`` (by default ``telemetry.live.process_accepted``)
   on a background thread, so the live stage never delays or loses an acknowledgement.

Backpressure: at most ``max_concurrent`` batches are ingested at once; a caller that passes
``wait_s`` gets :class:`Busy` when no slot frees in time (HTTP answers 503 + Retry-After),
the MQTT subscriber waits (its bounded queue then stops reading the socket).
"""

from __future__ import annotations

import importlib
import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from zhiyang.core import jsonsafe
from zhiyang.telemetry import schema
from zhiyang.telemetry.lake import DUPLICATE, OK, TOO_OLD, Lake, LakeRecord
from zhiyang.telemetry.models import DEVICE_CODE_RE

log = logging.getLogger(__name__)

PAYLOAD_KEEP = 4096
_CODE = re.compile(DEVICE_CODE_RE)
MAX_PAYLOAD = 64 * 1024
_DEFAULT = object()

OnAccepted = Callable[[list[schema.Accepted]], Any]


def _text(value: str) -> str:
    """Text a database column takes (PostgreSQL refuses NUL characters)."""
    return value.replace("\x00", "\ufffd")


def lake_root() -> Path:
    """The lake directory: settings/env ZHIYANG_LAKE_DIR, else <data dir>/lake."""
    configured = getattr(settings, "ZHIYANG_LAKE_DIR", None) or os.environ.get("ZHIYANG_LAKE_DIR")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "lake"


@dataclass(frozen=True)
class Raw:
    """One payload as received, with the device the transport authenticated (if any)."""

    payload: bytes
    device: str | None = None


@dataclass(frozen=True)
class Rejection:
    index: int
    code: str
    reason: str


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    items: list[schema.Accepted] = field(default_factory=list)


class Busy(Exception):
    """Every ingest slot stayed busy for the caller's wait: try again later."""


@dataclass(frozen=True)
class DeviceInfo:
    id: int
    code: str
    active: bool
    machine_type: str
    equipment_id: int
    equipment_code: str


def default_on_accepted() -> OnAccepted | None:
    """``zhiyang.telemetry.live.process_accepted`` when the live stage is installed."""
    try:
        module = importlib.import_module("zhiyang.telemetry.live")
    except ImportError:
        return None
    return getattr(module, "process_accepted", None)


class Ingestor:
    """Validates, de-duplicates and durably appends readings; see the module docstring."""

    def __init__(
        self,
        lake: Lake,
        *,
        on_accepted: OnAccepted | object | None = _DEFAULT,
        transport: str = "mqtt",
        cache_s: float = 10.0,
        max_concurrent: int = 4,
        live_queue: int = 256,
    ) -> None:
        self.lake = lake
        self.transport = transport
        self.cache_s = cache_s
        self.on_accepted: OnAccepted | None = (
            default_on_accepted() if on_accepted is _DEFAULT else on_accepted  # type: ignore[assignment]
        )
        self._slots = threading.BoundedSemaphore(max_concurrent)
        self._devices: dict[str, tuple[float, DeviceInfo | None]] = {}
        self._projects: dict[int, tuple[float, int | None, str | None]] = {}
        self._cache_lock = threading.Lock()
        self._live: queue.Queue[list[schema.Accepted] | None] = queue.Queue(live_queue)
        self._live_thread: threading.Thread | None = None
        self.live_dropped = 0

    # ------------------------------------------------------------ lookups

    def _lookup(self, codes: set[str]) -> dict[str, DeviceInfo | None]:
        from zhiyang.telemetry.models import Device

        now = time.monotonic()
        out: dict[str, DeviceInfo | None] = {}
        missing: set[str] = set()
        with self._cache_lock:
            for code in codes:
                cached = self._devices.get(code)
                if cached and cached[0] > now:
                    out[code] = cached[1]
                else:
                    missing.add(code)
        # A code that cannot exist is not looked up (PostgreSQL also refuses NUL characters).
        for code in [c for c in missing if not _CODE.match(c)]:
            missing.discard(code)
            out[code] = None
        if missing:
            found = {
                row["code"]: DeviceInfo(
                    id=row["id"],
                    code=row["code"],
                    active=row["active"],
                    machine_type=row["machine_type"],
                    equipment_id=row["equipment_id"],
                    equipment_code=row["equipment__code"],
                )
                for row in Device.objects.filter(code__in=missing).values(
                    "id", "code", "active", "machine_type", "equipment_id", "equipment__code"
                )
            }
            with self._cache_lock:
                if len(self._devices) > 100_000:
                    self._devices.clear()
                for code in missing:
                    info = found.get(code)
                    self._devices[code] = (now + self.cache_s, info)
                    out[code] = info
        return out

    def project_of(self, equipment_id: int) -> tuple[int | None, str | None]:
        """The project of the machine's in-progress work order (the most recent), cached."""
        from zhiyang.works.choices import WorkOrderStatus
        from zhiyang.works.models import WorkOrder

        now = time.monotonic()
        with self._cache_lock:
            cached = self._projects.get(equipment_id)
        if cached and cached[0] > now:
            return cached[1], cached[2]
        row = (
            WorkOrder.objects.filter(equipment=equipment_id, status=WorkOrderStatus.IN_PROGRESS)
            .order_by("-actual_start", "-planned_start", "-id")
            .values_list("project_id", "project__code")
            .first()
        )
        project_id, project_code = row if row else (None, None)
        with self._cache_lock:
            if len(self._projects) > 100_000:
                self._projects.clear()
            self._projects[equipment_id] = (now + self.cache_s, project_id, project_code)
        return project_id, project_code

    # ------------------------------------------------------------ ingest

    def ingest(self, items: Sequence[Raw], *, wait_s: float | None = None) -> IngestResult:
        """Ingest one batch; return after the durable append (then acknowledge)."""
        if wait_s is None:
            self._slots.acquire()
        elif not self._slots.acquire(timeout=wait_s):
            raise Busy
        try:
            result = self._ingest(items)
        finally:
            self._slots.release()
        if result.items and self.on_accepted is not None:
            self._dispatch(result.items)
        return result

    def _ingest(self, items: Sequence[Raw]) -> IngestResult:
        result = IngestResult()
        now_ms = int(time.time() * 1000)
        decoded: list[tuple[int, Raw, Any]] = []
        dead: list[tuple[Raw, str | None, str, str]] = []  # raw, device code, code, reason
        for index, raw in enumerate(items):
            if len(raw.payload) > MAX_PAYLOAD:
                self._reject(result, dead, index, raw, None, "too_large", "reading over 64 KB")
                continue
            try:
                message = jsonsafe.loads(raw.payload)  # a 64 KB "[[[…" would recurse
            except (ValueError, UnicodeDecodeError) as exc:
                self._reject(result, dead, index, raw, None, "bad_json", f"not JSON: {exc}")
                continue
            decoded.append((index, raw, message))
        codes = {
            m["device"]
            for _, _, m in decoded
            if isinstance(m, dict) and isinstance(m.get("device"), str)
        }
        codes.update(raw.device for raw in items if raw.device)
        devices = self._lookup(codes) if codes else {}
        candidates: list[tuple[int, Raw, DeviceInfo, LakeRecord]] = []
        projects: dict[int, tuple[int | None, str | None]] = {}
        for index, raw, message in decoded:
            code = message.get("device") if isinstance(message, dict) else None
            code = code if isinstance(code, str) else None
            if raw.device is not None and code is not None and code != raw.device:
                self._reject(
                    result,
                    dead,
                    index,
                    raw,
                    raw.device,
                    "device_mismatch",
                    f"device {code[:64]!r} is not the authenticated device {raw.device!r}",
                )
                continue
            info = devices.get(code or raw.device or "")
            if code is not None and info is None:
                self._reject(result, dead, index, raw, code, "unknown_device", "no such device")
                continue
            if info is not None and not info.active:
                self._reject(
                    result, dead, index, raw, code, "inactive_device", "the device is deactivated"
                )
                continue
            try:
                reading = schema.validate(
                    message, info.machine_type if info else "?", now_ms=now_ms
                )
            except schema.SchemaError as exc:
                self._reject(result, dead, index, raw, code, exc.code, str(exc))
                continue
            assert info is not None
            project = projects.get(info.equipment_id)
            if project is None:
                project = projects[info.equipment_id] = self.project_of(info.equipment_id)
            project_code = project[1]
            record = LakeRecord(
                machine_type=info.machine_type,
                machine=info.equipment_code,
                project=project_code,
                reading=reading,
            )
            candidates.append((index, raw, info, record))
        if candidates:
            appended = self.lake.append([c[3] for c in candidates])
            for (index, raw, info, record), verdict in zip(
                candidates, appended.status, strict=True
            ):
                if verdict == OK:
                    result.accepted += 1
                    project_id = projects[info.equipment_id][0]
                    result.items.append(
                        schema.Accepted(
                            device_id=info.id,
                            device_code=info.code,
                            equipment_id=info.equipment_id,
                            machine_type=info.machine_type,
                            project_id=project_id,
                            reading=record.reading,
                        )
                    )
                elif verdict == DUPLICATE:
                    result.duplicates += 1
                elif verdict == TOO_OLD:
                    self._reject(
                        result,
                        dead,
                        index,
                        raw,
                        info.code,
                        "seq_too_old",
                        f"seq {record.reading.seq} is older than the de-duplication window "
                        "of the device: it cannot be told from a duplicate",
                    )
        if dead:
            self._write_dead(dead, devices)
        result.rejected.sort(key=lambda r: r.index)
        return result

    @staticmethod
    def _reject(
        result: IngestResult,
        dead: list[tuple[Raw, str | None, str, str]],
        index: int,
        raw: Raw,
        device: str | None,
        code: str,
        reason: str,
    ) -> None:
        result.rejected.append(Rejection(index, code, reason))
        dead.append((raw, device or raw.device, code, reason))

    def _write_dead(
        self,
        dead: list[tuple[Raw, str | None, str, str]],
        devices: dict[str, DeviceInfo | None],
    ) -> None:
        from zhiyang.telemetry.models import DeadLetter

        rows = []
        for raw, code, reason_code, reason in dead:
            info = devices.get(code) if code else None
            rows.append(
                DeadLetter(
                    device_id=info.id if info else None,
                    device_code=_text(code or "")[:64],
                    transport=self.transport,
                    code=reason_code[:32],
                    reason=_text(reason[:1000]),
                    payload=_text(raw.payload[:PAYLOAD_KEEP].decode("utf-8", "replace")),
                )
            )
        with transaction.atomic():
            DeadLetter.objects.bulk_create(rows, batch_size=500)

    # ------------------------------------------------------------ live stage

    def _dispatch(self, items: list[schema.Accepted]) -> None:
        if self._live_thread is None:
            with self._cache_lock:
                if self._live_thread is None:
                    self._live_thread = threading.Thread(
                        target=self._live_loop, name="telemetry-live", daemon=True
                    )
                    self._live_thread.start()
        try:
            self._live.put(items, timeout=0.5)
        except queue.Full:
            self.live_dropped += len(items)
            log.warning("telemetry live stage is behind: %d readings not evaluated", len(items))

    def _live_loop(self) -> None:
        assert self.on_accepted is not None
        while True:
            items = self._live.get()
            if items is None:
                break
            try:
                close_old_connections()
                self.on_accepted(items)
            except Exception:
                log.exception("telemetry live stage failed on %d readings", len(items))
            if self._live.empty():
                # Idle: give the connection back (a server's idle thread must not hold one,
                # and a test database cannot be dropped while it is open).
                connection.close()
        connection.close()

    def close(self, timeout: float = 10.0) -> None:
        """Let the live stage finish what it has (the lake is closed by its owner)."""
        if self._live_thread is not None:
            self._live.put(None)
            self._live_thread.join(timeout)
            self._live_thread = None


_shared: dict[str, Ingestor] = {}
_shared_lock = threading.Lock()


def shared_ingestor(transport: str = "http") -> Ingestor:
    """The process's ingestor for ``transport`` (the web endpoint), opened on first use."""
    with _shared_lock:
        ingestor = _shared.get(transport)
        if ingestor is None:
            lake = _shared_lake()
            ingestor = Ingestor(lake, transport=transport)
            _shared[transport] = ingestor
        return ingestor


_lake: list[Lake] = []


def _shared_lake() -> Lake:
    if not _lake:
        import atexit

        lake = Lake(lake_root()).open()
        atexit.register(lake.close)
        _lake.append(lake)
    return _lake[0]
