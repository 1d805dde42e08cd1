"""Choices of the fleet app (labels translated)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EquipmentType(models.TextChoices):
    PAVER = "paver", _("Paver")
    STEEL_DRUM_ROLLER = "steel_drum_roller", _("Steel-drum roller")
    PNEUMATIC_ROLLER = "pneumatic_roller", _("Pneumatic roller")
    VIBRATORY_ROLLER = "vibratory_roller", _("Vibratory roller")
    MILLING_MACHINE = "milling_machine", _("Milling machine")
    ASPHALT_DISTRIBUTOR = "asphalt_distributor", _("Asphalt distributor")
    CHIP_SPREADER = "chip_spreader", _("Chip spreader")
    SWEEPER = "sweeper", _("Sweeper")
    MARKING_MACHINE = "marking_machine", _("Marking machine")
    TRUCK = "truck", _("Dump truck")
    WATER_TRUCK = "water_truck", _("Water truck")
    LOADER = "loader", _("Loader")
    OTHER = "other", _("Other")


# Marker colours on the fleet map, one per type (the legend is rendered from this too).
TYPE_COLOURS: dict[str, str] = {
    EquipmentType.PAVER: "#d62728",
    EquipmentType.STEEL_DRUM_ROLLER: "#1f77b4",
    EquipmentType.PNEUMATIC_ROLLER: "#17becf",
    EquipmentType.VIBRATORY_ROLLER: "#2ca02c",
    EquipmentType.MILLING_MACHINE: "#8c564b",
    EquipmentType.ASPHALT_DISTRIBUTOR: "#111111",
    EquipmentType.CHIP_SPREADER: "#bcbd22",
    EquipmentType.SWEEPER: "#9467bd",
    EquipmentType.MARKING_MACHINE: "#e377c2",
    EquipmentType.TRUCK: "#ff7f0e",
    EquipmentType.WATER_TRUCK: "#1a55a0",
    EquipmentType.LOADER: "#7f7f00",
    EquipmentType.OTHER: "#7f7f7f",
}


class Ownership(models.TextChoices):
    OWNED = "owned", _("Owned")
    LEASED = "leased", _("Leased")


class EquipmentStatus(models.TextChoices):
    ACTIVE = "active", _("In service")
    STANDBY = "standby", _("Standby")
    REPAIR = "repair", _("Under repair")
    RETIRED = "retired", _("Retired")


class SnapshotFormat(models.TextChoices):
    AUTO = "auto", _("Automatic (from the answer)")
    XML = "xml", _("XML")
    JSON = "json", _("JSON")


class ImportOrigin(models.TextChoices):
    FILE = "file", _("File upload")
    POLL = "poll", _("Polled endpoint")
    DEMO = "demo", _("Demo data")


class ServiceState(models.TextChoices):
    OK = "ok", _("OK")
    DUE = "due", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    UNKNOWN = "unknown", _("No reading")
