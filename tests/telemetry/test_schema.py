"""The telemetry message schema v1: what is accepted, what is refused and why."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhiyang.telemetry import schema
from zhiyang.telemetry.choices import MachineType

T0 = "2026-11-27T01:02:03.250Z"

VALID: dict[str, dict[str, Any]] = {
    "paver": {
        "speed_m_per_min": 3.1,
        "screed_temp_c": 152.0,
        "mat_temp_c": [148.5, 150.2, 151.0, 149.8],
        "mat_width_m": 7.5,
        "thickness_mm": 62,
    },
    "roller": {
        "heading_deg": 91.5,
        "speed_kmh": 3.2,
        "direction": "reverse",
        "drum_width_m": 2.13,
        "vibration": True,
        "frequency_hz": 45.0,
        "amplitude_mm": 0.6,
        "surface_temp_c": 131.0,
        "icmv": 42.0,
    },
    "sprayer": {"rate_l_per_m2": 0.45, "width_m": 3.5, "speed_kmh": 4.0, "product_temp_c": 60},
    "milling": {"depth_mm": 40, "width_m": 2.0, "speed_m_per_min": 8.0},
    "truck": {"speed_kmh": 0.0, "load_t": 28.5, "mix_temp_c": 168.0},
}


def message(machine_type: str = "roller", **changes: Any) -> dict[str, Any]:
    body = {"v": 1, "device": "DEV-1", "seq": 7, "t": T0, "lat": 40.1, "lon": 113.9}
    body.update(VALID[machine_type])
    body.update(changes)
    return {key: value for key, value in body.items() if value is not ...}


def test_every_machine_type_has_a_schema_and_a_choice() -> None:
    assert tuple(MachineType.values) == schema.MACHINE_TYPES == tuple(schema.FIELDS)
    assert set(schema.EQUIPMENT_TYPES.values()) == set(schema.MACHINE_TYPES)


@pytest.mark.parametrize("machine_type", schema.MACHINE_TYPES)
def test_a_valid_reading_of_each_type(machine_type: str) -> None:
    reading = schema.validate(message(machine_type), machine_type)
    assert reading.device == "DEV-1"
    assert reading.seq == 7
    assert reading.time_ms == 1_795_741_323_250  # 2026-11-27 01:02:03.250 UTC
    assert (reading.lat, reading.lon) == (40.1, 113.9)
    assert set(reading.values) == set(VALID[machine_type])


def test_time_as_milliseconds_or_with_an_offset_is_the_same_instant() -> None:
    a = schema.validate(message(t="2026-11-27T09:02:03.250+08:00"), "roller")
    b = schema.validate(message(t=1_795_741_323_250), "roller")
    assert a.time_ms == b.time_ms == 1_795_741_323_250


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"v": 2}, "bad_version"),
        ({"v": True}, "bad_version"),
        ({"device": ""}, "bad_device"),
        ({"device": "x" * 65}, "bad_device"),
        ({"seq": -1}, "bad_seq"),
        ({"seq": 1.5}, "bad_seq"),
        ({"seq": True}, "bad_seq"),
        ({"t": ...}, "missing_field"),
        ({"t": "2026-11-27T01:02:03"}, "bad_time"),  # no offset: ambiguous
        ({"t": "yesterday"}, "bad_time"),
        ({"t": -5}, "bad_time"),
        ({"t": "9999-12-31T23:59:59-14:00"}, "bad_time"),
        ({"t": "0001-01-01T00:00:00+00:00"}, "bad_time"),
        ({"lat": 91}, "out_of_range"),
        ({"lat": ...}, "missing_field"),
        ({"speed_kmh": ...}, "missing_field"),
        ({"speed_kmh": "3"}, "bad_value"),
        ({"speed_kmh": float("nan")}, "bad_value"),
        ({"speed_kmh": 31}, "out_of_range"),
        ({"drum_width_m": 0.1}, "out_of_range"),
        ({"vibration": 1}, "bad_value"),
        ({"direction": "sideways"}, "bad_value"),
        ({"mat_temp_c": [150.0]}, "unknown_field"),  # a paver field on a roller
        ({"speed_m_per_min": 3.0}, "unknown_field"),
    ],
)
def test_a_bad_reading_is_refused_with_a_stable_code(changes: dict[str, Any], code: str) -> None:
    with pytest.raises(schema.SchemaError) as caught:
        schema.validate(message(**changes), "roller")
    assert caught.value.code == code
    assert str(caught.value)


def test_paver_temperature_profile_is_bounded() -> None:
    with pytest.raises(schema.SchemaError, match="list"):
        schema.validate(message("paver", mat_temp_c=[]), "paver")
    with pytest.raises(schema.SchemaError, match="list"):
        schema.validate(message("paver", mat_temp_c=[150.0] * 257), "paver")
    with pytest.raises(schema.SchemaError) as caught:
        schema.validate(message("paver", mat_temp_c=[150.0, 400.0]), "paver")
    assert caught.value.code == "out_of_range"
    assert "mat_temp_c[1]" in str(caught.value)


def test_optional_fields_may_be_null() -> None:
    reading = schema.validate(message(icmv=None, surface_temp_c=None), "roller")
    assert "icmv" not in reading.values


def test_future_readings_are_refused_when_a_clock_is_given() -> None:
    now = 1_795_741_323_250 - 10 * 60 * 1000
    with pytest.raises(schema.SchemaError) as caught:
        schema.validate(message(), "roller", now_ms=now)
    assert caught.value.code == "future_time"
    schema.validate(message(), "roller", now_ms=now + 6 * 60 * 1000)


def test_the_description_covers_every_field() -> None:
    described = schema.describe()
    assert described["version"] == 1
    json.dumps(described)  # serialisable as is (the API serves it)
    for machine_type, fields in schema.FIELDS.items():
        assert set(described["types"][machine_type]) == set(fields)
    assert described["types"]["roller"]["speed_kmh"] == {
        "kind": "float",
        "required": True,
        "min": 0.0,
        "max": 30.0,
    }


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    machine_type=st.sampled_from(schema.MACHINE_TYPES),
    extra=st.dictionaries(
        st.sampled_from(["v", "device", "seq", "t", "lat", "lon", "speed_kmh", "mat_temp_c", "x"]),
        json_values,
        max_size=6,
    ),
)
def test_any_json_is_either_a_reading_or_a_schema_error(
    machine_type: str, extra: dict[str, Any]
) -> None:
    try:
        reading = schema.validate(message(machine_type, **extra), machine_type)
    except schema.SchemaError as error:
        assert error.code
    else:
        assert isinstance(reading.seq, int)
        assert isinstance(reading.time_ms, int)


@settings(max_examples=100, deadline=None)
@given(st.one_of(json_values, st.lists(json_values)))
def test_anything_that_is_not_an_object_is_refused(value: Any) -> None:
    if isinstance(value, dict):
        return
    with pytest.raises(schema.SchemaError):
        schema.validate(value, "truck")


def test_every_field_has_a_translated_label() -> None:
    from django.utils import translation

    from zhiyang.telemetry.labels import FIELD_LABELS, field_label

    names = set(schema.COMMON).union(*(set(fields) for fields in schema.FIELDS.values()))
    assert names <= set(FIELD_LABELS)
    for name in names:
        with translation.override("en"):
            english = field_label(name)
        with translation.override("zh-hans"):
            assert field_label(name) != english, name
