"""Choices of the telemetry app (labels translated)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MachineType(models.TextChoices):
    """The message schemas (telemetry/schema.py), one per kind of machine."""

    PAVER = "paver", _("Paver")
    ROLLER = "roller", _("Roller")
    SPRAYER = "sprayer", _("Sprayer")
    MILLING = "milling", _("Milling machine")
    TRUCK = "truck", _("Truck")


class Transport(models.TextChoices):
    MQTT = "mqtt", _("MQTT")
    HTTP = "http", _("HTTP")
    LOCAL = "local", _("Local (simulator, file)")
