"""The treatment catalogue's cited defaults (``analytics/standards/treatments.toml``) and the
conversion of catalogue rows into the lifecycle kernel's ``Treatment``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zhiyang.analytics import lifecycle
from zhiyang.standards import registry

FILE = "treatments.toml"
#: Fields of a catalogue row that the file gives (and "reset to the cited default" restores).
VALUE_FIELDS = (
    "category",
    "unit_cost_yuan_per_m2",
    "min_index",
    "max_index",
    "road_classes",
    "pavements",
    "reset_to",
    "improve_by",
    "alpha_factor",
    "min_interval_years",
    "source",
    "confirmed",
)
#: Fields an administrator edits on a catalogue row (the form and the API).
EDITABLE_FIELDS = (*VALUE_FIELDS, "active", "note")


def defaults() -> dict[str, dict[str, Any]]:
    """The file's values by treatment code (only the model's fields; missing effect = None)."""
    raw = registry.raw_file(FILE)
    out: dict[str, dict[str, Any]] = {}
    for item in raw.get("treatment", []):
        values = {name: item.get(name) for name in VALUE_FIELDS}
        values["road_classes"] = list(values["road_classes"] or [])
        values["pavements"] = list(values["pavements"] or [])
        values["source"] = str(values["source"] or "")
        values["confirmed"] = bool(values["confirmed"])
        out[str(item["key"])] = values
    return out


def kernel_treatments(rows: Iterable[Any]) -> tuple[lifecycle.Treatment, ...]:
    """Catalogue rows (``planning.Treatment``) as the lifecycle kernel's treatments."""
    return tuple(
        lifecycle.Treatment(
            code=row.code,
            category=row.category,
            unit_cost_yuan_per_m2=float(row.unit_cost_yuan_per_m2),
            min_index=float(row.min_index),
            max_index=float(row.max_index),
            road_classes=tuple(row.road_classes or ()),
            pavements=tuple(row.pavements or ()),
            reset_to=None if row.reset_to is None else float(row.reset_to),
            improve_by=None if row.improve_by is None else float(row.improve_by),
            alpha_factor=float(row.alpha_factor),
            min_interval_years=float(row.min_interval_years),
        )
        for row in rows
    )
