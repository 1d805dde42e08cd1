"""Fixtures of the people tests: a work zone on G109 (west district), workers, a crew."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhiyang.core.actors import SYSTEM
from zhiyang.people import services
from zhiyang.people.models import Certificate, Worker

TODAY = dt.date(2026, 5, 10)
# A valid GB 11643 ID number (check character computed by the validator's rule).
ID_NUMBER = "140211198503123414"


def make_id(first17: str) -> str:
    from zhiyang.people.validators import id_check_character

    return first17 + id_check_character(first17)


@pytest.fixture
def zone(two_districts: Any) -> Any:
    """An active work zone G109 K2+000–K3+000 in the west district (org_west's scope)."""
    from zhiyang.safety.models import WorkZone

    return WorkZone.objects.create(
        name="G109 铣刨重铺",
        route=two_districts["g1"],
        district=two_districts["west"],
        direction="up",
        work_start_m=2000,
        work_end_m=3000,
        carriageway_width_m=12,
        normal_speed_kmh=80,
        speed_limit_kmh=60,
        planned_start=TODAY - dt.timedelta(days=5),
        planned_end=TODAY + dt.timedelta(days=20),
        status="active",
        geofence_margin_m=50,
    )


@pytest.fixture
def inside_point(zone: Any) -> tuple[float, float]:
    from zhiyang.network import linref

    return linref.point_at(zone.route, 2500)


@pytest.fixture
def worker_factory(two_districts: Any) -> Any:
    serial = iter(range(100, 999))

    def make(
        *,
        organisation: Any = None,
        trade: str = "labourer",
        certs: tuple[tuple[str, dt.date], ...] = (),
        **fields: Any,
    ) -> Worker:
        n = next(serial)
        data = {
            "organisation": organisation or two_districts["org_west"],
            "name": fields.pop("name", f"工人{n}"),
            "id_number": fields.pop("id_number", make_id(f"14021119900101{n:03d}")),
            "trade": trade,
            **fields,
        }
        worker = services.create_worker(actor=SYSTEM, data=data)
        for cert_type, until in certs:
            Certificate.objects.create(
                worker=worker, cert_type=cert_type, number=f"N{n}", valid_until=until
            )
        return worker

    return make


@pytest.fixture(autouse=True)
def _english(_default_language: Any) -> Any:
    """Messages are asserted in English (the site default is Chinese)."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def client(client: Any) -> Any:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def api_client_for(api_client_for: Any) -> Any:
    def make(user: Any) -> Any:
        api = api_client_for(user)
        api.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return api

    return make
