"""Fleet services: machines, telematics import, service intervals and records, utilisation.

Keyword-only, transactional, audited. A telematics import writes its snapshots and fault
codes in bulk and is covered by ONE audit row on its ``TelematicsImport``; the machines' last
known state (``Equipment.last_*``) is telemetry, updated without an audit row of its own.

One module per topic; ``from zhiyang.fleet import services`` re-exports them all, so callers
say ``services.x(...)`` whatever module ``x`` lives in.
"""

from __future__ import annotations

from zhiyang.fleet.services.equipment import create_equipment, delete_equipment, update_equipment
from zhiyang.fleet.services.maintenance import (
    ServiceDue,
    due_services,
    record_service,
    save_interval,
    service_status,
)
from zhiyang.fleet.services.readings import (
    ImportResult,
    import_document,
    matching_equipment,
    write_readings,
)
from zhiyang.fleet.services.sources import SOURCE_SECRET_FIELD, delete_source, save_source
from zhiyang.fleet.services.utilisation import BASE_LOOKBACK_DAYS, Utilisation, utilisation

__all__ = [
    "BASE_LOOKBACK_DAYS",
    "SOURCE_SECRET_FIELD",
    "ImportResult",
    "ServiceDue",
    "Utilisation",
    "create_equipment",
    "delete_equipment",
    "delete_source",
    "due_services",
    "import_document",
    "matching_equipment",
    "record_service",
    "save_interval",
    "save_source",
    "service_status",
    "update_equipment",
    "utilisation",
    "write_readings",
]
