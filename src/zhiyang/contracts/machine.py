"""Machine-measured quantities from the telemetry lake, for comparison with reports.

Activity codes of a ``QuantityMapping`` with ``source="machine"`` (the quantity of each
day's readings of the contract's projects, or of the mapping's project):

- ``paver_area_m2``: paved area (speed × time × mat width);
- ``paver_volume_m3``: paved area × thickness;
- ``sprayer_litres``: sprayed area × spray rate (prime and tack coat);
- ``milling_area_m2`` / ``milling_volume_m3``: milled area (× depth).

The arithmetic is ``analytics.machine_quantities.covered`` (pure numpy).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np

from zhiyang.analytics.machine_quantities import covered
from zhiyang.contracts.attribution import Attributed

if TYPE_CHECKING:
    from zhiyang.contracts.models import Contract, QuantityMapping

# activity -> (machine type, speed column, speed factor to m/s, width column, per-m² column,
# per-m² factor)
ACTIVITIES: dict[str, tuple[str, str, float, str, str | None, float]] = {
    "paver_area_m2": ("paver", "speed_m_per_min", 1 / 60, "mat_width_m", None, 1.0),
    "paver_volume_m3": ("paver", "speed_m_per_min", 1 / 60, "mat_width_m", "thickness_mm", 1e-3),
    "sprayer_litres": ("sprayer", "speed_kmh", 1 / 3.6, "width_m", "rate_l_per_m2", 1.0),
    "milling_area_m2": ("milling", "speed_m_per_min", 1 / 60, "width_m", None, 1.0),
    "milling_volume_m3": ("milling", "speed_m_per_min", 1 / 60, "width_m", "depth_mm", 1e-3),
}


def _column(table: Any, name: str) -> np.ndarray:
    return np.asarray(table.column(name).to_numpy(zero_copy_only=False), dtype=float)


def day_quantity(lake: Any, activity: str, project_code: str, day: dt.date) -> float:
    """What the machines of one project measured on one day for ``activity``."""
    machine_type, speed, factor, width, per, per_factor = ACTIVITIES[activity]
    columns = ["time", "device", speed, width] + ([per] if per else [])
    table = lake.read(machine_type, date=day.isoformat(), project=project_code, columns=columns)
    if not table.num_rows:
        return 0.0
    total = 0.0
    devices = np.asarray(table.column("device").to_pylist())
    t = np.asarray(table.column("time").cast("int64").to_numpy(zero_copy_only=False), float) / 1000
    for device in np.unique(devices):
        mask = devices == device
        total += covered(
            t[mask],
            _column(table, speed)[mask] * factor,
            _column(table, width)[mask],
            per_m2=None if per is None else _column(table, per)[mask] * per_factor,
        )
    return total


def machine_source(
    contract: Contract, mappings: list[QuantityMapping], start: dt.date, end: dt.date
) -> Iterable[Attributed]:
    try:
        from zhiyang.qc.services import lake as qc_lake

        lake = qc_lake()
    except Exception:  # no lake configured: nothing measured by machines
        return
    projects = list(contract.projects.all())
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    for m in mappings:
        if m.activity not in ACTIVITIES:
            continue
        chosen = [p for p in projects if m.project_id in (None, p.pk)]
        if m.project_id and not chosen:
            chosen = [m.project] if m.project else []
        for project in chosen:
            total = sum(day_quantity(lake, m.activity, project.code, d) for d in days)
            if total:
                amount = Decimal(str(round(total, 3))) * m.factor
                yield Attributed(item_id=m.item_id, quantity=amount, ref=f"machine:{project.code}")
