"""Translated labels of the reading fields (telemetry/schema.py), one for every field of every
machine type: the live page, the device page and exports show these, never the raw names."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FIELD_LABELS: dict[str, str | Promise] = {
    "lat": _("Latitude"),
    "lon": _("Longitude"),
    "speed_m_per_min": _("Speed (m/min)"),
    "speed_kmh": _("Speed (km/h)"),
    "heading_deg": _("Heading (°)"),
    "direction": _("Direction of travel"),
    "drum_width_m": _("Drum width (m)"),
    "mat_temp_c": _("Mat temperature (°C)"),
    "mat_width_m": _("Mat width (m)"),
    "screed_temp_c": _("Screed temperature (°C)"),
    "surface_temp_c": _("Surface temperature (°C)"),
    "thickness_mm": _("Thickness (mm)"),
    "vibration": _("Vibration"),
    "frequency_hz": _("Vibration frequency (Hz)"),
    "amplitude_mm": _("Vibration amplitude (mm)"),
    "icmv": _("Compaction value (ICMV)"),
    "rate_l_per_m2": _("Spray rate (L/m²)"),
    "width_m": _("Working width (m)"),
    "product_temp_c": _("Product temperature (°C)"),
    "mix_temp_c": _("Mix temperature (°C)"),
    "load_t": _("Load (t)"),
    "depth_mm": _("Milling depth (mm)"),
}


def field_label(name: str) -> str:
    """The translated label of a reading field (the name itself for an unknown field)."""
    return str(FIELD_LABELS.get(name, name))


def labelled_values(values: dict[str, object]) -> list[tuple[str, object]]:
    """``(label, value)`` pairs of a reading's values, in the schema's field order."""
    return [(field_label(name), value) for name, value in values.items()]
