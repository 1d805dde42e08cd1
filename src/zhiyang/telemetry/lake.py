"""The telemetry lake: durable append of accepted readings, then Parquet files.

Write path (one :class:`Lake` per process that ingests):

1. :meth:`Lake.append` checks each reading against the de-duplication state (per device a
   high-water mark and a bitmap of the last ``dedup_window`` sequence numbers), frames the
   new ones as ``<u32 length><u32 CRC32><pickled tuple>`` records, appends them to the
   writer's current
   write-ahead segment and fsyncs once for the whole batch (group commit). Only when it
   returns may the transport acknowledge.
2. A segment rolls when it reaches ``segment_bytes`` or ``segment_age_s``; a background
   thread converts it to Parquet (tmp file, fsync, rename, fsync of the directory), saves the
   de-duplication checkpoint atomically, then deletes the segment.
3. On start, segments of writers that are gone (their lock file is not flocked any more) are
   converted the same way. The Parquet file name derives from the segment name, so a crash
   between the rename and the delete rewrites the same file instead of duplicating it. A
   torn final record (the process died mid-write; it was never acknowledged) fails its CRC
   and is dropped.

Layout (read by the QC engine; do not change it)::

    <root>/<machine_type>/date=YYYY-MM-DD/project=<project code|_none>/machine=<equipment code>/
        <segment name>.parquet

``date`` is the reading's date in site time (Asia/Shanghai, UTC+8 all year). Columns:
``device`` string, ``seq`` int64, ``time`` timestamp[ms, UTC], ``lat``/``lon`` float64, then
the type's fields (schema.FIELDS): float → float64, bool → bool, enum → string,
float_list → list<float64>; a missing optional value is null.

Several processes may ingest at once (web workers and the MQTT subscriber): each owns its
segments (an flocked lock file per writer); de-duplication is exact within a process and the
readers drop any remaining (device, seq) duplicates, so counts are always exact.

No Django import: the benchmark, the QC engine and Dask workers use it as is.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import pickle
import queue
import re
import struct
import threading
import time
import uuid
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from zhiyang.telemetry import schema

log = logging.getLogger(__name__)

#: Site time: China Standard Time, UTC+8 without daylight saving (Asia/Shanghai since 1991).
SITE_OFFSET_MS = 8 * 3600 * 1000
NO_PROJECT = "_none"
WAL_DIR = "_wal"
STATE_DIR = "_state"
CHECKPOINT = "dedup.json"
_HEADER = struct.Struct("<II")
#: A record larger than this is corrupt (a reading is at most a few KB).
MAX_RECORD = 1 << 20
_SAFE = re.compile(r"[^A-Za-z0-9_.\-]")

OK, DUPLICATE, TOO_OLD = "ok", "duplicate", "too_old"


def safe_part(value: str) -> str:
    """A partition value safe as a directory name (codes are already safe in practice)."""
    return _SAFE.sub("_", value) or "_"


def site_date(time_ms: int) -> str:
    """The reading's date in site time (Asia/Shanghai), ``YYYY-MM-DD``."""
    return (datetime(1970, 1, 1) + timedelta(milliseconds=time_ms + SITE_OFFSET_MS)).strftime(
        "%Y-%m-%d"
    )


@dataclass(frozen=True)
class LakeRecord:
    """A validated reading with its partition keys."""

    machine_type: str
    machine: str  # equipment code
    project: str | None  # project code
    reading: schema.Reading


def arrow_schema(machine_type: str) -> pa.Schema:
    """The Parquet schema of one machine type."""
    fields: list[pa.Field] = [
        pa.field("device", pa.string(), nullable=False),
        pa.field("seq", pa.int64(), nullable=False),
        pa.field("time", pa.timestamp("ms", tz="UTC"), nullable=False),
        pa.field("lat", pa.float64()),
        pa.field("lon", pa.float64()),
    ]
    kinds = {
        "float": pa.float64(),
        "bool": pa.bool_(),
        "enum": pa.string(),
        "float_list": pa.list_(pa.float64()),
    }
    for name, spec in schema.FIELDS[machine_type].items():
        fields.append(pa.field(name, kinds[spec.kind]))
    return pa.schema(fields)


# ---------------------------------------------------------------- de-duplication


class Dedup:
    """Per device: the highest seq seen and a bitmap of the ``window`` seqs below it.

    Memory is bounded: one int of ``window`` bits per device. A seq below the window cannot
    be checked any more: it is reported ``too_old`` (the caller dead-letters it).
    """

    def __init__(self, window: int = 4096) -> None:
        self.window = window
        self.mask = (1 << window) - 1
        self.state: dict[str, tuple[int, int]] = {}

    def check(self, device: str, seq: int) -> str:
        """Classify (device, seq) without recording it."""
        entry = self.state.get(device)
        if entry is None:
            return OK
        high, bits = entry
        if seq > high:
            return OK
        offset = high - seq
        if offset >= self.window:
            return TOO_OLD
        return DUPLICATE if (bits >> offset) & 1 else OK

    def add(self, device: str, seq: int) -> None:
        entry = self.state.get(device)
        if entry is None:
            self.state[device] = (seq, 1)
            return
        high, bits = entry
        if seq > high:
            shift = seq - high
            bits = ((bits << shift) | 1) & self.mask if shift < self.window else 1
            self.state[device] = (seq, bits)
        elif high - seq < self.window:
            self.state[device] = (high, bits | (1 << (high - seq)))

    def merge(self, other: dict[str, tuple[int, int]]) -> None:
        for device, (high, bits) in other.items():
            mine = self.state.get(device)
            if mine is None:
                self.state[device] = (high, bits & self.mask)
                continue
            my_high, my_bits = mine
            if high >= my_high:
                shift = high - my_high
                merged = (bits | (my_bits << shift if shift < self.window else 0)) & self.mask
                self.state[device] = (high, merged)
            else:
                shift = my_high - high
                merged = (my_bits | (bits << shift if shift < self.window else 0)) & self.mask
                self.state[device] = (my_high, merged)

    def dump(self) -> dict[str, Any]:
        return {
            "window": self.window,
            "devices": {d: [h, format(b, "x")] for d, (h, b) in self.state.items()},
        }

    @staticmethod
    def parse(data: dict[str, Any]) -> dict[str, tuple[int, int]]:
        return {d: (int(h), int(b, 16)) for d, (h, b) in data.get("devices", {}).items()}


# ---------------------------------------------------------------- segments


def _encode(record: LakeRecord) -> bytes:
    # pickle (protocol 5, stable across Python versions) of plain values: a few times faster
    # than JSON; the segment is a private file of the lake, read back only by the lake.
    r = record.reading
    body = pickle.dumps(
        (
            record.machine_type,
            record.project,
            record.machine,
            r.device,
            r.seq,
            r.time_ms,
            r.lat,
            r.lon,
            dict(r.values),
        ),
        protocol=5,
    )
    return _HEADER.pack(len(body), zlib.crc32(body)) + body


def _decode(body: bytes) -> LakeRecord:
    mt, project, machine, device, seq, time_ms, lat, lon, values = pickle.loads(body)  # noqa: S301
    reading = schema.Reading(
        device=device, seq=seq, time_ms=time_ms, lat=lat, lon=lon, values=values
    )
    return LakeRecord(machine_type=mt, machine=machine, project=project, reading=reading)


def read_segment(path: Path) -> tuple[list[LakeRecord], int]:
    """The whole records of a segment and the byte length they span (a torn tail is cut)."""
    data = path.read_bytes()
    records: list[LakeRecord] = []
    pos = 0
    while pos + _HEADER.size <= len(data):
        length, crc = _HEADER.unpack_from(data, pos)
        start = pos + _HEADER.size
        end = start + length
        if length > MAX_RECORD or end > len(data):
            break
        body = data[start:end]
        if zlib.crc32(body) != crc:
            break
        try:
            records.append(_decode(body))
        except (ValueError, TypeError, pickle.UnpicklingError, EOFError):
            break
        pos = end
    if pos != len(data):
        log.warning("telemetry WAL %s: dropped a torn tail of %d bytes", path, len(data) - pos)
    return records, pos


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _table(machine_type: str, records: Sequence[LakeRecord]) -> pa.Table:
    arrow = arrow_schema(machine_type)
    columns: dict[str, list[Any]] = {
        "device": [r.reading.device for r in records],
        "seq": [r.reading.seq for r in records],
        "time": [r.reading.time_ms for r in records],
        "lat": [r.reading.lat for r in records],
        "lon": [r.reading.lon for r in records],
    }
    for name in schema.FIELDS[machine_type]:
        columns[name] = [r.reading.values.get(name) for r in records]
    arrays = [pa.array(columns[f.name], type=f.type) for f in arrow]
    return pa.Table.from_arrays(arrays, schema=arrow)


def partition_dir(root: Path, record: LakeRecord) -> Path:
    return (
        root
        / record.machine_type
        / f"date={site_date(record.reading.time_ms)}"
        / f"project={safe_part(record.project) if record.project else NO_PROJECT}"
        / f"machine={safe_part(record.machine)}"
    )


def convert_segment(root: Path, segment: Path, *, fsync: bool = True) -> int:
    """Write a segment's records as Parquet files (one per partition); return the count.

    Idempotent: the file name is the segment's, so converting again replaces, never adds.
    """
    records, _ = read_segment(segment)
    groups: dict[tuple[str, Path], list[LakeRecord]] = {}
    for record in records:
        if record.machine_type not in schema.FIELDS:
            log.error("telemetry WAL %s: unknown machine type %s", segment, record.machine_type)
            continue
        groups.setdefault((record.machine_type, partition_dir(root, record)), []).append(record)
    name = segment.stem + ".parquet"
    for (machine_type, directory), group in groups.items():
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f".{name}.tmp"
        pq.write_table(_table(machine_type, group), tmp, compression="zstd")
        if fsync:
            with open(tmp, "rb") as handle:
                os.fsync(handle.fileno())
        os.replace(tmp, directory / name)
        if fsync:
            _fsync_dir(directory)
    return len(records)


# ---------------------------------------------------------------- the lake


@dataclass
class AppendResult:
    """Per input record, in order: ``ok``, ``duplicate`` or ``too_old``."""

    status: list[str]

    @property
    def accepted(self) -> int:
        return self.status.count(OK)

    @property
    def duplicates(self) -> int:
        return self.status.count(DUPLICATE)


class Lake:
    """The lake at ``root``: reading is always possible; call :meth:`open` to write."""

    def __init__(
        self,
        root: str | os.PathLike[str],
        *,
        segment_bytes: int = 32 << 20,
        segment_age_s: float = 30.0,
        dedup_window: int = 4096,
        fsync: bool = True,
    ) -> None:
        self.root = Path(root)
        self.segment_bytes = segment_bytes
        self.segment_age_s = segment_age_s
        self.fsync = fsync
        self.dedup = Dedup(dedup_window)
        self.writer_id = ""
        self._lock = threading.Lock()
        self._lock_fd: int | None = None
        self._segment: Any = None
        self._segment_path: Path | None = None
        self._segment_opened = 0.0
        self._segment_size = 0
        self._counter = 0
        self._convert_queue: queue.Queue[Path | threading.Event | None] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._closing = threading.Event()
        self._checkpoint_lock = threading.Lock()

    # ------------------------------------------------------------ writing

    @property
    def wal_dir(self) -> Path:
        return self.root / WAL_DIR

    def open(self) -> Lake:
        """Take a writer identity, recover abandoned segments, start the background threads."""
        if self._lock_fd is not None:
            return self
        self.wal_dir.mkdir(parents=True, exist_ok=True)
        (self.root / STATE_DIR).mkdir(parents=True, exist_ok=True)
        self.writer_id = f"{int(time.time() * 1000):x}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        # Lock under a temporary name, then rename: recovery never sees our lock unlocked.
        tmp = self.wal_dir / f".{self.writer_id}.lock.tmp"
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.replace(tmp, self.wal_dir / f"{self.writer_id}.lock")
        self._lock_fd = fd
        self._load_checkpoint()
        self.recover()
        self._closing.clear()
        for target in (self._converter, self._ager):
            thread = threading.Thread(target=target, name=f"lake-{target.__name__}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __enter__(self) -> Lake:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _load_checkpoint(self) -> None:
        path = self.root / STATE_DIR / CHECKPOINT
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            return
        self.dedup.merge(Dedup.parse(data))

    def _save_checkpoint(self) -> None:
        """Merge our de-duplication state into the shared checkpoint (atomic replace)."""
        state_dir = self.root / STATE_DIR
        with self._checkpoint_lock, open(state_dir / "dedup.lock", "a+") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            path = state_dir / CHECKPOINT
            with self._lock:
                merged = Dedup(self.dedup.window)
                merged.state = dict(self.dedup.state)
            with contextlib.suppress(OSError, ValueError):
                merged.merge(Dedup.parse(json.loads(path.read_text())))
            tmp = state_dir / f".{CHECKPOINT}.{self.writer_id}.tmp"
            with open(tmp, "w") as handle:
                json.dump(merged.dump(), handle, separators=(",", ":"))
                handle.flush()
                if self.fsync:
                    os.fsync(handle.fileno())
            os.replace(tmp, path)
            if self.fsync:
                _fsync_dir(state_dir)

    def recover(self) -> int:
        """Convert the segments of writers that are gone; return how many readings."""
        total = 0
        for lock_path in sorted(self.wal_dir.glob("*.lock")):
            writer = lock_path.stem
            if writer == self.writer_id:
                continue
            try:
                fd = os.open(lock_path, os.O_RDWR)
            except FileNotFoundError:
                continue
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # a live writer
                segments = sorted(self.wal_dir.glob(f"{writer}.*.wal"))
                for segment in segments:
                    records, _ = read_segment(segment)
                    with self._lock:
                        for record in records:
                            self.dedup.add(record.reading.device, record.reading.seq)
                    total += convert_segment(self.root, segment, fsync=self.fsync)
                if segments:
                    self._save_checkpoint()
                for segment in segments:
                    segment.unlink(missing_ok=True)
                lock_path.unlink(missing_ok=True)
            finally:
                os.close(fd)
        if total:
            log.info("telemetry lake: recovered %d readings from unflushed segments", total)
        return total

    def _new_segment(self) -> None:
        self._counter += 1
        path = self.wal_dir / f"{self.writer_id}.{self._counter:08d}.wal"
        self._segment = open(path, "ab", buffering=0)  # noqa: SIM115 - kept open on purpose
        self._segment_path = path
        self._segment_opened = time.monotonic()
        self._segment_size = 0
        if self.fsync:
            _fsync_dir(self.wal_dir)

    def append(self, records: Sequence[LakeRecord]) -> AppendResult:
        """Durably append the new readings (one fsync); duplicates are not written."""
        if self._lock_fd is None:
            raise RuntimeError("Lake.open() first")
        status: list[str] = []
        with self._lock:
            chunks: list[bytes] = []
            batch: set[tuple[str, int]] = set()
            for record in records:
                key = (record.reading.device, record.reading.seq)
                verdict = DUPLICATE if key in batch else self.dedup.check(*key)
                status.append(verdict)
                if verdict == OK:
                    batch.add(key)
                    chunks.append(_encode(record))
            if chunks:
                if self._segment is None:
                    self._new_segment()
                data = b"".join(chunks)
                try:
                    self._segment.write(data)
                    if self.fsync:
                        os.fsync(self._segment.fileno())
                except OSError:
                    # The segment may end in a partial record now: never append after it
                    # (its torn tail is cut when it is read). Nothing was acknowledged.
                    with contextlib.suppress(OSError):
                        self._roll_locked()
                    raise
                # Only what is durable counts for de-duplication (a failed batch is retried).
                for device, seq in batch:
                    self.dedup.add(device, seq)
                self._segment_size += len(data)
                if self._segment_size >= self.segment_bytes:
                    self._roll_locked()
        return AppendResult(status)

    def _roll_locked(self) -> None:
        if self._segment is None:
            return
        self._segment.close()
        assert self._segment_path is not None
        self._convert_queue.put(self._segment_path)
        self._segment = None
        self._segment_path = None

    def roll(self) -> None:
        """Close the current segment and queue it for conversion."""
        with self._lock:
            self._roll_locked()

    def flush(self, timeout: float | None = None) -> None:
        """Roll and wait until every closed segment is in Parquet."""
        self.roll()
        done = threading.Event()
        self._convert_queue.put(done)  # handled in order: set once all before it are done
        done.wait(timeout)

    def _converter(self) -> None:
        while True:
            item = self._convert_queue.get()
            if item is None:
                return
            if isinstance(item, threading.Event):
                item.set()
                continue
            try:
                convert_segment(self.root, item, fsync=self.fsync)
                self._save_checkpoint()
                item.unlink(missing_ok=True)
            except Exception:
                log.exception("telemetry lake: converting %s failed (kept for recovery)", item)

    def _ager(self) -> None:
        while not self._closing.wait(min(1.0, self.segment_age_s / 4)):
            with self._lock:
                if (
                    self._segment is not None
                    and time.monotonic() - self._segment_opened >= self.segment_age_s
                ):
                    self._roll_locked()

    def close(self) -> None:
        """Flush everything to Parquet, stop the threads, release the writer lock."""
        if self._lock_fd is None:
            return
        self.flush()
        self._closing.set()
        self._convert_queue.put(None)
        for thread in self._threads:
            thread.join(timeout=30)
        self._threads.clear()
        lock_path = self.wal_dir / f"{self.writer_id}.lock"
        if not any(self.wal_dir.glob(f"{self.writer_id}.*.wal")):
            lock_path.unlink(missing_ok=True)
        os.close(self._lock_fd)
        self._lock_fd = None

    # ------------------------------------------------------------ reading

    def files(
        self,
        machine_type: str,
        *,
        date: str | None = None,
        project: str | None = None,
        machine: str | None = None,
    ) -> list[Path]:
        """The Parquet files of a machine type, narrowed by partition."""
        base = self.root / machine_type
        parts = [
            f"date={date}" if date else "date=*",
            f"project={safe_part(project)}" if project else "project=*",
            f"machine={safe_part(machine)}" if machine else "machine=*",
            "*.parquet",
        ]
        return sorted(base.glob("/".join(parts)))

    def read(
        self,
        machine_type: str,
        *,
        date: str | None = None,
        project: str | None = None,
        machine: str | None = None,
        columns: Sequence[str] | None = None,
        dedup: bool = True,
    ) -> pa.Table:
        """Readings of a machine type as one table, (device, seq) duplicates dropped."""
        arrow = arrow_schema(machine_type)
        wanted = list(columns) if columns else arrow.names
        load = list(dict.fromkeys([*wanted, "device", "seq"])) if dedup else wanted
        tables = [
            pq.read_table(path, columns=[c for c in load if c in arrow.names])
            for path in self.files(machine_type, date=date, project=project, machine=machine)
        ]
        if not tables:
            return arrow.empty_table().select([c for c in wanted if c in arrow.names])
        table = pa.concat_tables(tables, promote_options="default")
        if dedup and table.num_rows:
            table = table.append_column("_row", pa.array(range(table.num_rows), pa.int64()))
            keep = table.group_by(["device", "seq"], use_threads=False).aggregate([("_row", "min")])
            rows = keep["_row_min"]
            table = table.take(pc.take(rows, pc.sort_indices(rows)))
            table = table.select(wanted)
        return table

    def count(self, machine_type: str | None = None, *, dedup: bool = True, **where: Any) -> int:
        """Readings in the lake (all machine types when None)."""
        types: Iterable[str] = [machine_type] if machine_type else schema.FIELDS.keys()
        total = 0
        for mt in types:
            if dedup:
                total += self.read(mt, columns=["device", "seq"], **where).num_rows
            else:
                total += sum(pq.ParquetFile(p).metadata.num_rows for p in self.files(mt, **where))
        return total

    def iter_records(self) -> Iterator[LakeRecord]:
        """Readings still in write-ahead segments (not yet in Parquet), for diagnostics."""
        for segment in sorted(self.wal_dir.glob("*.wal")):
            yield from read_segment(segment)[0]
