"""The asset-type catalogue kept in the AssetType table."""

from __future__ import annotations

from django.db import transaction

from zhiyang.assets import catalogue
from zhiyang.assets.models import AssetType
from zhiyang.core import audit
from zhiyang.core.actors import Actor
from zhiyang.core.choices import AuditAction


def sync_asset_types(*, actor: Actor, audit_row: bool = True) -> dict[str, int]:
    """Create or update a row per type of the packaged catalogue; a type no longer in the
    file is kept (assets refer to it) and marked inactive. Returns counts."""
    data = catalogue.asset_types()
    version = str(data["version"])
    counts = {"created": 0, "updated": 0, "retired": 0}
    with transaction.atomic():
        existing = {t.code: t for t in AssetType.objects.all()}
        for entry in data["types"]:
            values = {
                "name": entry["name_zh"],
                "name_en": entry.get("name_en", ""),
                "kind": entry["kind"],
                "structure": entry.get("structure", ""),
                "geometry": entry["geometry"],
                "attribute_schema": entry.get("attributes", {}),
                "damage_items": list(entry.get("damage", [])),
                "version": version,
                "is_active": True,
            }
            row = existing.pop(entry["code"], None)
            if row is None:
                row = AssetType.objects.create(code=entry["code"], **values)
                counts["created"] += 1
            elif any(getattr(row, k) != v for k, v in values.items()):
                before = audit.snapshot(row)
                for k, v in values.items():
                    setattr(row, k, v)
                row.save()
                counts["updated"] += 1
                if audit_row:
                    audit.record(
                        actor=actor,
                        action=AuditAction.UPDATE,
                        obj=row,
                        before=before,
                        after=audit.snapshot(row),
                    )
        for row in existing.values():
            if row.is_active:
                AssetType.objects.filter(pk=row.pk).update(is_active=False)
                counts["retired"] += 1
    return counts
