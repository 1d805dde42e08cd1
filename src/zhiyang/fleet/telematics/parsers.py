"""Parse ISO 15143-3 (AEMP 2.0) fleet snapshots, XML or JSON, from many vendors' dialects.

Vendors differ in case (``SerialNumber``/``serialNumber``), namespaces, element vs attribute
(``<Location datetime="…">`` vs ``<datetime>``), aliases (``CumulativeOperatingHours/Hour``
vs ``OperatingHours``, ``Latitude``/``Lat``) and units (litres/gallons, km/miles). Both formats
are first turned into one neutral tree of ``Node``s keyed by a normalised name (lower case,
letters and digits only), then read through alias lists. The whole document is validated:
every problem is collected with its place (an XML element path or a JSON pointer) and a bad
document raises ``TelematicsDocumentError`` before anything is written.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

from zhiyang.core import jsonsafe

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

# Conversion factors to the stored units (litres, kilometres, metres), by normalised unit name.
FUEL_TO_LITRES: dict[str, float] = {
    "l": 1.0,
    "litre": 1.0,
    "litres": 1.0,
    "liter": 1.0,
    "liters": 1.0,
    "ltr": 1.0,
    "gallon": 3.785411784,  # US gallon, the AEMP default for "gallon"
    "gallons": 3.785411784,
    "gal": 3.785411784,
    "usgallon": 3.785411784,
    "usgallons": 3.785411784,
    "gallonus": 3.785411784,
    "impgallon": 4.54609,
    "imperialgallon": 4.54609,
    "imperialgallons": 4.54609,
    "gallonuk": 4.54609,
    "ukgallon": 4.54609,
}
DISTANCE_TO_KM: dict[str, float] = {
    "km": 1.0,
    "kilometre": 1.0,
    "kilometres": 1.0,
    "kilometer": 1.0,
    "kilometers": 1.0,
    "mile": 1.609344,
    "miles": 1.609344,
    "mi": 1.609344,
    "m": 0.001,
    "metre": 0.001,
    "metres": 0.001,
    "meter": 0.001,
    "meters": 0.001,
}
ALTITUDE_TO_M: dict[str, float] = {
    "m": 1.0,
    "metre": 1.0,
    "metres": 1.0,
    "meter": 1.0,
    "meters": 1.0,
    "ft": 0.3048,
    "foot": 0.3048,
    "feet": 0.3048,
}
# Placeholders some providers send instead of leaving an identifier out.
EMPTY_VALUES = frozenset({"", "missing", "unknown", "n/a", "na", "null", "none", "-"})

# Accepted names (normalised: lower case, letters and digits only), first = ISO 15143-3 name.
EQUIPMENT = ("equipment", "machine", "asset", "equipments", "machines", "assets")
HEADER = ("equipmentheader", "header", "equipmentinfo")
OEM = ("oemname", "oem", "make", "manufacturer", "brand")
MODEL = ("model", "modelname")
EQUIPMENT_ID = ("equipmentid", "equipmentidentifier", "unitid", "assetid", "id")
SERIAL = ("serialnumber", "serial", "serialno", "sn")
PIN = ("pin", "productidentificationnumber", "vin")
LOCATION = ("location", "lastknownlocation", "position", "gpslocation", "gps")
LATITUDE = ("latitude", "lat")
LONGITUDE = ("longitude", "lon", "lng", "long")
ALTITUDE = ("altitude", "alt", "elevation")
ALTITUDE_UNITS = ("altitudeunits", "altitudeunit", "units", "unit")
DATETIME = ("datetime", "timestamp", "time", "datetimeutc", "reportedat", "reporttime", "date")
OPERATING = (
    "cumulativeoperatinghours",
    "operatinghours",
    "cumulativeenginehours",
    "enginehours",
    "hourmeter",
    "smu",
    "hours",  # AEMP 1.2: <Hours><TotalOperatingHours>
)
IDLE = ("cumulativeidlehours", "idlehours", "cumulativeidleoperatinghours", "idletime")
HOUR_VALUE = ("hour", "hours", "totaloperatinghours", "totalhours", "value", "total")
FUEL_USED = ("fuelused", "cumulativefuelused", "totalfuelused", "fuelconsumption")
FUEL_24H = (
    "fuelusedlast24",
    "fuelusedinthepreceding24hours",
    "fuelusedlast24hours",
    "fuelused24h",
    "fuelused24",
)
FUEL_UNITS = ("fuelunits", "fuelunit", "units", "unit")
FUEL_VALUE = ("fuelconsumed", "fuelused", "value", "amount", "quantity")
FUEL_REMAINING = ("fuelremaining", "fuelremainingratio", "fuellevel")
PERCENT = ("percent", "percentage", "value", "ratio")
DISTANCE = ("distance", "odometer", "cumulativedistance", "cumulativedistancetravelled")
DISTANCE_UNITS = ("odometerunits", "distanceunits", "odometerunit", "units", "unit")
DISTANCE_VALUE = ("odometer", "distance", "value", "total")
ENGINE = ("enginestatus", "engine", "enginecondition")
RUNNING = ("running", "enginerunning", "status", "value", "state")
FAULTS = ("faultcodes", "faultcode", "faults", "fault", "diagnosticcodes", "cautioncodes")
CODE_ID = ("codeidentifier", "identifier", "code", "faultcode", "id")
CODE_DESC = ("codedescription", "description", "desc", "text")
CODE_SEVERITY = ("codeseverity", "severity", "level", "priority")
CODE_SOURCE = ("codesource", "source", "component")
LINKS = ("links", "link")
LINK_REL = ("rel",)
LINK_HREF = ("href", "url", "uri")
SNAPSHOT_TIME = ("snapshottime", "snapshotdatetime", "snapshot")
FLEET = ("fleet", "fleetsnapshot", "data", "result")


def norm(name: str) -> str:
    """A name without namespace, case or punctuation: ``{ns}Serial_Number`` -> ``serialnumber``."""
    local = name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
    return re.sub(r"[^0-9a-z]", "", local.lower())


@dataclass
class Node:
    """A neutral element: its name, where it is (``path``), its text and its children.

    XML attributes and JSON object members both become children, so ``datetime="…"`` and
    ``<datetime>…</datetime>`` read the same.
    """

    name: str
    path: str
    text: str | None = None
    children: list[Node] = field(default_factory=list)

    def all(self, aliases: Iterable[str]) -> list[Node]:
        wanted = tuple(aliases)
        found = [c for c in self.children if norm(c.name) in wanted]
        # Prefer the earliest alias (the ISO name) when several are present.
        found.sort(key=lambda c: wanted.index(norm(c.name)))
        return found

    def first(self, aliases: Iterable[str]) -> Node | None:
        found = self.all(aliases)
        return found[0] if found else None

    def value(self, aliases: Iterable[str]) -> Node | None:
        """The first matching child that carries text (a leaf)."""
        for child in self.all(aliases):
            if child.text is not None and child.text.strip() != "":
                return child
        return None


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document: where (element path or JSON pointer) and what."""

    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class TelematicsDocumentError(Exception):
    """A document that cannot be imported; ``problems`` says what and where."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems

    def message(self) -> str:
        count = len(self.problems)
        head = "; ".join(str(p) for p in self.problems[:3])
        more = _(" (and %(n)d more)") % {"n": count - 3} if count > 3 else ""
        return _(
            "The telematics document is malformed, nothing was imported: %(problems)s%(more)s"
        ) % {
            "problems": head,
            "more": more,
        }


@dataclass
class FaultReading:
    identifier: str
    description: str
    severity: str
    source: str
    occurred_at: datetime | None
    path: str


@dataclass
class MachineReading:
    """One machine of a snapshot, normalised (litres, kilometres, metres, aware UTC times)."""

    path: str
    oem: str = ""
    model: str = ""
    equipment_id: str = ""
    serial_number: str = ""
    pin: str = ""
    snapshot_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    altitude_m: float | None = None
    location_at: datetime | None = None
    operating_hours: float | None = None
    idle_hours: float | None = None
    fuel_used_l: float | None = None
    fuel_used_24h_l: float | None = None
    fuel_remaining_pct: float | None = None
    odometer_km: float | None = None
    engine_running: bool | None = None
    fuel_unit: str = ""
    distance_unit: str = ""
    faults: list[FaultReading] = field(default_factory=list)

    def identity(self) -> dict[str, str]:
        return {
            "oem": self.oem,
            "model": self.model,
            "pin": self.pin,
            "serial_number": self.serial_number,
            "equipment_id": self.equipment_id,
        }

    def label(self) -> str:
        for value in (self.pin, self.serial_number, self.equipment_id):
            if value:
                return f"{self.oem} {value}".strip()
        return self.path


@dataclass
class ParsedDocument:
    format: str
    machines: list[MachineReading]
    links: dict[str, str]
    snapshot_time: datetime | None = None


# ---------------------------------------------------------------- building the neutral tree


def _xml_tree(data: bytes) -> Node:
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as exc:
        raise TelematicsDocumentError(
            [
                Problem(
                    "",
                    _("The XML uses a forbidden construct (%(what)s).")
                    % {"what": type(exc).__name__},
                )
            ]
        ) from exc
    except SafeET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise TelematicsDocumentError(
            [
                Problem(
                    _("line %(line)d, column %(column)d") % {"line": line, "column": column},
                    _("The XML is not well-formed (%(reason)s).") % {"reason": exc},
                )
            ]
        ) from exc

    _check_xml_depth(root)

    def build(element: Any, path: str) -> Node:
        node = Node(name=element.tag, path=path)
        for key, value in element.attrib.items():
            node.children.append(
                Node(name=key, path=f"{path}/@{key.rsplit('}', 1)[-1]}", text=value)
            )
        counts: dict[str, int] = {}
        for child in element:
            if not isinstance(child.tag, str):
                continue  # comments, processing instructions
            local = child.tag.rsplit("}", 1)[-1]
            counts[local] = counts.get(local, 0) + 1
            node.children.append(build(child, f"{path}/{local}[{counts[local]}]"))
        text = (element.text or "").strip()
        if text and not node.children:
            node.text = text
        elif text and all(norm(c.name) != "value" for c in node.children):
            # <Hour unit="h">12.5</Hour>: text next to attributes is the value.
            node.text = text
        return node

    local = root.tag.rsplit("}", 1)[-1]
    return build(root, f"/{local}")


def _too_deep() -> TelematicsDocumentError:
    return TelematicsDocumentError([Problem("", jsonsafe.too_deep_message(jsonsafe.MAX_DEPTH))])


def _check_xml_depth(root: Any) -> None:
    """The tree is built recursively: refuse one deeper than ``jsonsafe.MAX_DEPTH`` first."""
    stack = [(root, 1)]
    while stack:
        element, level = stack.pop()
        if level > jsonsafe.MAX_DEPTH:
            raise _too_deep()
        stack.extend((child, level + 1) for child in element)


def _json_tree(data: bytes) -> Node:
    try:
        doc = jsonsafe.loads(data.decode("utf-8-sig"))
    except jsonsafe.TooDeep as exc:
        raise _too_deep() from exc
    except UnicodeDecodeError as exc:
        raise TelematicsDocumentError([Problem("", _("The JSON is not UTF-8 text."))]) from exc
    except json.JSONDecodeError as exc:
        raise TelematicsDocumentError(
            [
                Problem(
                    _("line %(line)d, column %(column)d")
                    % {"line": exc.lineno, "column": exc.colno},
                    _("The JSON is not valid (%(reason)s).") % {"reason": exc.msg},
                )
            ]
        ) from exc

    def escape(key: str) -> str:
        return key.replace("~", "~0").replace("/", "~1")

    def build(name: str, value: Any, path: str) -> list[Node]:
        if isinstance(value, list):
            nodes: list[Node] = []
            for i, item in enumerate(value):
                nodes.extend(build(name, item, f"{path}/{i}"))
            return nodes
        node = Node(name=name, path=path or "/")
        if isinstance(value, dict):
            for key, item in value.items():
                node.children.extend(build(str(key), item, f"{path}/{escape(str(key))}"))
        elif value is None:
            node.text = None
        elif isinstance(value, bool):
            node.text = "true" if value else "false"
        else:
            node.text = str(value)
        return [node]

    if isinstance(doc, list):
        root = Node(name="fleet", path="/")
        root.children = build("equipment", doc, "")
        return root
    if not isinstance(doc, dict):
        raise TelematicsDocumentError([Problem("/", _("Expected a JSON object or array."))])
    return build("fleet", doc, "")[0]


def detect_format(data: bytes, *, filename: str = "", content_type: str = "") -> str:
    """``xml`` or ``json``, from the content type, the file name or the first character."""
    content_type = content_type.lower()
    if "json" in content_type:
        return "json"
    if "xml" in content_type:
        return "xml"
    lower = filename.lower()
    if lower.endswith(".json"):
        return "json"
    if lower.endswith(".xml"):
        return "xml"
    head = data.lstrip()[:1]
    if head in (b"{", b"["):
        return "json"
    if head == b"<" or data.lstrip().startswith(b"\xef\xbb\xbf<"):
        return "xml"
    raise TelematicsDocumentError([Problem("", _("The document is neither XML nor JSON."))])


# ---------------------------------------------------------------- reading values


class _Reader:
    """Reads typed values off nodes, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, node: Node | None, parent: Node, message: str) -> None:
        self.problems.append(Problem(node.path if node else parent.path, message))

    def text(self, parent: Node | None, aliases: Iterable[str]) -> str:
        if parent is None:
            return ""
        node = parent.value(aliases)
        if node is None or node.text is None:
            return ""
        text = node.text.strip()
        return "" if text.lower() in EMPTY_VALUES else text

    def number(
        self,
        parent: Node | None,
        aliases: Iterable[str],
        *,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        if parent is None:
            return None
        node = parent.value(aliases)
        if node is None or node.text is None:
            return None
        raw = node.text.strip()
        try:
            number = float(raw)
        except ValueError:
            self.fail(node, parent, _("“%(value)s” is not a number.") % {"value": raw[:40]})
            return None
        if not math.isfinite(number):
            self.fail(node, parent, _("“%(value)s” is not a finite number.") % {"value": raw[:40]})
            return None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            self.fail(
                node,
                parent,
                _("%(value)s is outside %(min)s … %(max)s.")
                % {
                    "value": raw[:40],
                    "min": minimum,
                    "max": maximum if maximum is not None else "∞",
                },
            )
            return None
        return number

    def when(self, parent: Node | None, aliases: Iterable[str] = DATETIME) -> datetime | None:
        if parent is None:
            return None
        node = parent.value(aliases)
        if node is None or node.text is None:
            return None
        parsed = parse_datetime(node.text)
        if parsed is None:
            self.fail(
                node,
                parent,
                _("“%(value)s” is not a date and time (use ISO 8601, e.g. 2026-05-20T08:30:00Z).")
                % {"value": node.text.strip()[:40]},
            )
        return parsed

    def boolean(self, parent: Node | None, aliases: Iterable[str]) -> bool | None:
        if parent is None:
            return None
        node = parent.value(aliases)
        if node is None or node.text is None:
            return None
        raw = node.text.strip().lower()
        if raw in ("true", "1", "yes", "on", "running", "run"):
            return True
        if raw in ("false", "0", "no", "off", "stopped", "stop", "notrunning"):
            return False
        self.fail(node, parent, _("“%(value)s” is not true or false.") % {"value": raw[:40]})
        return None

    def unit(
        self, parent: Node, aliases: Iterable[str], table: dict[str, float], kind: str
    ) -> tuple[float, str]:
        """(factor to the stored unit, the unit as written); no unit means the stored unit."""
        node = parent.value(aliases)
        if node is None or node.text is None:
            return 1.0, ""
        written = node.text.strip()
        factor = table.get(norm(written))
        if factor is None:
            self.fail(
                node,
                parent,
                _("Unknown %(kind)s unit “%(unit)s”.") % {"kind": kind, "unit": written[:30]},
            )
            return 1.0, written
        return factor, written


_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


def parse_datetime(text: str) -> datetime | None:
    """An aware UTC datetime from ISO 8601 (``Z`` or an offset; naive counts as UTC, as
    ISO 15143-3 prescribes), epoch seconds/milliseconds, or ``/Date(ms)/``; else None."""
    raw = text.strip()
    if not raw:
        return None
    match = _MS_DATE.match(raw)
    if match:
        return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC)
    if raw.isdigit() and len(raw) in (10, 13):
        value = int(raw)
        return datetime.fromtimestamp(value / 1000 if len(raw) == 13 else value, tz=UTC)
    candidate = raw.replace(" ", "T", 1) if " " in raw and "T" not in raw else raw
    if candidate.endswith(("z", "Z")):
        candidate = candidate[:-1] + "+00:00"
    # Python wants at most 6 fractional digits; some providers send 7 (.NET ticks).
    candidate = re.sub(r"(\.\d{6})\d+", r"\1", candidate)
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if parsed.year < 1990:
        return None  # 0001-01-01 placeholders
    return parsed.astimezone(UTC)


# ---------------------------------------------------------------- the document


def _equipment_nodes(root: Node) -> list[Node]:
    """The machine elements: under the root, under a Fleet wrapper, or the root itself."""
    if (
        norm(root.name) in EQUIPMENT
        and root.first(EQUIPMENT) is None
        and (root.first(HEADER) is not None or root.value(SERIAL + PIN) is not None)
    ):
        return [root]
    candidates = [root]
    candidates.extend(root.all(FLEET))
    for node in candidates:
        found = node.all(EQUIPMENT)
        if found:
            # A wrapper list element ({"Equipment": {"Equipment": [...]}}).
            flat: list[Node] = []
            for item in found:
                inner = item.all(EQUIPMENT)
                if inner and item.first(HEADER) is None and item.value(SERIAL + PIN) is None:
                    flat.extend(inner)
                else:
                    flat.append(item)
            return flat
    return []


def _links(root: Node, reader: _Reader) -> dict[str, str]:
    links: dict[str, str] = {}
    holders = [root, *root.all(FLEET)]
    for holder in holders:
        for link in holder.all(LINKS):
            items = [link] if link.value(LINK_REL) is not None else link.all(LINKS)
            for item in items:
                rel = reader.text(item, LINK_REL).lower()
                href = reader.text(item, LINK_HREF)
                if rel and href:
                    links.setdefault(rel, href)
    return links


def _fault_nodes(equipment: Node) -> list[Node]:
    nodes: list[Node] = []
    for holder in equipment.all(FAULTS):
        if holder.value(CODE_ID) is not None:
            nodes.append(holder)
        else:
            nodes.extend(c for c in holder.children if c.text is None)
    return nodes


def _read_machine(node: Node, reader: _Reader) -> MachineReading:
    header = node.first(HEADER) or node
    reading = MachineReading(path=node.path)
    reading.oem = reader.text(header, OEM) or reader.text(node, OEM)
    reading.model = reader.text(header, MODEL) or reader.text(node, MODEL)
    reading.equipment_id = reader.text(header, EQUIPMENT_ID) or (
        reader.text(node, EQUIPMENT_ID) if header is not node else ""
    )
    reading.serial_number = reader.text(header, SERIAL) or reader.text(node, SERIAL)
    reading.pin = reader.text(header, PIN) or reader.text(node, PIN)
    if not (reading.pin or reading.serial_number or reading.equipment_id):
        reader.fail(
            None,
            header,
            _("The machine has no PIN, serial number or EquipmentID, so it cannot be matched."),
        )
    times: list[datetime] = []

    location = node.first(LOCATION)
    if location is not None:
        reading.latitude = reader.number(location, LATITUDE, minimum=-90, maximum=90)
        reading.longitude = reader.number(location, LONGITUDE, minimum=-180, maximum=180)
        if (location.value(LATITUDE) is None) != (location.value(LONGITUDE) is None):
            reader.fail(None, location, _("A position needs both latitude and longitude."))
        altitude = reader.number(location, ALTITUDE)
        if altitude is not None:
            factor, _unit = reader.unit(location, ALTITUDE_UNITS, ALTITUDE_TO_M, _("altitude"))
            reading.altitude_m = altitude * factor
        reading.location_at = reader.when(location)
        if reading.location_at:
            times.append(reading.location_at)

    def hours(aliases: tuple[str, ...]) -> float | None:
        section = node.first(aliases)
        if section is None:
            return None
        when = reader.when(section)
        if when:
            times.append(when)
        if section.text is not None:  # <OperatingHours>1234.5</OperatingHours>
            return reader.number(node, aliases, minimum=0)
        return reader.number(section, HOUR_VALUE, minimum=0)

    reading.operating_hours = hours(OPERATING)
    reading.idle_hours = hours(IDLE)

    def fuel(aliases: tuple[str, ...]) -> float | None:
        section = node.first(aliases)
        if section is None:
            return None
        when = reader.when(section)
        if when:
            times.append(when)
        if section.text is not None:
            return reader.number(node, aliases, minimum=0)
        value = reader.number(section, FUEL_VALUE, minimum=0)
        factor, written = reader.unit(section, FUEL_UNITS, FUEL_TO_LITRES, _("fuel"))
        if written:
            reading.fuel_unit = written
        return None if value is None else value * factor

    reading.fuel_used_l = fuel(FUEL_USED)
    reading.fuel_used_24h_l = fuel(FUEL_24H)

    remaining = node.first(FUEL_REMAINING)
    if remaining is not None:
        if remaining.text is not None:
            reading.fuel_remaining_pct = reader.number(node, FUEL_REMAINING, minimum=0, maximum=100)
        else:
            reading.fuel_remaining_pct = reader.number(remaining, PERCENT, minimum=0, maximum=100)
            when = reader.when(remaining)
            if when:
                times.append(when)

    distance = node.first(DISTANCE)
    if distance is not None:
        if distance.text is not None:
            reading.odometer_km = reader.number(node, DISTANCE, minimum=0)
        else:
            value = reader.number(distance, DISTANCE_VALUE, minimum=0)
            factor, written = reader.unit(distance, DISTANCE_UNITS, DISTANCE_TO_KM, _("distance"))
            reading.distance_unit = written
            reading.odometer_km = None if value is None else value * factor
            when = reader.when(distance)
            if when:
                times.append(when)

    engine = node.first(ENGINE)
    if engine is not None:
        if engine.text is not None:
            reading.engine_running = reader.boolean(node, ENGINE)
        else:
            reading.engine_running = reader.boolean(engine, RUNNING)
            when = reader.when(engine)
            if when:
                times.append(when)

    for fault in _fault_nodes(node):
        identifier = reader.text(fault, CODE_ID)
        if not identifier:
            reader.fail(None, fault, _("A fault code needs a CodeIdentifier."))
            continue
        occurred = reader.when(fault)
        reading.faults.append(
            FaultReading(
                identifier=identifier[:80],
                description=reader.text(fault, CODE_DESC)[:500],
                severity=reader.text(fault, CODE_SEVERITY)[:40],
                source=reader.text(fault, CODE_SOURCE)[:80],
                occurred_at=occurred,
                path=fault.path,
            )
        )

    own_time = reader.when(node, SNAPSHOT_TIME) or reader.when(header, SNAPSHOT_TIME)
    reading.snapshot_at = own_time or (max(times) if times else None)
    return reading


def parse_document(
    data: bytes, *, filename: str = "", content_type: str = "", format: str = ""
) -> ParsedDocument:
    """Parse and validate a whole fleet snapshot; raise ``TelematicsDocumentError`` listing
    every problem (nothing has been written at that point)."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise TelematicsDocumentError([Problem("", _("The document is larger than 20 MB."))])
    if not data.strip():
        raise TelematicsDocumentError([Problem("", _("The document is empty."))])
    kind = (
        format
        if format in ("xml", "json")
        else detect_format(data, filename=filename, content_type=content_type)
    )
    root = _xml_tree(data) if kind == "xml" else _json_tree(data)
    reader = _Reader()
    snapshot_time = reader.when(root, SNAPSHOT_TIME)
    for wrapper in root.all(FLEET):
        snapshot_time = snapshot_time or reader.when(wrapper, SNAPSHOT_TIME)
    machines = [_read_machine(n, reader) for n in _equipment_nodes(root)]
    for machine in machines:
        if machine.snapshot_at is None:
            machine.snapshot_at = snapshot_time
        if machine.snapshot_at is None:
            reader.fail(
                None,
                Node(name="", path=machine.path),
                _("The machine report has no date and time (snapshotTime or a datetime)."),
            )
        for fault in machine.faults:
            if fault.occurred_at is None:
                fault.occurred_at = machine.snapshot_at
    links = _links(root, reader)
    if not machines and "next" not in links and not root.all(EQUIPMENT + FLEET + LINKS):
        reader.problems.append(
            Problem(
                root.path, _("No Equipment elements found: is this an ISO 15143-3 fleet snapshot?")
            )
        )
    if reader.problems:
        raise TelematicsDocumentError(reader.problems)
    return ParsedDocument(format=kind, machines=machines, links=links, snapshot_time=snapshot_time)
