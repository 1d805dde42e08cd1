"""What every page's shell needs: navigation for this user, map settings, version."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

import zhiyang
from zhiyang.web.navigation import menu_for


def shell(request: HttpRequest) -> dict[str, Any]:
    return {
        "nav_items": menu_for(request.user),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "zhiyang_version": zhiyang.__version__,
    }
