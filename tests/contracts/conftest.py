"""A contract with a small hand-priced BOQ, and the parties' users."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from zhiyang.contracts import services
from zhiyang.contracts.models import BoqItem, BoqRevision
from zhiyang.core.actors import SYSTEM
from zhiyang.core.choices import Role
from zhiyang.core.models import Organisation

D = Decimal


@pytest.fixture
def world(two_districts: dict[str, Any], make_user: Any) -> dict[str, Any]:
    west = two_districts["org_west"]
    sup_org = Organisation.objects.create(code="sup", name="监理公司")
    owner_org = Organisation.objects.create(code="owner", name="公路分局")
    w = dict(two_districts)
    w["engineer"] = make_user(Role.ENGINEER, west, username="eng")
    w["supervisor"] = make_user(Role.SUPERVISOR, sup_org, username="sup")
    w["owner"] = make_user(Role.OWNER, owner_org, username="owner")
    w["outsider"] = make_user(Role.ENGINEER, two_districts["org_east"], username="outsider")
    contract = services.create_contract(
        actor=SYSTEM,
        data={
            "organisation": west,
            "code": "YH-2026-01",
            "name": "G109 日常养护",
            "kind": "routine",
            "owner_name": "大同公路分局",
            "contractor_name": "养护分部",
            "supervisor_name": "监理公司",
            "owner_organisation": owner_org,
            "supervisor_organisation": sup_org,
            "start_date": dt.date(2026, 1, 1),
            "end_date": dt.date(2026, 12, 31),
            "value_yuan": D("106250.00"),
            "retention_pct": D("5"),
            "advance_yuan": D("30000.00"),
            "advance_recovery_pct": D("20"),
        },
    )
    contract.routes.add(two_districts["g1"])
    items = {}
    for order, (code, name, unit, quantity, price) in enumerate(
        [
            ("101-1", "保险费", "总额", "1", "20000.00"),
            ("301-1", "沥青面层", "m2", "1000", "80.00"),
            ("302-1", "灌缝", "m", "500", "12.50"),
        ],
        start=1,
    ):
        item = BoqItem.objects.create(
            contract=contract,
            code=code,
            name=name,
            unit=unit,
            quantity=D(quantity),
            unit_price_yuan=D(price),
            amount_yuan=D(quantity) * D(price),
            order=order,
        )
        BoqRevision.objects.create(
            item=item,
            version=1,
            quantity=item.quantity,
            unit_price_yuan=item.unit_price_yuan,
            amount_yuan=item.amount_yuan,
        )
        items[code] = item
    contract.boq_version = 1
    contract.save()
    w["contract"], w["items"] = contract, items
    return w


def measure(w: dict[str, Any], month: dt.date, quantities: dict[str, str], adjust: Any = None):
    """Open, propose, approve and certify one month with the given proposed quantities;
    ``adjust`` = {code: (supervisor quantity, reason)}."""
    period = services.open_period(actor=w["engineer"], contract=w["contract"], month=month)
    lines = {line.item.code: line for line in period.lines.select_related("item")}
    for code, quantity in quantities.items():
        services.set_line(actor=w["engineer"], line=lines[code], quantity=quantity)
    services.propose(actor=w["engineer"], period=period)
    period.refresh_from_db()
    for code, (quantity, reason) in (adjust or {}).items():
        services.set_line(actor=w["supervisor"], line=lines[code], quantity=quantity, reason=reason)
    services.supervisor_approve(actor=w["supervisor"], period=period)
    period.refresh_from_db()
    services.certify(actor=w["owner"], period=period)
    period.refresh_from_db()
    return period
