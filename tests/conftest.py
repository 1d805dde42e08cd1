"""Fixtures shared by every test module: users by role and organisation, API clients, a
small two-district network."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from tests import factories
from zhiyang.core.models import User
from zhiyang.network.models import District, Section

# The session's shared demo (``demo_snapshot``): see tests/shared_demo.py.
pytest_plugins = ["tests.shared_demo"]

PASSWORD = factories.PASSWORD
BROWSER_TEST_TIMEOUT_S = 240


def pytest_runtest_logstart(nodeid: str, location: Any) -> None:
    """With ZHIYANG_TEST_PROGRESS=<dir>, keep the test each process is running in
    ``<dir>/<worker>.txt``: scripts/test.sh prints it when a gate's time bound fires."""
    directory = os.environ.get("ZHIYANG_TEST_PROGRESS")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not directory or (worker is None and _xdist_controller):
        return  # the controller of pytest -n only relays its workers' reports
    with contextlib.suppress(OSError):
        (Path(directory) / f"{worker or 'main'}.txt").write_text(nodeid + "\n")


_xdist_controller = False


def pytest_configure(config: pytest.Config) -> None:
    global _xdist_controller
    _xdist_controller = bool(getattr(config.option, "numprocesses", None))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A browser test that hangs (a wedged browser, a lost request) fails after 4 minutes
    and the run goes on (any other test after 5 minutes: pyproject.toml)."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(BROWSER_TEST_TIMEOUT_S))


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts and ends in the site's default language (a client sending
    Accept-Language must not leak its language into the next test)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    """Factory: ``make_user(role="engineer", organisation=org, **fields)``."""

    return factories.user


@pytest.fixture
def api_client_for() -> Callable[[User | None], APIClient]:
    """Factory: an APIClient authenticated as ``user`` (anonymous for None)."""

    def make(user: User | None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def two_districts(db: Any) -> dict[str, Any]:
    """Two districts, each with one route and one section, and an organisation per district.

    Returns a dict with keys ``east``/``west`` (District), ``g1``/``s1`` (Route),
    ``sec_east``/``sec_west`` (Section), ``org_east``/``org_west``/``org_all`` (Organisation).
    """
    east = District.objects.create(code="140221", name="阳高县", name_en="Yanggao")
    west = District.objects.create(code="140226", name="左云县", name_en="Zuoyun")
    g1 = factories.route(
        "G109",
        name="京拉线",
        geometry={"type": "LineString", "coordinates": [[112.70, 40.01], [112.81, 40.02]]},
    )
    s1 = factories.route(
        "S203",
        name="大浑线",
        admin_level="provincial",
        tech_class="class2",
        end_m=5_000,
        geometry={"type": "LineString", "coordinates": [[113.75, 40.36], [113.80, 40.38]]},
    )
    sec_west = Section.objects.create(
        route=g1, start_m=0, end_m=10_000, width_m=12, lanes=4, pavement="asphalt", district=west
    )
    sec_east = Section.objects.create(
        route=s1, start_m=0, end_m=5_000, width_m=9, lanes=2, pavement="asphalt", district=east
    )
    org_east = factories.organisation("east", "East works", districts=[east])
    org_west = factories.organisation("west", "West works", districts=[west])
    org_all = factories.organisation("all", "Branch", whole_network=True)
    return {
        "east": east,
        "west": west,
        "g1": g1,
        "s1": s1,
        "sec_east": sec_east,
        "sec_west": sec_west,
        "org_east": org_east,
        "org_west": org_west,
        "org_all": org_all,
    }
