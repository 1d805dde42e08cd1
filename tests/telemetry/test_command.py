"""``zhiyang telemetry devices|add-device|issue-token``: devices from the command line."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhiyang.telemetry import credentials
from zhiyang.telemetry.models import Device


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("telemetry", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_register_a_device_issue_its_token_and_list_it(device_factory: Any) -> None:
    machine = device_factory(equipment_type="paver").equipment
    out, _err = run("add-device", "PAVER-T1", "--machine", machine.code)
    assert "PAVER-T1" in out
    device = Device.objects.get(code="PAVER-T1")
    assert device.machine_type == "paver"

    out, _err = run("issue-token", "PAVER-T1", "--format", "json")
    issued = json.loads(out)
    assert issued["topic"] == "zhiyang/v1/PAVER-T1/readings"
    device.refresh_from_db()
    assert device.token_hash == credentials.token_hash(issued["token"])  # stored hashed only
    assert issued["token"] not in (device.token_hash, device.mqtt_password_hash)

    token, note = run("issue-token", "PAVER-T1")  # rotating replaces the token
    assert token.strip() != issued["token"]
    assert "PAVER-T1" in note

    listed = json.loads(run("devices", "--format", "json")[0])
    row = next(r for r in listed if r["code"] == "PAVER-T1")
    assert row["machine"] == machine.code and row["token_issued"]


def test_clear_errors(device_factory: Any) -> None:
    truck = device_factory(equipment_type="truck").equipment
    with pytest.raises(CommandError, match="NOPE"):
        run("add-device", "X-1", "--machine", "NOPE")
    with pytest.raises(CommandError, match="NOPE"):
        run("issue-token", "NOPE")
    with pytest.raises(CommandError):
        run("add-device", "bad code!", "--machine", truck.code)
    sweeper = device_factory(equipment_type="truck").equipment
    sweeper.equipment_type = "sweeper"
    sweeper.save()
    with pytest.raises(CommandError):  # a sweeper sends no telemetry: no schema for it
        run("add-device", "SW-1", "--machine", sweeper.code)
    assert not Device.objects.filter(code__in=["X-1", "bad code!", "SW-1"]).exists()
