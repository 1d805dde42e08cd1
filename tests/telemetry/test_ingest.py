"""The Ingestor: validation, dead letters, duplicates, project resolution, live stage."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from tests import factories
from tests.telemetry.conftest import roller_reading
from zhiyang.telemetry import schema
from zhiyang.telemetry.ingest import Busy, Ingestor, Raw
from zhiyang.telemetry.lake import Lake
from zhiyang.telemetry.models import DeadLetter

pytestmark = pytest.mark.django_db


def raw(message: Any, device: str | None = None) -> Raw:
    return Raw(json.dumps(message).encode(), device)


@pytest.fixture
def lake(tmp_path: Path):
    lake = Lake(tmp_path / "lake").open()
    yield lake
    lake.close()


def test_accepts_rejects_and_dead_letters(lake: Lake, device_factory) -> None:
    device = device_factory(code="R-1")
    other = device_factory(code="R-2")
    inactive = device_factory(code="R-3", active=False)
    seen: list[list[schema.Accepted]] = []
    done = threading.Event()

    def on_accepted(items: list[schema.Accepted]) -> None:
        seen.append(items)
        done.set()

    ingestor = Ingestor(lake, on_accepted=on_accepted, transport="mqtt")
    batch = [
        raw(roller_reading("R-1", 1), "R-1"),
        raw(roller_reading("R-1", 2), "R-1"),
        raw(roller_reading("R-1", 1), "R-1"),  # duplicate
        Raw(b"{not json", "R-1"),
        raw(roller_reading("R-2", 1), "R-1"),  # another device's topic
        raw(roller_reading("R-1", 3, speed_kmh=99.0), "R-1"),
        raw(roller_reading("NOPE", 1)),
        raw(roller_reading("R-3", 1)),
        raw([1, 2]),
    ]
    result = ingestor.ingest(batch)
    assert (result.accepted, result.duplicates) == (2, 1)
    codes = [(r.index, r.code) for r in result.rejected]
    assert codes == [
        (3, "bad_json"),
        (4, "device_mismatch"),
        (5, "out_of_range"),
        (6, "unknown_device"),
        (7, "inactive_device"),
        (8, "not_object"),
    ]
    assert done.wait(5)
    ingestor.close()
    assert [a.reading.seq for a in seen[0]] == [1, 2]
    assert seen[0][0].device_id == device.pk
    assert seen[0][0].machine_type == "roller"
    letters = DeadLetter.objects.order_by("id")
    assert letters.count() == 6
    first = letters[0]
    assert (first.code, first.transport, first.device_id) == ("bad_json", "mqtt", device.pk)
    assert first.payload == "{not json"
    assert DeadLetter.objects.get(code="inactive_device").device_id == inactive.pk
    assert DeadLetter.objects.get(code="unknown_device").device_id is None
    assert other.pk


def test_payload_is_cut_to_4_kb(lake: Lake, device_factory) -> None:
    device_factory(code="R-9")
    message = roller_reading("R-9", 1, note="x" * 10_000)
    Ingestor(lake, on_accepted=None).ingest([raw(message, "R-9")])
    letter = DeadLetter.objects.get()
    assert letter.code == "unknown_field"
    assert len(letter.payload) == 4096


def test_seq_older_than_window_is_dead_lettered(tmp_path: Path, device_factory) -> None:
    device_factory(code="R-5")
    with Lake(tmp_path, dedup_window=16) as lake:
        ingestor = Ingestor(lake, on_accepted=None)
        assert ingestor.ingest([raw(roller_reading("R-5", 100))]).accepted == 1
        result = ingestor.ingest([raw(roller_reading("R-5", 10))])
    assert result.rejected[0].code == "seq_too_old"
    assert DeadLetter.objects.get().code == "seq_too_old"


def test_project_from_in_progress_work_order(lake: Lake, device_factory, two_districts) -> None:
    device = device_factory(code="R-7", organisation=two_districts["org_east"])
    project = factories.project(
        organisation=two_districts["org_east"],
        route=two_districts["g1"],
        code="PRJ-7",
        name="Overlay",
        start=dt.date(2026, 5, 1),
        end=dt.date(2026, 9, 1),
    )  # 0 to 1000 m, crack sealing
    order = factories.work_order(project, "paving", end=dt.date(2026, 6, 1), status="in_progress")
    order.equipment.add(device.equipment)
    items: list[schema.Accepted] = []
    ingestor = Ingestor(lake, on_accepted=items.extend)
    ingestor.ingest([raw(roller_reading("R-7", 1))])
    ingestor.close()
    assert items[0].project_id == project.pk
    lake.flush()
    assert lake.read("roller", project="PRJ-7").num_rows == 1


def test_live_stage_failure_does_not_break_ingest(lake: Lake, device_factory) -> None:
    device_factory(code="R-8")

    def boom(items: list[schema.Accepted]) -> None:
        raise RuntimeError("live stage down")

    ingestor = Ingestor(lake, on_accepted=boom)
    assert ingestor.ingest([raw(roller_reading("R-8", 1))]).accepted == 1
    assert ingestor.ingest([raw(roller_reading("R-8", 2))]).accepted == 1
    ingestor.close()


def test_busy_when_no_slot(lake: Lake) -> None:
    ingestor = Ingestor(lake, on_accepted=None, max_concurrent=1)
    ingestor._slots.acquire()
    with pytest.raises(Busy):
        ingestor.ingest([], wait_s=0.01)


def test_lake_and_schema_commands(lake: Lake, device_factory) -> None:
    from io import StringIO

    from django.core.management import call_command

    device_factory(code="R-C")
    Ingestor(lake, on_accepted=None).ingest([raw(roller_reading("R-C", i)) for i in range(3)])
    lake.flush()
    out = StringIO()
    call_command("telemetry", "lake", "--lake", str(lake.root), stdout=out)
    assert json.loads(out.getvalue())["readings"]["roller"] == 3
    out = StringIO()
    call_command("telemetry", "schema", stdout=out)
    assert json.loads(out.getvalue())["version"] == 1


def test_nul_characters_are_kept_out_of_the_database(lake: Lake) -> None:
    Ingestor(lake, on_accepted=None).ingest([Raw(b'{"device": "A\\u0000B"}\x00', "A\x00B")])
    letter = DeadLetter.objects.get()
    assert "\x00" not in letter.payload + letter.device_code + letter.reason


def test_deeply_nested_payload_is_a_dead_letter(lake: Lake, device_factory) -> None:
    """issue 22: 30,000 "[" fit in the 64 KB payload limit and used to recurse."""
    device_factory(code="R-1")
    ingestor = Ingestor(lake, transport="mqtt")
    result = ingestor.ingest([Raw(b"[" * 30_000 + b"]" * 30_000, "R-1")])
    ingestor.close()
    assert [r.code for r in result.rejected] == ["bad_json"]
