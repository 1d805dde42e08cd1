"""``zhiyang sop list|show|load``."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhiyang.works.choices import Process

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("sop", *args, stdout=out)
    return out.getvalue()


def test_list_json_shape():
    rows = json.loads(_run("list", "--format", "json"))
    assert [r["code"] for r in rows] == sorted(Process.values)
    for row in rows:
        assert set(row) == {"code", "name", "version", "steps", "hold_points"}
        assert set(row["name"]) == {"zh-hans", "en"}
        assert row["name"]["zh-hans"] and row["name"]["en"]
        assert row["version"] == 1 and row["steps"] >= 4 and row["hold_points"] >= 1


def test_list_table_and_show():
    table = _run("list")
    assert "paving" in table and "work_zone" in table
    shown = _run("show", "rolling")
    assert "rolling v1" in shown and "rolling_start_temp_c" in shown
    data = json.loads(_run("show", "paving", "--format", "json"))
    assert data["version"] == 1 and data["steps"][0]["hold_point"] is True


def test_show_unknown_fails():
    with pytest.raises(CommandError):
        _run("show", "nope")


def test_load_is_idempotent():
    assert len(_run("load").strip().splitlines()) == 12
