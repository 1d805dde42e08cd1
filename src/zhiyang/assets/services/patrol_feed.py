"""Patrol findings feed SCI/TCI: a subgrade, drainage or traffic-facility finding of the
patrol app becomes an inspection with one damage item (``create_inspection_from_finding``,
idempotent by the finding's id), right after the finding is committed.

The patrol app knows nothing of this one: assets listens to ``Finding`` being created
(assets → patrol, never the other way round). Kinds without an SCI/TCI item (pavement
distress, which the condition surveys rate, bridge deck, roadside cleanliness,
encroachment) are left alone.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhiyang.core.actors import SYSTEM

log = logging.getLogger(__name__)

#: patrol finding kind → (index, item key without severity, severities the item has)
FINDING_ITEMS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "slope_collapse": ("sci", "slope_collapse", ("light", "medium", "heavy")),
    "shoulder_damage": ("sci", "shoulder_damage", ("light", "heavy")),
    "settlement": ("sci", "settlement", ("light", "medium", "heavy")),
    "blocked_drain": ("sci", "drainage_blocked", ("light", "heavy")),
    "guardrail": ("tci", "guard_damage", ("light", "heavy")),
    "sign": ("tci", "sign_damage", ()),
    "marking": ("tci", "marking_damage", ()),
}


def item_for(kind: str, severity: str) -> tuple[str, str] | None:
    """(index, item key) of a finding kind and severity; None when it has no SCI/TCI item.
    A severity the item lacks takes the nearest one (medium → heavy)."""
    found = FINDING_ITEMS.get(kind)
    if found is None:
        return None
    index, base, severities = found
    if not severities:
        return index, base
    chosen = severity if severity in severities else ("heavy" if severity else severities[0])
    return index, f"{base}_{chosen}"


def feed(finding: Any) -> Any:
    """The inspection of ``finding`` (created once), or None when it feeds no index."""
    from zhiyang.assets.services.inspections import create_inspection_from_finding

    item = item_for(str(finding.kind), str(finding.severity or ""))
    if item is None:
        return None
    index, key = item
    quantity = float(finding.quantity or 0.0)
    if key in ("sign_damage",) or str(getattr(finding, "unit", "")) == "ea":
        quantity = max(1.0, round(quantity))
    inspection, _created = create_inspection_from_finding(
        actor=SYSTEM,
        route=finding.route,
        chainage_m=float(finding.chainage_m),
        category=index,
        damage_type=key,
        quantity=quantity,
        found_on=timezone.localdate(finding.reported_at) if finding.reported_at else None,
        source_ref=f"finding:{finding.pk}",
        note=str(finding.note or "")[:500],
    )
    return inspection


def on_finding_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """post_save of patrol.Finding: feed it after the commit (a failure is logged, never
    undoes the finding)."""
    if not created or kwargs.get("raw"):
        return

    def run() -> None:
        try:
            feed(instance)
        except (ValidationError, ValueError) as exc:
            log.warning("patrol finding %s not fed to SCI/TCI: %s", instance.pk, exc)

    transaction.on_commit(run)
