"""What every page's shell needs: navigation for this user, map settings, version."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

import zhiyang
from zhiyang.network.choices import Direction, Pavement, TechClass
from zhiyang.web.navigation import current_url_name, menu_for


def map_labels() -> dict[str, dict[str, str]]:
    """Display names of coded GeoJSON properties, for map popups (map.js)."""
    return {
        "pavement": {value: str(label) for value, label in Pavement.choices},
        "tech_class": {value: str(label) for value, label in TechClass.choices},
        "direction": {value: str(label) for value, label in Direction.choices},
    }


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
        "map_labels": map_labels if getattr(request.user, "is_authenticated", False) else None,
        "map_tile_url": settings.MAP_TILE_URL,
        "map_tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "zhiyang_version": zhiyang.__version__,
    }
