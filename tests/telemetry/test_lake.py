"""The lake: durable append, torn records, recovery, de-duplication, layout."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pyarrow as pa
import pytest

from zhiyang.telemetry import schema
from zhiyang.telemetry.lake import (
    DUPLICATE,
    OK,
    TOO_OLD,
    Dedup,
    Lake,
    LakeRecord,
    arrow_schema,
    read_segment,
    site_date,
)


def record(seq: int, device: str = "D1", *, t: int | None = None, project: str | None = "P1"):
    reading = schema.validate(
        {
            "v": 1,
            "device": device,
            "seq": seq,
            "t": t if t is not None else 1_790_000_000_000 + seq,
            "lat": 1.0,
            "lon": 2.0,
            "speed_m_per_min": 3.0,
            "mat_temp_c": [150.0, 151.5],
        },
        "paver",
    )
    return LakeRecord(machine_type="paver", machine="PV-01", project=project, reading=reading)


def test_append_flush_read(tmp_path: Path) -> None:
    with Lake(tmp_path) as lake:
        result = lake.append([record(i) for i in range(100)])
        assert result.accepted == 100
        again = lake.append([record(5), record(100)])
        assert again.status == [DUPLICATE, OK]
    lake = Lake(tmp_path)
    table = lake.read("paver")
    assert table.num_rows == 101
    assert table.schema == arrow_schema("paver")
    assert table.schema.field("time").type == pa.timestamp("ms", tz="UTC")
    assert table.column("mat_temp_c")[0].as_py() == [150.0, 151.5]
    assert table.column("thickness_mm").null_count == 101
    assert lake.count("paver") == 101
    assert lake.count() == 101
    assert not list((tmp_path / "_wal").glob("*.wal"))


def test_layout_site_date(tmp_path: Path) -> None:
    # 2026-11-26T17:00:00Z is 2026-11-27 01:00 in Shanghai.
    t = 1_795_712_400_000
    assert site_date(t) == "2026-11-27"
    with Lake(tmp_path) as lake:
        lake.append([record(1, t=t), record(2, t=t, project=None)])
    files = sorted(p.relative_to(tmp_path).parts[:4] for p in tmp_path.rglob("*.parquet"))
    assert files == [
        ("paver", "date=2026-11-27", "project=P1", "machine=PV-01"),
        ("paver", "date=2026-11-27", "project=_none", "machine=PV-01"),
    ]
    lake = Lake(tmp_path)
    assert lake.read("paver", project="P1").num_rows == 1
    assert lake.read("paver", date="2026-11-27", machine="PV-01").num_rows == 2
    assert lake.read("paver", date="2026-11-26").num_rows == 0
    assert lake.read("paver", columns=["seq"]).column_names == ["seq"]


def test_recovery_of_abandoned_segment_and_torn_tail(tmp_path: Path) -> None:
    lake = Lake(tmp_path).open()
    lake.append([record(i) for i in range(10)])
    segment = next((tmp_path / "_wal").glob("*.wal"))
    # Simulate a crash: a half-written record at the end and no close(); drop the lock.
    with open(segment, "ab") as handle:
        handle.write(struct.pack("<II", 500, 123) + b'{"half')
    records, _ = read_segment(segment)
    assert len(records) == 10
    os.close(lake._lock_fd)  # what the kernel does when the process dies
    lake._lock_fd = None
    lake._closing.set()

    second = Lake(tmp_path).open()
    assert not segment.exists()
    # Recovery rebuilt de-duplication from the recovered segment.
    assert second.append([record(3), record(10)]).status == [DUPLICATE, OK]
    second.close()
    assert Lake(tmp_path).count("paver", dedup=False) == 11


def test_conversion_is_idempotent(tmp_path: Path) -> None:
    from zhiyang.telemetry.lake import convert_segment

    lake = Lake(tmp_path).open()
    lake.append([record(i) for i in range(5)])
    segment = next((tmp_path / "_wal").glob("*.wal"))
    convert_segment(tmp_path, segment)  # a crash after the rename, before the delete ...
    convert_segment(tmp_path, segment)  # ... and recovery converting it again
    lake.close()
    assert Lake(tmp_path).count("paver", dedup=False) == 5


def test_live_writer_segments_are_not_taken(tmp_path: Path) -> None:
    first = Lake(tmp_path).open()
    first.append([record(1)])
    second = Lake(tmp_path).open()
    assert list((tmp_path / "_wal").glob(f"{first.writer_id}.*.wal"))
    second.close()
    first.close()
    assert Lake(tmp_path).count("paver") == 1


def test_segment_rolls_by_size(tmp_path: Path) -> None:
    with Lake(tmp_path, segment_bytes=2000) as lake:
        for i in range(50):
            lake.append([record(i)])
    assert len(list(tmp_path.rglob("*.parquet"))) >= 3
    assert Lake(tmp_path).count("paver") == 50


def test_reader_drops_duplicates_across_writers(tmp_path: Path) -> None:
    for _ in range(2):  # two writers that did not know of each other's readings
        with Lake(tmp_path) as lake:
            lake.dedup.state.clear()
            lake.append([record(i) for i in range(4)])
    lake = Lake(tmp_path)
    assert lake.count("paver", dedup=False) == 8
    assert lake.count("paver") == 4
    assert sorted(lake.read("paver").column("seq").to_pylist()) == [0, 1, 2, 3]


def test_dedup_window() -> None:
    dedup = Dedup(window=8)
    for seq in (10, 12, 11):
        assert dedup.check("d", seq) == OK
        dedup.add("d", seq)
    assert dedup.check("d", 12) == DUPLICATE
    assert dedup.check("d", 9) == OK
    assert dedup.check("d", 4) == TOO_OLD
    dedup.add("d", 100)
    assert dedup.check("d", 12) == TOO_OLD
    assert dedup.check("d", 99) == OK
    other = Dedup(window=8)
    other.merge(Dedup.parse(dedup.dump()))
    assert other.check("d", 100) == DUPLICATE


@pytest.mark.parametrize("machine_type", list(schema.FIELDS))
def test_every_type_has_a_schema(machine_type: str) -> None:
    names = arrow_schema(machine_type).names
    assert names[:5] == ["device", "seq", "time", "lat", "lon"]
    assert names[5:] == list(schema.FIELDS[machine_type])


def test_failed_write_is_not_remembered(tmp_path: Path, monkeypatch) -> None:
    lake = Lake(tmp_path).open()
    lake.append([record(1)])
    real_fsync = os.fsync

    def broken(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError):
        lake.append([record(2)])
    monkeypatch.setattr(os, "fsync", real_fsync)
    # The failed reading was not acknowledged: sent again, it is accepted, not a duplicate.
    assert lake.append([record(2), record(2)]).status == [OK, DUPLICATE]
    lake.close()
    assert Lake(tmp_path).count("paver") == 2
