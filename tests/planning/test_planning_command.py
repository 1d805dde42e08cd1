"""``zhiyang planning``: list scenarios, run one with progress, calibrate, write the annual
plan; clear errors (non-zero exit, no traceback) for what does not exist."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from zhiyang.planning.choices import ScenarioStatus
from zhiyang.planning.models import Calibration, PlanItem, ScenarioRun

pytestmark = pytest.mark.django_db


def _call(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("planning", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_run_list_and_plan(scenario: Any, tmp_path: Any) -> None:
    listed = json.loads(_call("scenarios", "--format", "json")[0])
    assert [(s["id"], s["status"], s["years"]) for s in listed] == [
        (scenario.pk, "draft", [2027, 2029])
    ]
    summary = json.loads(_call("run", str(scenario.pk), "--format", "json")[0])
    assert [level["pct"] for level in summary["levels"]] == [0, 50, 100, 150]
    assert summary["units"] > 0 and summary["candidates"] > 0
    assert ScenarioRun.objects.filter(scenario=scenario).count() == 4
    text, _err = _call("scenarios", "--organisation", scenario.organisation.code)
    assert str(ScenarioStatus.SOLVED.label) in text and "Test plan" in text  # translated
    # Text mode reports progress on stderr (the summary on stdout).
    text, err = _call("run", str(scenario.pk))
    assert "[ 92 %]" in err and text.count("\n") == 5  # the sizes, then one line a level

    out = tmp_path / "plan.xlsx"
    _call("plan", str(scenario.pk), "--year", "2027", "--level", "100", "--out", str(out))
    sheet = load_workbook(out).active
    items = PlanItem.objects.filter(run__scenario=scenario, run__budget_pct=100, year=2027)
    assert items.exists()
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert any("2027" in str(c) for c in cells)


def test_calibrate(surveyed: Any) -> None:
    rows = json.loads(_call("calibrate", surveyed["org_all"].code, "--format", "json")[0])
    assert rows and all(r["pairs"] >= 8 and r["rmse"] >= 0 for r in rows)
    assert Calibration.objects.filter(active=True).count() == len(rows)


def test_errors(scenario: Any, tmp_path: Any) -> None:
    with pytest.raises(CommandError, match="999"):
        _call("run", "999")
    with pytest.raises(CommandError, match="NOPE"):
        _call("calibrate", "NOPE")
    out = str(tmp_path / "plan.xlsx")
    with pytest.raises(CommandError, match="70"):  # not solved yet: no level at all
        _call("plan", str(scenario.pk), "--year", "2027", "--level", "70", "--out", out)
    _call("run", str(scenario.pk), "--format", "json")
    with pytest.raises(CommandError, match="2040"):
        _call("plan", str(scenario.pk), "--year", "2040", "--out", out)


def test_json_output_is_pure_json_even_when_highs_prints(scenario: Any, capfd: Any) -> None:
    """scipy's HiGHS wrote a diagnostic line with C printf on this scenario (file descriptor
    1); the MILPs go through highspy (HiGHS 1.15, logger off), and nothing touches fd 1."""
    call_command("planning", "run", str(scenario.pk), "--format", "json")
    captured = capfd.readouterr()
    summary = json.loads(captured.out)
    assert [level["pct"] for level in summary["levels"]] == [0, 50, 100, 150]
