"""``zhiyang workzone`` (the checked JSON shape) and ``zhiyang safety escalate``."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from zhiyang.safety import services

ORDER = ["warning", "upstream_taper", "buffer", "work", "downstream_taper", "termination"]
BUFFER = {
    80: (120, 150),
    70: (100, 120),
    60: (80, 100),
    50: (60, 80),
    40: (50, 50),
    30: (40, 40),
    20: (40, 40),
}


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("workzone", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("speed", sorted(BUFFER))
@pytest.mark.parametrize("downgrade,band", [("0", 0), ("3", 0), ("3.5", 1)])
def test_json_shape_and_buffer(speed: int, downgrade: str, band: int) -> None:
    data = json.loads(
        _run(
            "--speed-limit",
            str(speed),
            "--downgrade-pct",
            downgrade,
            "--work-length",
            "500",
            "--format",
            "json",
        )
    )
    assert [z["zone"] for z in data["zones"]] == ORDER
    assert all(isinstance(z["length_m"], float) for z in data["zones"])
    assert data["zones"][2]["length_m"] == BUFFER[speed][band]
    assert data["zones"][3]["length_m"] == 500


def test_table_output() -> None:
    text = _run("--speed-limit", "60", "--work-length", "400", "--normal-speed", "100")
    assert "缓冲区" in text and "80 → 60" in text.replace("100 → 80 → 60", "80 → 60")


@pytest.mark.parametrize(
    "args",
    [
        ["--speed-limit", "100", "--work-length", "400"],
        ["--speed-limit", "60", "--work-length", "5000"],
        ["--speed-limit", "60", "--work-length", "-1"],
        ["--speed-limit", "60", "--work-length", "400", "--normal-speed", "40"],
    ],
)
def test_bad_arguments_are_command_errors(args: list[str]) -> None:
    with pytest.raises(CommandError):
        _run(*args)


def test_escalate_command(safety_world: dict[str, Any]) -> None:
    w = safety_world
    hazard, _c = services.report_hazard(
        actor=w["worker"],
        data={
            "route": w["g1"],
            "chainage_m": 5100.0,
            "description": "x",
            "reported_at": timezone.now() - dt.timedelta(days=9),
        },
    )
    services.assign_hazard(
        actor=w["officer"],
        hazard=hazard,
        assignee=w["worker"],
        deadline=timezone.localdate() - dt.timedelta(days=1),
    )
    out = io.StringIO()
    call_command("safety", "escalate", stdout=out)
    call_command("safety", "escalate", stdout=out)
    first, second = out.getvalue().splitlines()
    assert re.search(r"(^|\D)1(\D|$)", first) and re.search(r"(^|\D)0(\D|$)", second)
    listing = io.StringIO()
    call_command("safety", "overdue", stdout=listing)
    assert "G109" in listing.getvalue()
    with pytest.raises(CommandError):
        call_command("safety", "escalate", "--today", "yesterday")
