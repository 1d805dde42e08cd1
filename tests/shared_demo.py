"""The reference demo built once per test session and restored in milliseconds per test.

Loading the demo (network, organisations, users, every app's demo data, a simulated paving
shift) takes 5–15 s. Tests that need it used to load it each; now the first test that asks
for it builds it once (per session, per xdist worker) and every test gets the same rows:

1. Build (``demo_snapshot``, session scope, lazily on first use): with the database unblocked
   and outside any test transaction, remember the migrated database's rows (content types,
   permissions) in snapshot tables, load the demo (committed; ``on_commit`` callbacks are
   dropped as in a test transaction), copy every non-empty table into a snapshot table
   (``zz_demo_<n>``: plain ``CREATE TABLE ... AS SELECT``, no constraints, invisible to
   Django's flush, which only knows model tables), then put the migrated rows back, so tests
   that do not ask for the demo see the empty database they always saw. The lake (Parquet
   telemetry) and the media files the demo writes go to a session directory.
2. Restore (``restore_demo``, per test): ``DELETE`` + ``INSERT ... SELECT`` from the
   snapshot tables, inside the test's transaction (``db``: rolled back after the test, like
   any write the test makes) or committed (``transactional_db`` and the live server: the
   test's flush empties the tables afterwards). Foreign keys are deferred on both backends,
   so the order of the tables does not matter. Each test gets its own copy of the lake and
   media directories (a test that writes files never touches the shared copy).

The demo's clock-relative rows (a shift "ending now", check-ins "today") are as old as the
session; once the local date has changed since the build (a run across midnight), tests load
the demo themselves again, as they all did before.
"""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SQLITE_SEQUENCE = "sqlite_sequence"


@dataclass
class DemoSnapshot:
    """What the session's demo build left: snapshot tables, files and the summary."""

    directory: Path
    summary: Any = None  # zhiyang.demo.services.DemoSummary
    built_on: dt.date | None = None
    # model table -> snapshot table, for the demo's rows and the migrated database's rows
    demo_tables: dict[str, str] = field(default_factory=dict)
    base_tables: dict[str, str] = field(default_factory=dict)

    @property
    def lake(self) -> Path:
        return self.directory / "lake"

    @property
    def media(self) -> Path:
        return self.directory / "media"


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _tables() -> list[str]:
    names = sorted(connection.introspection.django_table_names(only_existing=True))
    if connection.vendor == "sqlite":
        names.append(SQLITE_SEQUENCE)  # AUTOINCREMENT counters, restored with the rows
    return names


def _non_empty(tables: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        out = []
        for table in tables:
            cursor.execute(f"SELECT 1 FROM {_quote(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone() is not None:
                out.append(table)
    return out


def _copy_out(tables: list[str], prefix: str) -> dict[str, str]:
    """Copy each table into a fresh snapshot table; model table -> snapshot table."""
    mapping = {}
    with connection.cursor() as cursor:
        for i, table in enumerate(tables):
            snap = f"{prefix}{i}"
            cursor.execute(f"DROP TABLE IF EXISTS {_quote(snap)}")
            cursor.execute(
                f"CREATE TABLE {_quote(snap)} AS SELECT * FROM {_quote(table)}"  # noqa: S608
            )
            mapping[table] = snap
    return mapping


def _copy_in(mapping: dict[str, str], clear: list[str]) -> None:
    """Empty ``clear`` and the mapped tables, then fill the mapped ones from their snapshots."""
    with transaction.atomic(), connection.cursor() as cursor:
        for table in sorted({*clear, *mapping}):
            cursor.execute(f"DELETE FROM {_quote(table)}")  # noqa: S608
            if table in mapping:
                cursor.execute(
                    f"INSERT INTO {_quote(table)} SELECT * FROM {_quote(mapping[table])}"  # noqa: S608
                )
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


def build(snapshot: DemoSnapshot) -> None:
    """Load the demo once and keep its rows in snapshot tables (see the module docstring)."""
    from zhiyang.demo.services import load_demo

    if connection.in_atomic_block:  # pragma: no cover - a fixture-order mistake
        raise RuntimeError("the shared demo must be built outside a test transaction")
    tables = _tables()
    snapshot.base_tables = _copy_out(_non_empty(tables), "zz_base_")
    for path in (snapshot.lake, snapshot.media):
        path.mkdir(parents=True, exist_ok=True)
    with (
        override_settings(
            PASSWORD_HASHERS=FAST_HASHERS,
            ZHIYANG_LAKE_DIR=str(snapshot.lake),
            MEDIA_ROOT=str(snapshot.media),
        ),
        transaction.atomic(),
    ):
        snapshot.summary = load_demo()
        # What a test transaction does with them: nothing (it is rolled back).
        connection.run_on_commit = []
    snapshot.built_on = timezone.localdate()
    snapshot.demo_tables = _copy_out(_non_empty(tables), "zz_demo_")
    _copy_in(snapshot.base_tables, clear=list(snapshot.demo_tables))


def restore(snapshot: DemoSnapshot, *, settings: Any, tmp_path: Path) -> Any:
    """Put the demo's rows into the test database and give the test its own lake and media
    directories; returns a copy of the demo's summary."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    lake, media = tmp_path / "demo-lake", tmp_path / "demo-media"
    settings.ZHIYANG_LAKE_DIR = str(lake)
    settings.MEDIA_ROOT = str(media)
    if snapshot.built_on != timezone.localdate():  # past midnight: "today" moved on
        from zhiyang.demo.services import load_demo

        return load_demo()
    shutil.copytree(snapshot.lake, lake)
    shutil.copytree(snapshot.media, media)
    _copy_in(snapshot.demo_tables, clear=[])
    return copy.deepcopy(snapshot.summary)


@pytest.fixture(scope="session")
def demo_snapshot(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoSnapshot]:
    """The session's demo, built on first use (session fixtures run before a test's own
    database fixtures, so this happens outside the test's transaction)."""
    snapshot = DemoSnapshot(directory=tmp_path_factory.mktemp("shared-demo"))
    with django_db_blocker.unblock():
        build(snapshot)
    yield snapshot


@pytest.fixture
def shared_demo(demo_snapshot: DemoSnapshot, db: Any, settings: Any, tmp_path: Path) -> Any:
    """The reference demo in this test's transaction (rolled back after it); its summary."""
    return restore(demo_snapshot, settings=settings, tmp_path=tmp_path)


@pytest.fixture
def shared_demo_committed(
    demo_snapshot: DemoSnapshot, transactional_db: Any, settings: Any, tmp_path: Path
) -> Any:
    """The reference demo committed (for threads and the live server; the test's flush
    empties the tables after it); its summary."""
    return restore(demo_snapshot, settings=settings, tmp_path=tmp_path)
