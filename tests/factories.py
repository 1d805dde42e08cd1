"""Small factories for the rows many tests set up by hand: users by role, organisations,
routes, projects with their work orders, machines, a demo context.

Plain functions writing through the ORM (as the tests did), every field overridable by
keyword; the defaults are valid rows, not meaningful ones, so a test spells out what its
assertions depend on. The fixtures in tests/conftest.py (``make_user``, ``two_districts``)
build on them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from zhiyang.core.choices import Role
from zhiyang.core.models import Organisation, User
from zhiyang.network.models import District, Route

PASSWORD = "correct-horse-battery-9"
_serial = itertools.count(1)


def user(
    role: str = Role.VIEWER,
    organisation: Organisation | None = None,
    password: str = PASSWORD,
    **fields: Any,
) -> User:
    """A user with ``role`` in ``organisation`` (username ``<role>-<n>`` unless given)."""
    username = fields.pop("username", f"{role}-{next(_serial)}")
    row = User(username=username, role=role, organisation=organisation, **fields)
    row.set_password(password)
    row.save()
    return row


def users_by_role(roles: Iterable[str], organisation: Organisation | None) -> dict[str, User]:
    """One user per role, each named after its role (as the demo's users are)."""
    return {role: user(role, organisation, username=role) for role in roles}


def organisation(
    code: str,
    name: str | None = None,
    *,
    whole_network: bool = False,
    districts: Iterable[District] = (),
) -> Organisation:
    org = Organisation.objects.create(
        code=code, name=name or code.title(), whole_network=whole_network
    )
    if districts:
        org.districts.set(districts)
    return org


def route(code: str = "G999", **fields: Any) -> Route:
    """A 10 km national asphalt route with a short straight geometry."""
    values: dict[str, Any] = {
        "name": "测试线",
        "admin_level": "national",
        "tech_class": "class1",
        "pavement": "asphalt",
        "start_m": 0,
        "end_m": 10_000,
        "geometry": {"type": "LineString", "coordinates": [[103.0, 36.0], [103.1, 36.0]]},
    }
    values.update(fields)
    return Route.objects.create(code=code, **values)


def project(
    *,
    organisation: Organisation,
    route: Route,
    code: str = "P-1",
    start: dt.date = dt.date(2026, 3, 2),
    end: dt.date = dt.date(2026, 3, 13),
    **fields: Any,
) -> Any:
    """A works project (status draft unless given) on ``route``, from ``start`` to ``end``."""
    from zhiyang.works.models import Project

    values: dict[str, Any] = {
        "name": code,
        "start_m": 0,
        "end_m": 1000,
        "treatment": "crack_sealing",
    }
    values.update(fields)
    return Project.objects.create(
        organisation=organisation,
        route=route,
        code=code,
        planned_start=start,
        planned_end=end,
        **values,
    )


def work_order(
    project: Any,
    process: str = "paving",
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    **fields: Any,
) -> Any:
    """A work order of ``project`` (its dates unless given; 100 of the default unit)."""
    from zhiyang.works.models import WorkOrder

    values: dict[str, Any] = {"title": process.replace("_", " ").capitalize()}
    values.update(fields)
    values.setdefault("planned_quantity", Decimal(100))
    return WorkOrder.objects.create(
        project=project,
        process=process,
        planned_start=start or project.planned_start,
        planned_end=end or project.planned_end,
        **values,
    )


def equipment(organisation: Organisation, code: str, equipment_type: str, **fields: Any) -> Any:
    from zhiyang.fleet.models import Equipment

    return Equipment.objects.create(
        organisation=organisation, code=code, equipment_type=equipment_type, **fields
    )


def demo_context(roles: Iterable[str], *, works_area: bool = True) -> Any:
    """What an app's demo loader builds on, without the other apps' demo data: the reference
    network, a whole-network branch (and a works area, or the branch again), a user per role
    in the branch."""
    from zhiyang.demo.services import DemoContext, load_network

    load_network()
    branch = organisation("branch", "Branch", whole_network=True)
    area = organisation("area", "Area") if works_area else branch
    return DemoContext(branch=branch, works_area=area, users=users_by_role(roles, branch))
