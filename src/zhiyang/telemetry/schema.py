"""The telemetry message schema, version 1: what a machine sends, per machine type.

A reading is one JSON object (one MQTT message, or one line of an HTTP NDJSON batch)::

    {"v": 1, "device": "DEV-PAVER-01", "seq": 1234, "t": "2026-11-27T01:02:03.250Z",
     "lat": 36.0612, "lon": 103.8342, "speed_m_per_min": 3.1, "screed_temp_c": 152.0,
     "mat_temp_c": [148.5, 150.2, 151.0, 149.8], "mat_width_m": 7.5, "thickness_mm": 62}

Common fields, for every machine type:

- ``v``: schema version, the integer 1;
- ``device``: the device code (as issued; over MQTT it must match the topic's device);
- ``seq``: the device's own sequence number, an integer ≥ 0 that increases by one per
  reading; (device, seq) identifies a reading, so a resent reading is dropped as a duplicate;
- ``t``: when it was measured, as an ISO 8601 time with a UTC offset (``Z`` or ``+08:00``),
  or as milliseconds since 1970-01-01 UTC (an integer);
- ``lat``, ``lon``: WGS 84 position in degrees (RTK GNSS on rollers and pavers).

Fields per machine type are in :data:`FIELDS` (units in the names). The machine type is not
sent: it is the type of the machine the device is mounted on. Unknown fields are rejected
(a misspelt field would otherwise be lost silently). Every number must be finite and lie in
the field's physical range; a reading that breaks any rule goes to the dead-letter store with
the reason, and the rest of its batch goes on.

Pure: no Django import, so the simulator, the benchmarks and the Dask workers share it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

VERSION = 1

#: The machine types that send telemetry (a subset of fleet's equipment types, grouped).
MachineType = Literal["paver", "roller", "sprayer", "milling", "truck"]
MACHINE_TYPES: tuple[str, ...] = ("paver", "roller", "sprayer", "milling", "truck")

#: fleet.EquipmentType value → telemetry machine type.
EQUIPMENT_TYPES: dict[str, str] = {
    "paver": "paver",
    "steel_drum_roller": "roller",
    "pneumatic_roller": "roller",
    "vibratory_roller": "roller",
    "asphalt_distributor": "sprayer",
    "milling_machine": "milling",
    "truck": "truck",
}

Kind = Literal["float", "bool", "float_list", "enum"]


@dataclass(frozen=True)
class Field:
    """One field of a reading: its kind, physical range (inclusive) and whether required."""

    kind: Kind
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False
    choices: tuple[str, ...] = ()
    max_items: int = 0  # float_list only


def _f(lo: float, hi: float, *, required: bool = False) -> Field:
    return Field("float", lo, hi, required)


#: Fields common to every machine type (besides v, device, seq, t).
COMMON: dict[str, Field] = {
    "lat": _f(-90.0, 90.0, required=True),
    "lon": _f(-180.0, 180.0, required=True),
}

FIELDS: dict[str, dict[str, Field]] = {
    "paver": {
        "speed_m_per_min": _f(0.0, 30.0, required=True),
        "screed_temp_c": _f(-40.0, 300.0),
        # Mat surface temperature across the width behind the screed, left edge first, at
        # equal spacing over mat_width_m (the infrared bar of AASHTO PP 80).
        "mat_temp_c": Field("float_list", -40.0, 300.0, max_items=256),
        "mat_width_m": _f(0.5, 20.0),
        "thickness_mm": _f(0.0, 500.0),
    },
    "roller": {
        "heading_deg": _f(0.0, 360.0),
        "speed_kmh": _f(0.0, 30.0, required=True),
        "direction": Field("enum", choices=("forward", "reverse", "stopped")),
        "drum_width_m": _f(0.3, 5.0, required=True),
        "vibration": Field("bool"),
        "frequency_hz": _f(0.0, 100.0),
        "amplitude_mm": _f(0.0, 5.0),
        "surface_temp_c": _f(-40.0, 300.0),
        "icmv": _f(0.0, 1000.0),
    },
    "sprayer": {
        "rate_l_per_m2": _f(0.0, 10.0, required=True),
        "width_m": _f(0.0, 10.0),
        "speed_kmh": _f(0.0, 40.0),
        "product_temp_c": _f(-40.0, 250.0),
    },
    "milling": {
        "depth_mm": _f(0.0, 500.0, required=True),
        "width_m": _f(0.0, 5.0),
        "speed_m_per_min": _f(0.0, 60.0),
    },
    "truck": {
        "speed_kmh": _f(0.0, 150.0),
        "load_t": _f(0.0, 80.0),
        "mix_temp_c": _f(-40.0, 300.0),
    },
}

MAX_DEVICE_CODE = 64
MAX_SEQ = 2**63 - 1
#: A reading measured further than this in the future (clock error) is rejected.
MAX_FUTURE_S = 300.0


class SchemaError(ValueError):
    """Why a reading was rejected: ``code`` is stable (for counting), the message human."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Reading:
    """A validated reading. ``time_ms`` is UTC milliseconds; ``values`` holds the type fields."""

    device: str
    seq: int
    time_ms: int
    lat: float
    lon: float
    values: Mapping[str, Any]


def parse_time_ms(value: Any) -> int:
    """``t`` as UTC milliseconds: an integer of milliseconds or an ISO 8601 time with offset."""
    if isinstance(value, bool):
        raise SchemaError("bad_time", "t must be an ISO 8601 time or milliseconds, not a boolean")
    if isinstance(value, int):
        if not 0 <= value < 2**53:
            raise SchemaError("bad_time", "t in milliseconds is out of range")
        return value
    if isinstance(value, str) and 10 <= len(value) <= 40:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise SchemaError("bad_time", f"t is not an ISO 8601 time: {value[:40]!r}") from None
        if parsed.tzinfo is None:
            raise SchemaError("bad_time", "t needs a UTC offset (Z or +08:00)")
        try:
            millis = round(parsed.astimezone(UTC).timestamp() * 1000)
        except (OverflowError, ValueError):
            raise SchemaError("bad_time", "t is out of range") from None
        if not 0 <= millis < 2**53:
            raise SchemaError("bad_time", "t is out of range")
        return millis
    raise SchemaError("bad_time", "t must be an ISO 8601 time with offset or milliseconds")


def _number(name: str, value: Any, spec: Field) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SchemaError("bad_value", f"{name} must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise SchemaError("bad_value", f"{name} must be finite")
    if (spec.minimum is not None and number < spec.minimum) or (
        spec.maximum is not None and number > spec.maximum
    ):
        raise SchemaError(
            "out_of_range", f"{name} = {number:g} is outside [{spec.minimum:g}, {spec.maximum:g}]"
        )
    return number


def _value(name: str, value: Any, spec: Field) -> Any:
    if spec.kind == "float":
        return _number(name, value, spec)
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise SchemaError("bad_value", f"{name} must be true or false")
        return value
    if spec.kind == "enum":
        if value not in spec.choices:
            raise SchemaError("bad_value", f"{name} must be one of {', '.join(spec.choices)}")
        return value
    if not isinstance(value, list) or not 1 <= len(value) <= spec.max_items:
        raise SchemaError("bad_value", f"{name} must be a list of 1 to {spec.max_items} numbers")
    return [_number(f"{name}[{i}]", item, spec) for i, item in enumerate(value)]


def validate(message: Any, machine_type: str, *, now_ms: int | None = None) -> Reading:
    """Check one decoded message against the schema of ``machine_type``; raise SchemaError."""
    if not isinstance(message, dict):
        raise SchemaError("not_object", "a reading must be a JSON object")
    if machine_type not in FIELDS:
        raise SchemaError("unknown_type", f"no telemetry schema for machine type {machine_type}")
    version = message.get("v")
    if version != VERSION or isinstance(version, bool):
        raise SchemaError("bad_version", f"v must be {VERSION}")
    device = message.get("device")
    if not isinstance(device, str) or not 1 <= len(device) <= MAX_DEVICE_CODE:
        raise SchemaError("bad_device", "device must be the device code")
    seq = message.get("seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= MAX_SEQ:
        raise SchemaError("bad_seq", "seq must be an integer ≥ 0")
    if "t" not in message:
        raise SchemaError("missing_field", "t is required")
    time_ms = parse_time_ms(message["t"])
    if now_ms is not None and time_ms > now_ms + MAX_FUTURE_S * 1000:
        raise SchemaError("future_time", "t is more than 5 minutes in the future")
    fields = FIELDS[machine_type]
    values: dict[str, Any] = {}
    for name, value in message.items():
        if name in ("v", "device", "seq", "t"):
            continue
        spec = COMMON.get(name) or fields.get(name)
        if spec is None:
            raise SchemaError(
                "unknown_field", f"{str(name)[:40]} is not a field of a {machine_type} reading"
            )
        if value is None and not spec.required:
            continue
        values[name] = _value(name, value, spec)
    for name, spec in (*COMMON.items(), *fields.items()):
        if spec.required and name not in values:
            raise SchemaError("missing_field", f"{name} is required for a {machine_type}")
    lat = values.pop("lat")
    lon = values.pop("lon")
    return Reading(device=device, seq=seq, time_ms=time_ms, lat=lat, lon=lon, values=values)


def describe() -> dict[str, Any]:
    """The schema as data (served by the API and printed in docs/telemetry.md)."""

    def field(spec: Field) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": spec.kind, "required": spec.required}
        if spec.minimum is not None:
            out["min"] = spec.minimum
            out["max"] = spec.maximum
        if spec.choices:
            out["choices"] = list(spec.choices)
        if spec.max_items:
            out["max_items"] = spec.max_items
        return out

    return {
        "version": VERSION,
        "common": {
            "v": {"kind": "int", "required": True, "value": VERSION},
            "device": {"kind": "string", "required": True, "max_length": MAX_DEVICE_CODE},
            "seq": {"kind": "int", "required": True, "min": 0},
            "t": {"kind": "time", "required": True},
            **{name: field(spec) for name, spec in COMMON.items()},
        },
        "types": {
            machine: {name: field(spec) for name, spec in fields.items()}
            for machine, fields in FIELDS.items()
        },
    }


@dataclass(frozen=True)
class Accepted:
    """A reading durably appended to the lake, with what the ingest resolved about it.

    The ingest hands lists of these to the live stage (``telemetry.live``) after the append:
    latest device state, live rules and alarms.
    """

    device_id: int
    device_code: str
    equipment_id: int
    machine_type: str
    project_id: int | None
    reading: Reading
