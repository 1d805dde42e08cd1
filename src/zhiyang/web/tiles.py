"""Dashboard tiles and "today" items contributed by the domain apps.

Each app that has something to say on the home pages provides ``zhiyang.<app>.dashboard``
with ``tiles(user) -> list[Tile]``: a handful of headline numbers for the user's scope
(the condition 优良率, open hazards, certificates about to expire, machines due for
service), each linking to the page that explains it; and, optionally,
``today(user, day) -> list[TodayItem]``: what this user has to do today (see
``zhiyang.web.today``). The dashboard shows the tiles of the apps whose data the user may
see; an app without the module (or the function) contributes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import Any

from django.utils.functional import Promise

# In the order the dashboard shows them.
TILE_APPS = (
    "condition",
    "telemetry",
    "safety",
    "people",
    "fleet",
    "works",
    "sop",
    "planning",
)


@dataclass(frozen=True)
class Tile:
    key: str  # stable id, also the data-tile attribute the tests look for
    label: str | Promise
    value: str
    unit: str = ""
    detail: str | Promise = ""
    url: str | None = None
    tone: str = ""  # "", "good", "warn" or "bad": colours the value


def dashboard_modules() -> Iterator[ModuleType]:
    """The ``zhiyang.<app>.dashboard`` modules that exist, in the dashboard's order."""
    for app in TILE_APPS:
        name = f"zhiyang.{app}.dashboard"
        try:
            yield import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise


def tiles_for(user: Any) -> list[Tile]:
    """The tiles of every app that provides them, for ``user``'s role and scope."""
    result: list[Tile] = []
    for module in dashboard_modules():
        if hasattr(module, "tiles"):
            result.extend(module.tiles(user))
    return result
