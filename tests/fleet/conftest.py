"""Fixtures of the fleet tests: two organisations with machines, and fixture documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from zhiyang.core.choices import Role
from zhiyang.core.models import Organisation
from zhiyang.fleet.choices import EquipmentType
from zhiyang.fleet.models import Equipment

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are asserted in English (the msgids); one test checks the Chinese ones."""
    with translation.override("en"):
        yield


def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture
def orgs(db: Any) -> dict[str, Organisation]:
    return {
        "a": Organisation.objects.create(code="org-a", name="Org A"),
        "b": Organisation.objects.create(code="org-b", name="Org B"),
    }


@pytest.fixture
def fleet(orgs: dict[str, Organisation]) -> dict[str, Equipment]:
    """Machines of org A matching the fixture documents (by PIN, serial + OEM, EquipmentID)
    and one machine of org B."""
    a, b = orgs["a"], orgs["b"]
    return {
        "paver": Equipment.objects.create(
            organisation=a,
            code="PV-01",
            equipment_type=EquipmentType.PAVER,
            make="Vögele",
            pin="VOG1800X10181234",
            serial_number="10181234",
            working_width_m=9.0,
        ),
        "roller": Equipment.objects.create(
            organisation=a,
            code="SR-01",
            equipment_type=EquipmentType.STEEL_DRUM_ROLLER,
            make="HAMM",
            serial_number="H2070123",
        ),
        "cat": Equipment.objects.create(
            organisation=a,
            code="SR-02",
            equipment_type=EquipmentType.STEEL_DRUM_ROLLER,
            make="Caterpillar",
            serial_number="CAT00CB10K4F00321",
        ),
        "loader": Equipment.objects.create(
            organisation=a,
            code="LD-01",
            equipment_type=EquipmentType.LOADER,
            make="Komatsu",
            pin="KMTWA380C55A12345",
        ),
        "deere": Equipment.objects.create(
            organisation=a,
            code="LD-02",
            equipment_type=EquipmentType.LOADER,
            make="Deere",
            telematics_id="JD-99",
        ),
        "other_org": Equipment.objects.create(
            organisation=b,
            code="B-01",
            equipment_type=EquipmentType.TRUCK,
            make="Volvo CE",
            pin="VCE0DD25V00123456",
        ),
    }


@pytest.fixture
def manager_a(make_user: Any, orgs: dict[str, Organisation]) -> Any:
    return make_user(role=Role.EQUIPMENT_MANAGER, organisation=orgs["a"])


@pytest.fixture
def manager_b(make_user: Any, orgs: dict[str, Organisation]) -> Any:
    return make_user(role=Role.EQUIPMENT_MANAGER, organisation=orgs["b"])
