"""Fixtures of the works tests: a west organisation with a crew, machines and a project on
G109, users per role, and an east organisation that must not see any of it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from zhiyang.core.choices import Role
from zhiyang.fleet.models import Equipment
from zhiyang.people.models import Certificate, Crew, Worker
from zhiyang.works import services


@pytest.fixture
def works_world(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    west = two_districts["org_west"]
    east = two_districts["org_east"]
    today = timezone.localdate()
    w = dict(two_districts)
    w["today"] = today
    w["engineer"] = make_user(Role.ENGINEER, west, username="w-engineer")
    w["manager"] = make_user(Role.MANAGER, west, username="w-manager")
    w["worker"] = make_user(Role.WORKER, west, username="w-worker")
    w["qc"] = make_user(Role.QC_INSPECTOR, west, username="w-qc")
    w["viewer"] = make_user(Role.VIEWER, west, username="w-viewer")
    w["outsider"] = make_user(Role.ENGINEER, east, username="e-engineer")
    w["outside_manager"] = make_user(Role.MANAGER, east, username="e-manager")
    w["labourer"] = Worker.objects.create(organisation=west, name="赵勇", trade="labourer")
    w["electrician"] = Worker.objects.create(organisation=west, name="李志强", trade="electrician")
    w["cert"] = Certificate.objects.create(
        worker=w["electrician"],
        cert_type="electrician",
        number="T-1",
        valid_until=today + dt.timedelta(days=365),
    )
    crew = Crew.objects.create(organisation=west, name="路面一班", leader=w["labourer"])
    crew.members.set([w["labourer"], w["electrician"]])
    w["crew"] = crew
    w["east_crew"] = Crew.objects.create(organisation=east, name="东区班")
    w["paver"] = Equipment.objects.create(organisation=west, code="PV-01", equipment_type="paver")
    w["roller"] = Equipment.objects.create(
        organisation=west, code="SR-01", equipment_type="steel_drum_roller"
    )
    w["east_truck"] = Equipment.objects.create(organisation=east, code="TR-09")
    project = services.create_project(
        actor=w["engineer"],
        name="G109 罩面",
        route=two_districts["g1"],
        start_m=1000.0,
        end_m=4000.0,
        treatment="thin_overlay",
        contract_value_yuan=Decimal("500000"),
        planned_start=today - dt.timedelta(days=5),
        planned_end=today + dt.timedelta(days=10),
    )
    w["project"] = services.set_project_status(
        actor=w["manager"], project=project, status="approved"
    )
    w["paving"] = services.create_work_order(
        actor=w["engineer"],
        project=project,
        process="paving",
        planned_quantity=Decimal("720"),
        unit="t",
        unit_cost_yuan=Decimal("520"),
        planned_start=today - dt.timedelta(days=5),
        planned_end=today + dt.timedelta(days=5),
        crew=crew,
        equipment=[w["paver"]],
    )
    w["rolling"] = services.create_work_order(
        actor=w["engineer"],
        project=project,
        process="rolling",
        planned_quantity=Decimal("9000"),
        unit="m2",
        unit_cost_yuan=Decimal("2"),
        planned_start=today - dt.timedelta(days=5),
        planned_end=today + dt.timedelta(days=5),
    )
    return w


def report_data(w: dict[str, Any], **extra: Any) -> dict[str, Any]:
    data = {
        "project": w["project"],
        "date": w["today"],
        "weather": "sunny",
        "crew": w["crew"],
        "workers_count": 6,
        "materials": "AC-13 210 t\n乳化沥青 800 L",
        "problems": "",
    }
    data.update(extra)
    return data
