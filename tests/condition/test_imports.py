"""Imports: good files write rows; bad files list errors by row and column and write nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.condition.conftest import interval_rows
from zhiyang.condition import services
from zhiyang.condition.imports import (
    ImportOptions,
    ImportValidationError,
    excel_template,
    run_import,
)
from zhiyang.condition.models import Distress, SurveyInterval, SurveyUnit
from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import AuditLog

pytestmark = pytest.mark.django_db

# The public example profiles (Sroubek et al. 2021, MIT), kept with the tests.
PROFILES = Path(__file__).resolve().parents[1] / "analytics" / "data" / "sroubek2021"


def xlsx(rows: list[list[object]], title: str = "Sheet") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(survey, kind, data, filename, **options):
    return run_import(
        actor=SYSTEM,
        survey=survey,
        kind=kind,
        data=data,
        filename=filename,
        options=ImportOptions(**options),
    )


def _nothing_written(survey, audit_before):
    assert SurveyInterval.objects.count() == 0 and SurveyUnit.objects.count() == 0
    assert Distress.objects.count() == 0 and AuditLog.objects.count() == audit_before


def test_csv_with_chinese_headers_and_chainages(survey):
    text = (
        "起点桩号,终点桩号,左IRI (m/km),右IRI (m/km),车辙深度(mm),横向力系数,构造深度,备注\n"
        "K0+000,K0+100,2.0,2.4,5.1,48,0.8,x\n"
        "K0+100,K0+200,2.2,2.6,-,47,0.7,\n"
        "200,300,2.1,2.5,5.5,46,0.7,\n"
    )
    summary = _import(survey, "intervals", text.encode("gb18030"), "vehicle.csv")
    assert summary["rows"] == 3 and summary["ignored_columns"] == ["备注"]
    assert summary["columns"] == ["iri_left", "iri_right", "rd_mm", "sfc", "mpd"]
    first = survey.intervals.order_by("start_m").first()
    assert (first.iri_left, first.iri_right, first.iri, first.rd_mm) == (2.0, 2.4, 2.2, 5.1)
    assert survey.intervals.get(start_m=100).rd_mm is None  # "-" = not measured
    assert survey.units.count() == 1 and survey.units.get().iri == pytest.approx(2.3)


def test_excel_in_english_and_a_down_survey_written_end_first(survey):
    survey.direction = "down"
    survey.save()
    data = xlsx(
        [
            ["start_m", "end_m", "iri", "rd_mm", "sfc", "mpd"],
            [1000, 900, 3.0, 8, 45, 0.6],
            [900, 800, 3.2, 9, 44, 0.6],
        ]
    )
    summary = _import(survey, "intervals", data, "down.xlsx")
    assert summary["intervals"]["created"] == 2
    assert list(survey.intervals.values_list("start_m", "end_m")) == [(800, 900), (900, 1000)]


@pytest.mark.parametrize("excel", [False, True])
def test_bad_interval_file_reports_every_error_and_writes_nothing(survey, excel):
    audit_before = AuditLog.objects.count()
    rows = [
        ["起点桩号", "终点桩号", "IRI", "车辙深度"],
        ["K0+000", "K0+100", "2.0", "5"],  # fine
        ["K0+100", "K0+200", "abc", "5"],  # row 3: not a number
        ["K0+150", "K0+250", "2.0", "5"],  # row 4: overlaps row 3
        ["K0+300", "K0+400", "2.0", "500"],  # row 5: rut out of range
        ["K0+400", "K1a+500", "2.0", "5"],  # row 6: not a chainage
        ["K20+000", "K20+100", "2.0", "5"],  # row 7: off the route (0–10 km)
    ]
    if excel:
        data, name = xlsx(rows), "bad.xlsx"
    else:
        data, name = "\n".join(",".join(r) for r in rows).encode(), "bad.csv"
    with pytest.raises(ImportValidationError) as exc:
        _import(survey, "intervals", data, name)
    where = {(e.row, e.column) for e in exc.value.errors}
    assert where == {
        (3, "IRI"),
        (4, "起点桩号"),
        (5, "车辙深度"),
        (6, "终点桩号"),
        (7, "起点桩号"),
    }
    assert "5" in exc.value.message()
    _nothing_written(survey, audit_before)


def test_missing_columns_and_wrong_type(survey):
    with pytest.raises(ImportValidationError) as exc:
        _import(survey, "intervals", b"from,iri\n0,2\n", "a.csv")
    assert [(e.row, e.column) for e in exc.value.errors] == [(1, "end_m")]
    with pytest.raises(ImportValidationError):
        _import(survey, "intervals", b"PK\x03\x04broken", "a.xlsx")
    with pytest.raises(ImportValidationError):
        _import(survey, "intervals", b"x", "a.pdf")
    assert SurveyInterval.objects.count() == 0


def test_distress_template_round_trip(survey):
    template = load_workbook(io.BytesIO(excel_template()))
    assert template.sheetnames == ["distress", "distress_types", "notes"]
    keys = [row[2] for row in template["distress_types"].iter_rows(min_row=2, values_only=True)]
    assert "alligator_light" in keys and "faulting_heavy" in keys
    services.write_intervals(
        actor=SYSTEM,
        survey=survey,
        rows=interval_rows(0, 2000, iri=2.0),
        fields=["iri"],
        source="t",
    )
    # the template as downloaded, its two example rows replaced by ours (one in Chinese)
    sheet = template["distress"]
    sheet.delete_rows(2, 2)
    sheet.append(["K0+100", "K0+130", "alligator", "light", 24.5, ""])
    sheet.append(["K0+480", "", "pothole", "heavy", 0.8, ""])
    sheet.append(["K1+200", "K1+260", "纵向裂缝", "重", 60, "贯通"])
    sheet.append(["K1+500", None, "泛油", None, 12, None])
    buffer = io.BytesIO()
    template.save(buffer)
    summary = _import(survey, "distress", buffer.getvalue(), "distress.xlsx")
    assert summary["distress_created"] == 4
    crack = Distress.objects.get(distress="longitudinal_crack")
    assert (crack.severity, crack.unit, crack.quantity, crack.note) == ("heavy", "m", 60, "贯通")
    assert crack.district == survey.route.sections.get().district and crack.survey == survey
    assert Distress.objects.get(distress="bleeding").severity == ""
    assert all(u.dr is not None and u.dr > 0 for u in survey.units.all())
    # importing again replaces the survey's imported records
    _import(survey, "distress", buffer.getvalue(), "distress.xlsx")
    assert Distress.objects.count() == 4


def test_bad_distress_rows(survey):
    audit_before = AuditLog.objects.count()
    data = xlsx(
        [
            ["起点桩号", "终点桩号", "病害类型", "严重程度", "数量", "备注"],
            ["K0+100", "", "龟裂", "轻", 5, ""],  # fine
            ["K0+200", "", "unknown", "轻", 5, ""],  # row 3: unknown distress
            ["K0+300", "", "龟裂", "极重", 5, ""],  # row 4: no such severity
            ["K0+400", "", "坑槽", "重", 0, ""],  # row 5: quantity 0
            ["K0+500", "", "错台", "重", 2, ""],  # row 6: a concrete distress on asphalt
            ["K30+000", "", "坑槽", "重", 1, ""],  # row 7: off the route
        ],
        title="distress",
    )
    with pytest.raises(ImportValidationError) as exc:
        _import(survey, "distress", data, "d.xlsx")
    assert {(e.row, e.column) for e in exc.value.errors} == {
        (3, "病害类型"),
        (4, "严重程度"),
        (5, "数量"),
        (6, "病害类型"),
        (7, "起点桩号"),
    }
    assert all(e.sheet == "distress" for e in exc.value.errors)
    _nothing_written(survey, audit_before)


def test_profile_import_computes_iri_per_wheel_path(survey):
    data = (PROFILES / "profile_1.txt").read_bytes()
    summary = _import(survey, "profile", data, "profile_1.txt", segment_length_m=100.0)
    assert summary["samples"] > 2000 and summary["rows"] == 5  # 478–1022 m: 5 full 100 m
    first = survey.intervals.order_by("start_m").first()
    assert (first.start_m, first.end_m) == (478.0, 578.0)
    assert 0.5 < first.iri_left < 10 and first.iri_right is None and first.iri == first.iri_left
    # the same profile as the right wheel path, placed at K2+000, fills the other column
    summary = _import(
        survey,
        "profile",
        data,
        "profile_1.txt",
        segment_length_m=100.0,
        wheel_path="right",
        start_m=478.0,
    )
    assert summary["intervals"]["updated"] == 5
    first.refresh_from_db()
    assert first.iri_right == pytest.approx(first.iri_left)


def test_bad_profile_names_the_line(survey):
    with pytest.raises(ImportValidationError) as exc:
        _import(survey, "profile", b"0 1.0\n0.25 1.0\n0.5 x\n", "p.txt")
    assert exc.value.errors[0].row == 3
    with pytest.raises(ImportValidationError):  # too short for the IRI
        _import(survey, "profile", b"0 1.0\n0.25 1.0\n0.5 1.0\n", "p.txt")
    assert SurveyInterval.objects.count() == 0
