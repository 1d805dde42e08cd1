from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def admins(make_user: Any, two_districts: dict[str, Any]) -> dict[str, Any]:
    """An administrator of the whole network and one of the east organisation."""
    return {
        "admin_all": make_user(role="admin", organisation=two_districts["org_all"]),
        "admin_east": make_user(role="admin", organisation=two_districts["org_east"]),
        **two_districts,
    }
