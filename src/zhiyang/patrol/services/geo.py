"""GeoJSON of open defects (a map layer: findings not yet repaired, dismissed or closed)."""

from __future__ import annotations

from typing import Any

from zhiyang.core.access import restrict
from zhiyang.core.actors import Actor
from zhiyang.network.chainage import format_chainage
from zhiyang.patrol.choices import FindingStatus
from zhiyang.patrol.models import Finding

OPEN_STATUSES = (FindingStatus.NEW, FindingStatus.MONITOR, FindingStatus.REPAIR)
MAX_FEATURES = 5000


def open_defects_geojson(*, actor: Actor) -> dict[str, Any]:
    """Open findings with a position, newest first (at most ``MAX_FEATURES``)."""
    rows = (
        restrict(Finding.objects.filter(status__in=OPEN_STATUSES), actor)
        .exclude(lon=None)
        .select_related("route")
        .order_by("-reported_at")[:MAX_FEATURES]
    )
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [f.lon, f.lat]},
            "properties": {
                "id": f.pk,
                "route": f.route.code,
                "chainage": format_chainage(f.chainage_m),
                "category": f.category,
                "kind": str(f.get_kind_display()),
                "severity": f.severity,
                "urgent": f.urgent,
                "status": f.status,
                "url": f.get_absolute_url(),
            },
        }
        for f in rows
    ]
    return {"type": "FeatureCollection", "features": features}
