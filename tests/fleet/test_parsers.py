"""ISO 15143-3 (AEMP 2.0) parsing across vendor dialects, units, datetimes and bad documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fleet.conftest import read
from zhiyang.fleet.telematics.parsers import (
    TelematicsDocumentError,
    parse_datetime,
    parse_document,
)


def one(name: str):
    doc = parse_document(read(name), filename=name)
    return doc, doc.machines


def test_iso_xml_with_namespace_and_attribute_datetimes() -> None:
    doc, machines = one("iso_fleet.xml")
    assert doc.format == "xml" and len(machines) == 2
    paver = machines[0]
    assert (paver.oem, paver.pin, paver.serial_number, paver.equipment_id) == (
        "Vögele",
        "VOG1800X10181234",
        "10181234",
        "VG-7788",
    )
    assert paver.latitude == pytest.approx(40.0812) and paver.longitude == pytest.approx(113.3021)
    # +08:00 is normalised to UTC.
    assert paver.location_at == datetime(2026, 5, 20, 1, 30, tzinfo=UTC)
    assert paver.operating_hours == 1523.4 and paver.idle_hours == 301.2
    assert paver.fuel_used_l == 40210 and paver.fuel_used_24h_l == 96.5
    assert paver.fuel_remaining_pct == 62.5 and paver.engine_running is True
    assert paver.snapshot_at == datetime(2026, 5, 20, 1, 30, tzinfo=UTC)
    fault = paver.faults[0]
    assert (fault.identifier, fault.severity, fault.source) == (
        "SPN 110 FMI 0",
        "High",
        "Engine ECU",
    )
    assert machines[1].pin == "" and machines[1].odometer_km == 1520.5
    assert doc.links["self"].endswith("/Fleet/1")


def test_prefixed_namespace_gallons_miles_feet_and_placeholders() -> None:
    _doc, (cat,) = one("cat_style.xml")
    assert cat.pin == "" and cat.equipment_id == ""  # "missing" placeholders
    assert cat.fuel_used_l == pytest.approx(3785.411784)  # 1000 US gallons
    assert cat.fuel_used_24h_l == pytest.approx(37.85411784)  # FuelUsedInThePreceding24Hours
    assert cat.odometer_km == pytest.approx(160.9344)  # 100 miles
    assert cat.altitude_m == pytest.approx(1005.84)  # 3300 ft
    assert (cat.fuel_unit, cat.distance_unit) == ("gallon", "mile")  # as reported
    assert cat.operating_hours == 2000.5 and cat.engine_running is False


def test_json_iso_names_with_fault_list_and_offset_snapshot_time() -> None:
    doc, (loader,) = one("komatsu_style.json")
    assert doc.format == "json"
    assert doc.snapshot_time == datetime(2026, 5, 20, 3, 0, tzinfo=UTC)
    assert loader.fuel_used_l == 88001  # CumulativeFuelUsed
    assert [f.identifier for f in loader.faults] == ["CA2185", "E03"]
    # A fault without its own time takes the machine's snapshot time.
    assert loader.faults[1].occurred_at == loader.snapshot_at


def test_camel_case_json_with_short_aliases() -> None:
    _doc, (deere,) = one("deere_style.json")
    assert deere.latitude == 40.07 and deere.longitude == 113.4  # lat / lon
    assert deere.operating_hours == 3300.25 and deere.idle_hours == 410  # operatingHours/hour
    assert deere.fuel_used_l == pytest.approx(2000 * 3.785411784)  # "US gallon"
    assert deere.odometer_km == pytest.approx(1609.344)
    assert deere.location_at == datetime(2026, 5, 20, 4, 0, tzinfo=UTC)  # -05:00


def test_flat_json_array_with_scalar_sections_and_ms_date() -> None:
    _doc, (volvo,) = one("volvo_flat.json")
    assert volvo.operating_hours == 650.5 and volvo.idle_hours == 120
    assert volvo.fuel_remaining_pct == 55 and volvo.engine_running is True
    assert volvo.snapshot_at == datetime(2026, 5, 20, 3, 0, tzinfo=UTC)


def test_aemp_1_2_naming_with_naive_utc_times() -> None:
    _doc, (hamm,) = one("aemp12_style.xml")
    assert (hamm.oem, hamm.serial_number) == ("HAMM", "H2070123")  # <Make>
    assert hamm.operating_hours == 819.5  # <Hours><TotalOperatingHours>
    assert hamm.odometer_km == 1530 and hamm.fuel_used_l == 5200
    assert hamm.snapshot_at == datetime(2026, 5, 20, 5, 40, tzinfo=UTC)  # naive = UTC


def test_attribute_values_read_like_elements() -> None:
    xml = b"""<Fleet><Equipment OEMName="HAMM" SerialNumber="S1">
      <Location datetime="2026-05-20T08:00:00Z" Latitude="40.1" Longitude="113.2"/>
      <OperatingHours datetime="2026-05-20T08:00:00Z" Hour="12.5"/>
    </Equipment></Fleet>"""
    (machine,) = parse_document(xml).machines
    assert machine.serial_number == "S1" and machine.latitude == 40.1
    assert machine.operating_hours == 12.5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-05-20T08:00:00Z", datetime(2026, 5, 20, 8, tzinfo=UTC)),
        ("2026-05-20T16:00:00+08:00", datetime(2026, 5, 20, 8, tzinfo=UTC)),
        ("2026-05-20 08:00:00", datetime(2026, 5, 20, 8, tzinfo=UTC)),  # naive = UTC
        ("2026-05-20T08:00:00.1234567Z", datetime(2026, 5, 20, 8, 0, 0, 123456, tzinfo=UTC)),
        ("1779264000", datetime(2026, 5, 20, 8, tzinfo=UTC)),
        ("/Date(1779264000000)/", datetime(2026, 5, 20, 8, tzinfo=UTC)),
        ("0001-01-01T00:00:00Z", None),
        ("yesterday", None),
    ],
)
def test_datetime_formats(text: str, expected: datetime | None) -> None:
    assert parse_datetime(text) == expected


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
    st.integers(min_value=-12 * 60, max_value=14 * 60),
)
def test_any_offset_round_trips_to_the_same_instant(moment: datetime, offset_min: int) -> None:
    from datetime import timedelta, timezone

    aware = moment.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=offset_min)))
    assert parse_datetime(aware.isoformat()) == aware.astimezone(UTC)


def _bad(data: bytes, **kw):
    with pytest.raises(TelematicsDocumentError) as info:
        parse_document(data, **kw)
    return info.value


def test_bad_xml_names_line_and_column() -> None:
    error = _bad(b"<Fleet><Equipment><PIN>X</Equipment></Fleet>")
    assert "line 1" in error.problems[0].path and "not well-formed" in error.problems[0].message


def test_xml_entities_are_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Fleet>&a;</Fleet>'
    assert "forbidden" in _bad(bomb).message()


def test_missing_identifiers_point_at_the_header() -> None:
    xml = b"""<Fleet><Equipment><EquipmentHeader><OEMName>HAMM</OEMName><PIN>missing</PIN>
      </EquipmentHeader><Location datetime="2026-05-20T08:00:00Z"><Latitude>40</Latitude>
      <Longitude>113</Longitude></Location></Equipment></Fleet>"""
    (problem,) = _bad(xml).problems
    assert problem.path == "/Fleet/Equipment[1]/EquipmentHeader[1]"
    assert "PIN" in problem.message


def test_every_problem_is_listed_with_its_place() -> None:
    doc = {
        "Fleet": {
            "Equipment": [
                {
                    "EquipmentHeader": {"PIN": "P1"},
                    "Location": {"datetime": "20.05.2026", "Latitude": 95, "Longitude": 113},
                    "CumulativeOperatingHours": {"Hour": "abc", "datetime": "2026-05-20T08:00:00Z"},
                    "FuelUsed": {"FuelUnits": "barrel", "FuelConsumed": 3},
                }
            ]
        }
    }
    error = _bad(json.dumps(doc).encode())
    places = {p.path: p.message for p in error.problems}
    assert "/Fleet/Equipment/0/Location/datetime" in places
    assert "/Fleet/Equipment/0/Location/Latitude" in places  # out of range
    assert "not a number" in places["/Fleet/Equipment/0/CumulativeOperatingHours/Hour"]
    assert "barrel" in places["/Fleet/Equipment/0/FuelUsed/FuelUnits"]


def test_machine_without_any_time_is_an_error() -> None:
    error = _bad(b'{"Equipment": [{"PIN": "P1", "OperatingHours": 5}]}')
    assert error.problems[0].path == "/Equipment/0" and "date and time" in error.problems[0].message


@pytest.mark.parametrize(
    "data", [b"", b"not a document", b'{"Fleet": ', b"[1, 2", b'"text"', b"<html><body/></html>"]
)
def test_junk_is_refused(data: bytes) -> None:
    _bad(data)


def test_problems_are_translated() -> None:
    from django.utils import translation

    with translation.override("zh-hans"):
        error = _bad(
            b'{"Equipment": [{"PIN": "P1", "OperatingHours": "abc", "snapshotTime": "2026-05-20"}]}'
        )
        assert error.problems[0].message == "“abc”不是数字。"
        assert error.message().startswith("远程监控文件格式有误，未导入任何数据")


T = "2026-05-20T08:00:00Z"
SHAPES = {
    "equipment-snapshot-root": "<Equipment><EquipmentHeader><PIN>P1</PIN></EquipmentHeader>"
    f'<CumulativeOperatingHours datetime="{T}"><Hour>7</Hour></CumulativeOperatingHours>'
    "</Equipment>",
    "data-wrapper-snake-case": '{"data": {"equipment": [{"pin": "P1", '
    f'"operating_hours": {{"hour": 7, "datetime": "{T}"}}}}]}}}}',
    "single-object-not-list": '{"Fleet": {"Equipment": {"EquipmentHeader": {"PIN": "P1"}, '
    f'"OperatingHours": 7, "snapshotTime": "{T}"}}}}}}',
}


@pytest.mark.parametrize("data", [s.encode() for s in SHAPES.values()], ids=list(SHAPES))
def test_document_shapes(data: bytes) -> None:
    (machine,) = parse_document(data).machines
    assert machine.pin == "P1" and machine.operating_hours == 7
    assert machine.snapshot_at == datetime(2026, 5, 20, 8, tzinfo=UTC)
