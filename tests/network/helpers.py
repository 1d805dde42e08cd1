"""Small helpers shared by the network tests."""

from __future__ import annotations

from typing import Any


def coords_of(obj: Any) -> list[list[float]]:
    """The positions of an object's GeoJSON LineString geometry (which must be set)."""
    geometry = obj.geometry
    assert geometry is not None, f"{obj} has no geometry"
    coords: list[list[float]] = geometry["coordinates"]
    return coords
