"""``zhiyang condition``: create a survey, import, rate, approve, template; clear errors."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from zhiyang.condition.models import Survey

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("condition", *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_command_flow(two_districts, tmp_path: Path) -> None:
    survey_id = run("create-survey", "G109", "2026-04-02", "--vendor", "检测公司")
    survey = Survey.objects.get(pk=int(survey_id))
    assert survey.vendor == "检测公司" and survey.status == "draft"
    table = tmp_path / "vehicle.csv"
    table.write_text(
        "起点桩号,终点桩号,IRI,车辙深度\n"
        + "".join(f"{k * 100},{k * 100 + 100},2.{k},6\n" for k in range(10)),
        encoding="utf-8",
    )
    summary = json.loads(run("import-intervals", survey_id, str(table)))
    assert summary["rows"] == 10 and summary["units"] == 1
    template = tmp_path / "template.xlsx"
    assert run("template", str(template)) == str(template)
    assert "distress_types" in load_workbook(template).sheetnames
    assert "1" in run("rate-survey", survey_id)
    run("approve", survey_id)
    survey.refresh_from_db()
    assert survey.status == "approved"


def test_command_errors_are_clear(two_districts, tmp_path: Path) -> None:
    survey_id = run("create-survey", "G109", "2026-04-02")
    bad = tmp_path / "bad.csv"
    bad.write_text("start_m,end_m,iri\n0,100,x\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        run("import-intervals", survey_id, str(bad))
    assert "row 2, iri" in str(exc.value)
    with pytest.raises(CommandError):
        run("import-intervals", "9999", str(bad))
    with pytest.raises(CommandError):
        run("import-intervals", survey_id, str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError):
        run("create-survey", "X999", "2026-04-02")
    with pytest.raises(CommandError):
        run("approve", survey_id)  # no units yet
