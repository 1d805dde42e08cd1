"""Choices of the assets app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssetKind(models.TextChoices):
    """Which part of MQI an asset's condition feeds."""

    SUBGRADE = "subgrade", _("Subgrade (SCI)")
    FACILITY = "facility", _("Traffic and roadside facility (TCI)")
    STRUCTURE = "structure", _("Bridge, tunnel or culvert (BCI)")


class Geometry(models.TextChoices):
    POINT = "point", _("Point")
    LINEAR = "linear", _("Linear")


class StructureKind(models.TextChoices):
    BRIDGE = "bridge", _("Bridge")
    TUNNEL = "tunnel", _("Tunnel")
    CULVERT = "culvert", _("Culvert")


class Side(models.TextChoices):
    """Side of the road in increasing chainage."""

    LEFT = "left", _("Left")
    RIGHT = "right", _("Right")
    BOTH = "both", _("Both sides")
    CENTRE = "centre", _("Centre / median")
    ACROSS = "across", _("Across the road")


class AssetStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    REMOVED = "removed", _("Removed")


class InspectionKind(models.TextChoices):
    """JTG H11/H12 inspection kinds: 经常检查, 定期检查, 特殊检查; patrol findings."""

    ROUTINE = "routine", _("Routine (经常检查)")
    PERIODIC = "periodic", _("Periodic (定期检查)")
    SPECIAL = "special", _("Special (特殊检查)")
    PATROL = "patrol", _("Patrol finding")


class ConditionIndex(models.TextChoices):
    SCI = "sci", _("SCI (subgrade)")
    TCI = "tci", _("TCI (roadside facilities)")


class TechnicalClass(models.IntegerChoices):
    """Technical condition class of a bridge, tunnel or culvert (1 best … 5 dangerous)."""

    CLASS1 = 1, _("Class 1")
    CLASS2 = 2, _("Class 2")
    CLASS3 = 3, _("Class 3")
    CLASS4 = 4, _("Class 4")
    CLASS5 = 5, _("Class 5 (dangerous)")
