"""Writing telematics: matching, dedupe on re-import, last known state, atomic failure."""

from __future__ import annotations

import pytest

from tests.fleet.conftest import read
from zhiyang.core.models import AuditLog
from zhiyang.fleet.models import Equipment, FaultCode, TelematicsImport, TelematicsSnapshot
from zhiyang.fleet.services import import_document
from zhiyang.fleet.telematics.parsers import TelematicsDocumentError

pytestmark = pytest.mark.django_db

ALL = [
    "iso_fleet.xml",
    "cat_style.xml",
    "komatsu_style.json",
    "deere_style.json",
    "aemp12_style.xml",
]


def test_each_vendor_document_matches_its_machine(fleet, manager_a) -> None:
    for name in ALL:
        result = import_document(
            read(name), actor=manager_a, organisation=manager_a.organisation, filename=name
        )
        assert result.unknown == [], name
    # PIN, serial + OEM, serial + OEM, PIN, EquipmentID.
    for key in ("paver", "cat", "loader", "deere"):
        fleet[key].refresh_from_db()
        assert fleet[key].snapshots.count() == 1, key
    fleet["roller"].refresh_from_db()  # in the ISO and the AEMP 1.2 documents
    assert fleet["roller"].snapshots.count() == 2 and fleet["roller"].last_operating_hours == 819.5
    paver = fleet["paver"]
    assert paver.last_operating_hours == 1523.4 and paver.last_latitude == pytest.approx(40.0812)
    assert paver.last_fuel_used_l == 40210
    assert fleet["cat"].last_fuel_used_l == pytest.approx(3785.411784)
    assert FaultCode.objects.filter(equipment=fleet["loader"]).count() == 2


def test_reimport_adds_nothing(fleet, manager_a) -> None:
    first = import_document(read("iso_fleet.xml"), actor=manager_a, filename="a.xml")
    again = import_document(read("iso_fleet.xml"), actor=manager_a, filename="a.xml")
    assert (first.snapshots_created, first.faults_created) == (2, 1)
    assert (again.snapshots_created, again.duplicates, again.faults_created) == (0, 2, 0)
    assert TelematicsSnapshot.objects.count() == 2 and FaultCode.objects.count() == 1


def test_one_audit_row_per_import(fleet, manager_a) -> None:
    before = AuditLog.objects.count()
    result = import_document(read("iso_fleet.xml"), actor=manager_a, filename="a.xml")
    rows = AuditLog.objects.all()[: AuditLog.objects.count() - before]
    assert [r.resource for r in rows] == ["fleet.telematicsimport"]
    assert rows[0].after["snapshots_created"] == 2 and rows[0].object_id == str(result.record.pk)


def test_other_organisations_machines_are_not_matched(fleet, manager_a) -> None:
    result = import_document(read("volvo_flat.json"), actor=manager_a, filename="v.json")
    assert result.snapshots_created == 0 and result.unknown[0]["pin"] == "VCE0DD25V00123456"
    assert not fleet["other_org"].snapshots.exists()


def test_unknown_machines_are_listed_or_created_with_a_flag(orgs, manager_a) -> None:
    listed = import_document(read("komatsu_style.json"), actor=manager_a, filename="k.json")
    assert listed.unknown[0]["pin"] == "KMTWA380C55A12345" and not Equipment.objects.exists()
    created = import_document(
        read("komatsu_style.json"),
        actor=manager_a,
        organisation=orgs["a"],
        filename="k.json",
        create_unknown=True,
    )
    machine = Equipment.objects.get()
    assert created.machines_created == 1 and machine.created_from_telematics
    assert (machine.organisation, machine.pin, machine.make) == (
        orgs["a"],
        "KMTWA380C55A12345",
        "Komatsu",
    )
    assert machine.last_operating_hours == 5021.7


def test_older_snapshot_does_not_move_the_last_known_state_back(fleet, manager_a) -> None:
    import_document(read("iso_fleet.xml"), actor=manager_a, filename="new.xml")
    older = read("iso_fleet.xml").replace(b"2026-05-20", b"2026-05-10").replace(b"1523.4", b"1400")
    import_document(older, actor=manager_a, filename="old.xml")
    fleet["paver"].refresh_from_db()
    assert fleet["paver"].snapshots.count() == 2 and fleet["paver"].last_operating_hours == 1523.4


@pytest.mark.parametrize(
    ("replace", "by"),
    [
        (b"<Hour>812</Hour>", b"<Hour>eight</Hour>"),  # non-numeric hours
        (b"<PIN></PIN>", b"<PIN>missing</PIN>"),  # harmless ...
        (b'datetime="2026-05-20T01:45:00Z"', b'datetime="20/05/2026"'),  # bad datetime
        (b"</Fleet>", b""),  # bad XML
    ],
)
def test_malformed_document_writes_nothing(fleet, manager_a, replace: bytes, by: bytes) -> None:
    data = read("iso_fleet.xml").replace(replace, by)
    if replace == b"<PIN></PIN>":
        # ... unless the serial number goes missing too: then the machine cannot be matched.
        data = data.replace(b"<SerialNumber>H2070123</SerialNumber>", b"").replace(
            b"<EquipmentID>HM-0042</EquipmentID>", b""
        )
    with pytest.raises(TelematicsDocumentError):
        import_document(data, actor=manager_a, filename="bad.xml")
    assert not TelematicsSnapshot.objects.exists() and not TelematicsImport.objects.exists()
    assert not FaultCode.objects.exists()
    fleet["paver"].refresh_from_db()
    assert fleet["paver"].last_snapshot_at is None  # the good first machine was not written
