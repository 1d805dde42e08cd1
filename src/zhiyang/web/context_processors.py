"""What every page's shell needs: navigation for this user, map settings, version."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

import zhiyang
from zhiyang.web.navigation import current_url_name, menu_for


def shell(request: HttpRequest) -> dict[str, Any]:
    items = menu_for(request.user, current_url_name(request))
    groups: list[dict[str, Any]] = []
    for item in items:
        if not groups or groups[-1]["label"] != item["group"]:
            groups.append({"label": item["group"], "items": []})
        groups[-1]["items"].append(item)
    return {
        "nav_items": items,
        "nav_groups": groups,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "zhiyang_version": zhiyang.__version__,
    }
