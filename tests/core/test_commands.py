"""Console commands: createuser, network summary after the demo, serve and worker."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from zhiyang.core.choices import Role
from zhiyang.core.management.commands import serve, worker
from zhiyang.core.models import AuditLog, Organisation, User

GOOD_PASSWORD = "Lantern-quarry-58-fold"


@pytest.fixture(autouse=True)
def fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    # Messages are matched in English whatever the default language.
    with translation.override("en"):
        yield


@pytest.fixture
def organisation(db: Any) -> Organisation:
    return Organisation.objects.create(code="datong", name="大同公路养护分部")


# --- createuser ------------------------------------------------------------------------------


def test_createuser_creates_an_audited_user(organisation: Organisation) -> None:
    out = StringIO()
    call_command(
        "createuser",
        "li.wei",
        "--role",
        "engineer",
        "--organisation",
        "datong",
        "--password",
        GOOD_PASSWORD,
        stdout=out,
    )
    user = User.objects.get(username="li.wei")
    assert user.role == Role.ENGINEER
    assert user.organisation == organisation
    assert user.check_password(GOOD_PASSWORD)
    assert user.password != GOOD_PASSWORD  # hashed
    assert not user.is_superuser
    entry = AuditLog.objects.get(resource="core.user", object_id=str(user.pk))
    assert entry.action == "create"
    assert entry.user is None  # the system
    assert entry.after is not None and entry.after["password"] == "***"
    assert "li.wei" in out.getvalue()


def test_createuser_password_from_stdin(organisation: Organisation) -> None:
    call_command(
        "createuser",
        "zhang.min",
        "--role",
        "viewer",
        "--organisation",
        "datong",
        "--password-stdin",
        stdin=StringIO(GOOD_PASSWORD + "\n"),
        stdout=StringIO(),
    )
    assert User.objects.get(username="zhang.min").check_password(GOOD_PASSWORD)


def test_createuser_superuser(db: Any) -> None:
    call_command(
        "createuser",
        "root2",
        "--role",
        "admin",
        "--superuser",
        "--password",
        GOOD_PASSWORD,
        stdout=StringIO(),
        stderr=StringIO(),
    )
    user = User.objects.get(username="root2")
    assert user.is_superuser and user.is_staff


def test_createuser_rejects_unknown_role(organisation: Organisation) -> None:
    with pytest.raises(CommandError, match="Unknown role"):
        call_command(
            "createuser",
            "x",
            "--role",
            "boss",
            "--organisation",
            "datong",
            "--password",
            GOOD_PASSWORD,
        )
    assert not User.objects.filter(username="x").exists()


def test_createuser_rejects_unknown_organisation(organisation: Organisation) -> None:
    with pytest.raises(CommandError, match="nowhere"):
        call_command(
            "createuser",
            "x",
            "--role",
            "viewer",
            "--organisation",
            "nowhere",
            "--password",
            GOOD_PASSWORD,
        )
    assert not User.objects.filter(username="x").exists()


@pytest.mark.parametrize("weak", ["123", "password", "12345678901", "wang.fang"])
def test_createuser_rejects_weak_password(organisation: Organisation, weak: str) -> None:
    with pytest.raises(CommandError):
        call_command(
            "createuser",
            "wang.fang",
            "--role",
            "worker",
            "--organisation",
            "datong",
            "--password",
            weak,
        )
    assert not User.objects.filter(username="wang.fang").exists()
    assert not AuditLog.objects.filter(resource="core.user").exists()


def test_createuser_rejects_duplicate(organisation: Organisation) -> None:
    args = ["createuser", "dup", "--role", "viewer", "--organisation", "datong"]
    call_command(*args, "--password", GOOD_PASSWORD, stdout=StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command(*args, "--password", GOOD_PASSWORD)
    assert User.objects.filter(username="dup").count() == 1


# --- network summary after the demo -----------------------------------------------------------


def test_network_summary_json_after_demo(db: Any) -> None:
    call_command("demo", "--no-serve", stdout=StringIO())
    out = StringIO()
    call_command("network", "summary", "--format", "json", stdout=out)
    summary = json.loads(out.getvalue())
    assert set(summary) == {"routes", "length_km", "districts"}
    assert summary["routes"] == 6
    assert summary["length_km"] == pytest.approx(109.7, abs=0.05)
    assert summary["districts"] == 8


# --- serve and worker: arguments ---------------------------------------------------------------


def test_gunicorn_options() -> None:
    options = serve.gunicorn_options(
        host="0.0.0.0",  # noqa: S104 - only the bind string is built
        port=8080,
        workers=3,
        threads=4,
        timeout=60,
    )
    assert options["bind"] == "0.0.0.0:8080"
    assert options["worker_class"] == "gthread"
    assert options["workers"] == 3
    assert options["accesslog"] == "-"
    ipv6 = serve.gunicorn_options(host="::1", port=8000, workers=1, threads=1, timeout=30)
    assert ipv6["bind"] == "[::1]:8000"
    assert 2 <= serve.default_workers() <= 8


@pytest.mark.parametrize(
    "args", [["--port", "0"], ["--port", "70000"], ["--workers", "0"], ["--threads", "0"]]
)
def test_serve_rejects_bad_arguments(args: list[str]) -> None:
    with pytest.raises(CommandError):
        call_command("serve", *args)


def test_worker_arguments() -> None:
    options = {
        "queues": "*",
        "exclude_queues": "",
        "interval": 1.0,
        "batch": True,
        "max_tasks": 5,
        "worker_id": "",
        "reload": False,
    }
    assert worker.worker_arguments(options) == [
        "--queue-name",
        "*",
        "--interval",
        "1.0",
        "--batch",
        "--max-tasks",
        "5",
        "--no-reload",
    ]


@pytest.mark.django_db(transaction=True)
def test_worker_batch_runs_and_exits() -> None:
    # With an empty queue, --batch returns at once. (The worker closes database connections
    # between tasks, so it cannot run inside the test's transaction.)
    call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())


# --- serve: a real gunicorn on a free port ------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes]:
    try:
        # Generous: the first schema request builds the whole OpenAPI document, which takes
        # seconds on a machine busy with other work (or with the other test workers).
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - local URL
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``zhiyang serve`` in a subprocess on its own SQLite database; yields the base URL."""
    data_dir = tmp_path_factory.mktemp("serve-data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHIYANG_")}
    env.update(
        ZHIYANG_DATA_DIR=str(data_dir),
        ZHIYANG_STATIC_STORAGE="django.contrib.staticfiles.storage.StaticFilesStorage",
        PYTHONUNBUFFERED="1",
    )
    command = [sys.executable, "-m", "zhiyang.cli"]
    subprocess.run([*command, "migrate", "--noinput", "-v", "0"], env=env, check=True, timeout=180)
    port = _free_port()
    log = Path(data_dir) / "serve.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [*command, "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None:
                    pytest.fail(f"serve exited early:\n{log.read_text()}")
                try:
                    if _get(f"{base}/health/")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"serve did not answer /health/:\n{log.read_text()}")
                time.sleep(0.3)
            yield base
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    assert "Zhiyang is serving at" in log.read_text() or "http://" in log.read_text()


def test_serve_answers_health(served: str) -> None:
    status, body = _get(f"{served}/health/")
    assert status == 200
    assert json.loads(body)["status"] == "ok"


def test_serve_serves_static_files(served: str) -> None:
    status, _body = _get(f"{served}/static/web/zhiyang.css")
    assert status == 200


def test_serve_openapi_and_refuses_anonymous_data(served: str) -> None:
    status, body = _get(f"{served}/api/v1/schema/?format=json")
    assert status == 200
    assert json.loads(body)["openapi"].startswith("3.")
    status, _body = _get(f"{served}/api/v1/network/routes/")
    assert status == 401
