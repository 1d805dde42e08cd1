"""Import and export: round trips, whole-file validation, atomicity, Excel, scope."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from tests.network.helpers import coords_of
from zhiyang.core.actors import SYSTEM
from zhiyang.core.models import AuditLog
from zhiyang.network import importexport, linref
from zhiyang.network.importexport import (
    ImportValidationError,
    export_geojson,
    export_querysets,
    export_xlsx,
    import_network_data,
    import_network_file,
)
from zhiyang.network.models import District, Route, Section

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        District.objects.count(),
        Route.objects.count(),
        Section.objects.count(),
        AuditLog.objects.count(),
    )


def export_all() -> dict[str, Any]:
    districts, routes, sections = export_querysets()
    return export_geojson(districts=districts, routes=routes, sections=sections)


def wipe() -> None:
    Section.objects.all().delete()
    Route.objects.all().delete()
    District.objects.all().delete()


def test_import_creates_everything_with_audit(network_doc: Any, write_doc: Any) -> None:
    summary = import_network_file(write_doc(network_doc), actor=SYSTEM)
    assert summary.as_dict() == {
        "districts_created": 2,
        "districts_updated": 0,
        "routes_created": 2,
        "routes_updated": 0,
        "sections_created": 3,
        "sections_deleted": 0,
        "sections_unchanged": 0,
    }
    assert counts() == (2, 2, 3, 7)
    assert set(AuditLog.objects.values_list("resource", flat=True)) == {
        "network.district",
        "network.route",
        "network.section",
    }
    assert AuditLog.objects.filter(user=None, username="system").count() == 7
    first = Section.objects.get(route__code="G208", start_m=0)
    assert first.end_m == 4500  # "K4+500" was parsed
    # Section geometry is derived from the route between its chainages.
    route = first.route
    assert coords_of(first)[0] == pytest.approx(list(linref.point_at(route, 0)))
    assert coords_of(first)[-1] == pytest.approx(list(linref.point_at(route, 4500)), abs=2e-7)


def test_reimport_is_idempotent_and_export_round_trips(network_doc: Any, write_doc: Any) -> None:
    import_network_file(write_doc(network_doc), actor=SYSTEM)
    exported = export_all()
    before = counts()
    summary = import_network_file(write_doc(exported, "again.geojson"), actor=SYSTEM)
    assert summary.sections_unchanged == 3
    assert summary.sections_created == summary.routes_updated == 0
    assert counts() == before  # nothing changed, nothing audited
    # Export -> empty database -> import -> export gives the identical document.
    wipe()
    import_network_file(write_doc(exported, "again.geojson"), actor=SYSTEM)
    assert export_all() == exported


def test_xlsx_round_trip_matches_geojson(network_doc: Any, write_doc: Any) -> None:
    import_network_file(write_doc(network_doc), actor=SYSTEM)
    exported = export_all()
    districts, routes, sections = export_querysets()
    data = export_xlsx(districts=districts, routes=routes, sections=sections)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["districts", "routes", "sections"]
    assert [c.value for c in workbook["routes"][1]][-1] == "geometry"
    assert str(workbook["routes"]["I2"].value).startswith("LINESTRING (")
    wipe()
    summary = import_network_data(data, filename="network.xlsx", actor=SYSTEM)
    assert summary.routes_created == 2 and summary.sections_created == 3
    assert export_all() == exported


def test_sections_in_the_file_replace_the_routes_sections(network_doc: Any, write_doc: Any) -> None:
    import_network_file(write_doc(network_doc), actor=SYSTEM)
    doc = {"type": "FeatureCollection", "features": [network_doc["features"][6]]}
    doc["features"][0]["properties"]["end_m"] = 6000
    summary = import_network_file(write_doc(doc, "s203.geojson"), actor=SYSTEM)
    assert summary.sections_deleted == 1 and summary.sections_created == 1
    assert list(Section.objects.filter(route__code="S203").values_list("end_m", flat=True)) == [
        6000
    ]
    assert Section.objects.filter(route__code="G208").count() == 2  # untouched


def test_invalid_file_reports_every_error_and_writes_nothing(
    network_doc: Any, write_doc: Any
) -> None:
    import_network_file(write_doc(network_doc), actor=SYSTEM)
    before = counts()
    f = network_doc["features"]
    f[0]["properties"]["code"] = "14A213"  # 1: not digits
    f[1]["properties"]["name"] = ""  # 2: required
    f[2]["properties"]["admin_level"] = "state"  # 3: not a choice
    f[2]["properties"]["end_m"] = "K12-345"  # 3: malformed chainage
    f[3]["geometry"] = {"type": "LineString", "coordinates": [[113.1, 40.1]]}  # 4: geometry
    f[3]["properties"]["start_m"] = 20000  # 4: end before start
    f[4]["properties"]["route"] = "X999"  # 5: unknown route
    f[4]["properties"]["width_m"] = -3  # 5: width
    f[5]["properties"]["district"] = "999999"  # 6: unknown district
    f[5]["properties"]["lanes"] = 2.5  # 6: not whole
    f[5]["properties"]["start_m"] = "abc"  # 6: not a chainage
    f[6]["properties"]["start_m"] = 0  # 7: S203 is invalid in this file: no range check
    f.append({"type": "Feature", "geometry": None, "properties": {"kind": "bridge"}})  # 8
    f.append(
        {
            "type": "Feature",
            "geometry": None,  # 9: duplicate route code
            "properties": dict(f[3]["properties"], start_m=0),
        }
    )
    with pytest.raises(ImportValidationError) as excinfo:
        import_network_file(write_doc(network_doc), actor=SYSTEM)
    found = {(e.row, e.column) for e in excinfo.value.errors}
    assert found == {
        (1, "code"),
        (2, "name"),
        (3, "admin_level"),
        (3, "end_m"),
        (4, "geometry"),
        (4, "end_m"),
        (5, "route"),
        (5, "width_m"),
        (6, "district"),
        (6, "lanes"),
        (6, "start_m"),
        (8, "kind"),
        (9, "code"),
    }
    assert all(e.message for e in excinfo.value.errors)
    rows = [e.row for e in excinfo.value.errors]
    assert rows == sorted(rows)
    assert counts() == before


@pytest.mark.parametrize("in_file", [True, False])
def test_sections_must_lie_within_their_route(
    network_doc: Any, write_doc: Any, in_file: bool
) -> None:
    import_network_file(write_doc(network_doc), actor=SYSTEM)
    before = counts()
    features = network_doc["features"]
    section = features[6]  # S203 runs K2+000 to K11+000
    section["properties"].update(start_m=1000, end_m="K11+600")
    chosen = [features[3], section] if in_file else [section]
    doc = {"type": "FeatureCollection", "features": chosen}
    with pytest.raises(ImportValidationError) as excinfo:
        import_network_file(write_doc(doc, "range.geojson"), actor=SYSTEM)
    row = 2 if in_file else 1
    assert {(e.row, e.column) for e in excinfo.value.errors} == {(row, "start_m"), (row, "end_m")}
    assert counts() == before


def test_unknown_codes_in_the_database_are_accepted(network_doc: Any, write_doc: Any) -> None:
    import_network_file(write_doc(network_doc), actor=SYSTEM)
    # Only a section: its route and district are already in the database.
    doc = {"type": "FeatureCollection", "features": [network_doc["features"][4]]}
    summary = import_network_file(write_doc(doc, "one.geojson"), actor=SYSTEM)
    assert summary.sections_deleted == 2 and summary.sections_created == 1


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"not json", "x.geojson"),
        (b'{"type": "Feature"}', "x.json"),
        (b"garbage", "x.xlsx"),
        (b"a,b", "x.csv"),
    ],
)
def test_unreadable_files_are_refused(content: bytes, name: str) -> None:
    with pytest.raises(ImportValidationError) as excinfo:
        import_network_data(content, filename=name, actor=SYSTEM)
    assert excinfo.value.errors and excinfo.value.errors[0].row == 0
    assert counts() == (0, 0, 0, 0)


def test_xlsx_errors_name_sheet_row_and_column() -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheet = workbook.create_sheet("routes")
    sheet.append([*importexport.ROUTE_FIELDS, "geometry"])
    sheet.append(
        ["G1", "a", "", "national", "class1", "asphalt", 0, 1000, "LINESTRING (113 40, 113.01 40)"]
    )
    sheet.append([])  # blank rows are skipped
    sheet.append(["G2", "b", "", "national", "class9", "asphalt", 0, 1000, "POINT (1 2)"])
    sheet = workbook.create_sheet("sections")
    sheet.append(importexport.SECTION_FIELDS)
    sheet.append(["G1", "both", "K0+000", "K1+200", 2, 7, "asphalt", 140213])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportValidationError) as excinfo:
        import_network_data(buffer.getvalue(), filename="bad.xlsx", actor=SYSTEM)
    found = {(e.sheet, e.row, e.column) for e in excinfo.value.errors}
    assert found == {
        ("routes", 4, "tech_class"),
        ("routes", 4, "geometry"),
        ("sections", 2, "end_m"),
        ("sections", 2, "district"),
    }
    assert counts() == (0, 0, 0, 0)


def test_template_has_examples_and_bilingual_notes_and_imports() -> None:
    data = importexport.excel_template()
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames[:3] == ["districts", "routes", "sections"]
    for name, fields in (
        ("districts", importexport.DISTRICT_FIELDS),
        ("routes", [*importexport.ROUTE_FIELDS, "geometry"]),
        ("sections", importexport.SECTION_FIELDS),
    ):
        rows = list(workbook[name].iter_rows(values_only=True))
        assert list(rows[0]) == fields and len(rows) == 2
    notes = "\n".join(
        str(v) for row in workbook.worksheets[3].iter_rows(values_only=True) for v in row if v
    )
    assert "说明" in notes and "description" in notes
    for column in ("admin_level", "tech_class", "width_m", "geometry"):
        assert column in notes
    assert "national" in notes and "国道" in notes
    summary = import_network_data(data, filename="template.xlsx", actor=SYSTEM)
    assert summary.routes_created == summary.sections_created == 1
    assert Section.objects.get().geometry is not None


def test_scoped_user_cannot_import_outside_scope(
    two_districts: dict[str, Any], make_user: Any, write_doc: Any
) -> None:
    engineer = make_user(role="engineer", organisation=two_districts["org_east"])
    before = counts()
    doc: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": None,
                "properties": {
                    "kind": "section",
                    "route": "G109",
                    "start_m": 0,
                    "end_m": 500,
                    "lanes": 2,
                    "width_m": 7,
                    "pavement": "asphalt",
                    "district": "140226",
                },
            },
        ],
    }
    with pytest.raises(ImportValidationError):
        import_network_file(write_doc(doc), actor=engineer)
    assert counts() == before
    # Inside the scope it works, and replaces only the sections the user may touch.
    doc["features"][0]["properties"].update(route="S203", district="140221", end_m=2500)
    summary = import_network_file(write_doc(doc), actor=engineer)
    assert summary.sections_deleted == 1 and summary.sections_created == 1
    assert AuditLog.objects.filter(user=engineer).count() == 2


def test_export_respects_the_callers_querysets(
    two_districts: dict[str, Any], make_user: Any
) -> None:
    viewer = make_user(role="viewer", organisation=two_districts["org_east"])
    districts, routes, sections = export_querysets(viewer)
    doc = export_geojson(districts=districts, routes=routes, sections=sections)
    kinds = [
        (f["properties"]["kind"], f["properties"].get("code") or f["properties"]["route"])
        for f in doc["features"]
    ]
    assert kinds == [("district", "140221"), ("route", "S203"), ("section", "S203")]
    json.dumps(doc)  # serialisable


def test_excel_export_drops_characters_excel_cannot_store(two_districts: Any) -> None:
    District.objects.filter(pk=two_districts["east"].pk).update(name="阳高\x07县\x1f")
    body = export_xlsx(
        districts=District.objects.all(), routes=Route.objects.all(), sections=Section.objects.all()
    )
    names = [
        row[1]
        for row in load_workbook(io.BytesIO(body))["districts"].iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert "阳高县" in names


def test_a_geometry_too_long_for_an_excel_cell_is_a_clear_export_error(two_districts: Any) -> None:
    route = two_districts["g1"]
    coords = [[112.70 + i * 1e-5, 40.01] for i in range(2000)]
    Route.objects.filter(pk=route.pk).update(geometry={"type": "LineString", "coordinates": coords})
    with pytest.raises(importexport.ExportError, match="GeoJSON"):
        export_xlsx(districts=[], routes=Route.objects.all(), sections=[])


def test_control_characters_in_names_are_refused_by_row_and_column(
    network_doc: Any, write_doc: Any
) -> None:
    network_doc["features"][2]["properties"]["name_en"] = "Ring\x00Road"
    with pytest.raises(ImportValidationError) as caught:
        import_network_file(write_doc(network_doc), actor=SYSTEM)
    assert [(e.row, e.column) for e in caught.value.errors] == [(3, "name_en")]
    assert not Route.objects.exists()
