"""``zhiyang optimize PROBLEM.json``: the exact optimum on a file, the baselines, and clear
errors (field named, non-zero exit, no traceback) for malformed input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

PROBLEM = {
    "budgets": {"2027": 100.0, "2028": 50},
    "total_budget": 1000,
    "candidates": [
        {"id": "a", "unit": "u1", "year": 2027, "treatment": "fog_seal", "cost": 60, "benefit": 10},
        {"id": "b", "unit": "u1", "year": 2028, "treatment": "fog_seal", "cost": 50, "benefit": 8},
        {"id": "c", "unit": "u2", "year": 2027, "treatment": "chip_seal", "cost": 40, "benefit": 7},
        {"id": 4, "unit": 3, "year": "2028", "treatment": "thin_overlay", "cost": 50, "benefit": 9},
        {
            "id": "e",
            "unit": "u2",
            "year": 2027,
            "treatment": "mill_and_inlay",
            "cost": 100,
            "benefit": 20,
        },
    ],
}


def run(tmp_path: Path, problem: Any, *args: str) -> dict[str, Any]:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(problem) if not isinstance(problem, str) else problem)
    from io import StringIO

    out = StringIO()
    with translation.override("en"):
        call_command("optimize", str(path), *args, stdout=out)
    return json.loads(out.getvalue())


def test_exact_optimum(tmp_path: Path) -> None:
    result = run(tmp_path, PROBLEM)
    assert result["status"] == "optimal"
    assert result["objective"] == 29.0
    assert result["selected"] == [4, "e"]
    assert result["spend_by_year"] == {"2027": 100.0, "2028": 50.0}
    assert result["gap"] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("method", ["ibc", "worst-first"])
def test_baselines(tmp_path: Path, method: str) -> None:
    result = run(tmp_path, PROBLEM, "--method", method)
    assert result["status"] == "heuristic" and result["method"] == method
    assert result["objective"] <= 29.0
    assert result["spend_by_year"]["2027"] <= 100.0


def test_infeasible_budget_is_reported(tmp_path: Path) -> None:
    result = run(tmp_path, {"budgets": {"2027": -1}, "candidates": []})
    assert result["status"] == "infeasible" and result["selected"] == []


@pytest.mark.parametrize(
    ("problem", "needle"),
    [
        ("{not json", "JSON"),
        ([], "top level"),
        ({"candidates": []}, "budgets"),
        ({"budgets": {"2027": 1}}, "candidates"),
        ({"budgets": {"20x7": 1}, "candidates": []}, "budgets.20x7"),
        ({"budgets": {"2027": "1"}, "candidates": []}, "budgets.2027"),
        (
            {
                "budgets": {"2027": 1},
                "candidates": [{"id": 1, "unit": 1, "year": 2029, "cost": 1, "benefit": 1}],
            },
            "candidates[0].year",
        ),
        (
            {
                "budgets": {"2027": 1},
                "candidates": [{"id": 1, "unit": 1, "year": 2027, "cost": -1, "benefit": 1}],
            },
            "candidates[0].cost",
        ),
        (
            {"budgets": {"2027": 1}, "candidates": [{"id": 1, "unit": 1, "year": 2027, "cost": 1}]},
            "benefit",
        ),
        (
            {
                "budgets": {"2027": 1},
                "candidates": [{"id": 1, "unit": 1, "year": 2027, "cost": 1, "benefit": True}],
            },
            "candidates[0].benefit",
        ),
        (
            {
                "budgets": {"2027": 1},
                "candidates": [{"id": 1, "unit": [1], "year": 2027, "cost": 1, "benefit": 1}],
            },
            "candidates[0].unit",
        ),
        (
            {
                "budgets": {"2027": 1},
                "candidates": [{"id": 1, "unit": 1, "year": 2027, "cost": 1, "benefit": 1}] * 2,
            },
            "duplicate",
        ),
        ({"budgets": {"2027": 1}, "total_budget": "x", "candidates": []}, "total_budget"),
        ({"budgets": {"2027": 1}, "candidates": ["x"]}, "candidates[0]"),
    ],
)
def test_errors_name_the_field(tmp_path: Path, problem: Any, needle: str) -> None:
    with pytest.raises(CommandError) as exc:
        run(tmp_path, problem)
    assert needle in str(exc.value)


def test_missing_file() -> None:
    with pytest.raises(CommandError):
        call_command("optimize", "/nonexistent/problem.json")


def test_console_exit_code_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "budgets": {"2027": 1},
                "candidates": [{"id": 1, "unit": 1, "year": 2030, "cost": 1, "benefit": 1}],
            }
        )
    )
    good = tmp_path / "good.json"
    good.write_text(json.dumps(PROBLEM))
    cmd = [sys.executable, "-m", "zhiyang.cli", "optimize"]
    proc = subprocess.run(
        [*cmd, str(bad)], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and "candidates[0].year" in proc.stderr
    proc = subprocess.run(
        [*cmd, str(good)], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["objective"] == 29.0
