"""``zhiyang network ...`` sub-commands."""

from __future__ import annotations

import io
import json
import pathlib
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook

from zhiyang.network.models import Route, Section

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    """Run ``zhiyang network ...`` in English (messages follow the active language)."""
    out = io.StringIO()
    with translation.override("en"):
        call_command("network", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_summary_json_shape(two_districts: Any) -> None:
    output = run("summary", "--format", "json")
    assert output.strip().startswith('{"routes": ')
    data = json.loads(output)
    assert list(data) == ["routes", "length_km", "districts"]
    assert data == {"routes": 2, "length_km": 15.0, "districts": 2}


def test_summary_as_user_applies_the_scope(two_districts: Any, make_user: Any) -> None:
    make_user(role="viewer", organisation=two_districts["org_east"], username="east")
    data = json.loads(run("summary", "--format", "json", "--as-user", "east"))
    assert data == {"routes": 1, "length_km": 5.0, "districts": 1}
    with pytest.raises(CommandError):
        run("summary", "--as-user", "nobody")


def test_summary_text_and_empty_database(db: Any) -> None:
    assert json.loads(run("summary", "--format", "json")) == {
        "routes": 0,
        "length_km": 0.0,
        "districts": 0,
    }
    text = run("summary")
    assert "Routes" in text and "Districts" in text


def test_import_export_template(tmp_path: pathlib.Path, network_doc: Any, write_doc: Any) -> None:
    path = write_doc(network_doc)
    assert "Sections created          3" in run("import", str(path))
    assert Section.objects.count() == 3
    run("export", str(tmp_path / "out.geojson"))
    exported = json.loads((tmp_path / "out.geojson").read_text(encoding="utf-8"))
    assert len(exported["features"]) == 7
    run("export", str(tmp_path / "out.xlsx"))
    assert load_workbook(tmp_path / "out.xlsx").sheetnames == ["districts", "routes", "sections"]
    run("template", str(tmp_path / "template.xlsx"))
    assert "routes" in load_workbook(tmp_path / "template.xlsx").sheetnames
    with pytest.raises(CommandError):
        run("export", str(tmp_path / "out.csv"))


def test_import_failure_exits_1_and_writes_nothing(network_doc: Any, write_doc: Any) -> None:
    network_doc["features"][2]["properties"]["tech_class"] = "class9"
    err = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "network", "import", str(write_doc(network_doc)), stdout=io.StringIO(), stderr=err
        )
    assert excinfo.value.returncode == 1
    assert "row 3, tech_class" in err.getvalue()
    assert Route.objects.count() == 0


def test_chainage_and_locate(two_districts: Any) -> None:
    point = json.loads(run("chainage", "S203", "K2+500"))
    assert point["route"] == "S203" and point["chainage_m"] == 2500
    located = json.loads(run("locate", str(point["lon"]), str(point["lat"])))
    assert located["route"] == "S203"
    assert located["chainage_m"] == pytest.approx(2500, abs=0.05)
    with pytest.raises(CommandError):
        run("chainage", "S203", "K2-500")
    with pytest.raises(CommandError):
        run("chainage", "S203", "K9+000")
    with pytest.raises(CommandError):
        run("chainage", "NOPE", "K0+000")
