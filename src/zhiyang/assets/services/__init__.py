"""Assets services: every write of the assets app, audited, in one transaction each; one
module per topic (``from zhiyang.assets import services`` re-exports them all).

- ``types``: the asset-type catalogue kept in the AssetType table;
- ``inventory``: assets on the network;
- ``inspections``: inspections with SCI/TCI damage items and structure classes, the
  patrol entry point ``create_inspection_from_finding``, class 4/5 notifications;
- ``mqi``: SCI/TCI/BCI of evaluation units from the inventory, the complete MQI;
- ``register``: the structures register, due dates, overdue notifications;
- ``imports``: Excel/GeoJSON/Shapefile/GeoPackage import and export.
"""

from __future__ import annotations

from zhiyang.assets.services.imports import (
    ImportResult,
    export_geojson,
    export_xlsx,
    import_assets,
)
from zhiyang.assets.services.inspections import (
    ALARM_CLASSES,
    DamageEntry,
    check_damages,
    create_inspection_from_finding,
    record_inspection,
)
from zhiyang.assets.services.inventory import create_asset, delete_asset, update_asset
from zhiyang.assets.services.mqi import (
    inventory_columns,
    inventory_parts,
    network_mqi,
    route_units,
)
from zhiyang.assets.services.register import Due, due_dates, raise_overdue, structures
from zhiyang.assets.services.types import sync_asset_types

__all__ = [
    "ALARM_CLASSES",
    "DamageEntry",
    "Due",
    "ImportResult",
    "check_damages",
    "create_asset",
    "create_inspection_from_finding",
    "delete_asset",
    "due_dates",
    "export_geojson",
    "export_xlsx",
    "import_assets",
    "inventory_columns",
    "inventory_parts",
    "network_mqi",
    "raise_overdue",
    "record_inspection",
    "route_units",
    "structures",
    "sync_asset_types",
    "update_asset",
]
